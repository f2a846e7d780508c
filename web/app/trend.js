// A unit's totals over the rounds it was evaluated in (GET /units/{code}/evaluations), oldest first:
// a line chart (Apache ECharts) with each point in its grade's colour, and a table with the same figures.
import { get } from './api.js';
import { GRADE_COLOURS, chart } from './charts.js';
import { h, num } from './dom.js';
import { GRADE } from './labels.js';
import { gradeBadge } from './ranking.js';
import { errorBox } from './ui.js';

const change = (x) => (x === null ? '—' : `${x > 0 ? '+' : ''}${x.toFixed(2)}`);

export function trendChart(rows) {
  return chart({
    grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item', formatter: (p) => `${rows[p.dataIndex].title}（${rows[p.dataIndex].period}）：${p.value.toFixed(2)} 分，${GRADE[rows[p.dataIndex].grade] ?? ''}，第 ${rows[p.dataIndex].rank} 名` },
    xAxis: { type: 'category', data: rows.map((r) => r.period), axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', min: 0, max: 100, name: '总分' },
    series: [{
      type: 'line', symbolSize: 10, lineStyle: { color: '#5b6b7f' },
      label: { show: true, position: 'top', formatter: (p) => p.value.toFixed(1) },
      data: rows.map((r) => ({ value: r.total, itemStyle: { color: GRADE_COLOURS[r.grade] } })),
    }],
  }, { height: 240, summary: `历次考核总分：${rows.map((r) => `${r.period} ${r.title} ${r.total.toFixed(2)} 分 ${GRADE[r.grade] ?? r.grade} 第 ${r.rank} 名`).join('；')}` });
}

export function trendTable(rows) {
  return h('table', { class: 'table trend' },
    h('caption', { class: 'sr-only' }, '历次考核结果，按轮次先后'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, '轮次'), h('th', { scope: 'col' }, '期次'), h('th', { scope: 'col', class: 'num' }, '总分'),
      h('th', { scope: 'col' }, '等次'), h('th', { scope: 'col', class: 'num' }, '排名'), h('th', { scope: 'col', class: 'num' }, '较上轮'))),
    h('tbody', {}, rows.map((r) => h('tr', { dataset: { round: r.roundId } },
      h('th', { scope: 'row' }, r.title),
      h('td', {}, r.period),
      h('td', { class: 'num' }, num(r.total)),
      h('td', {}, gradeBadge(r.grade)),
      h('td', { class: 'num' }, String(r.rank)),
      h('td', { class: 'num' }, change(r.change))))));
}

/** The unit's trend as a chart and a table, or a line saying there is none yet. */
export async function unitTrend(code) {
  try {
    const rows = await get(`/units/${encodeURIComponent(code)}/evaluations`);
    if (rows.length === 0) return h('p', { class: 'hint' }, '尚无已结束并完成考核的轮次。');
    return [trendChart(rows), h('div', { class: 'table-wrap' }, trendTable(rows))];
  } catch (err) {
    return errorBox(err);
  }
}
