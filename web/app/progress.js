// Completion over a round's life (GET /rounds/{id}/progress): the share of tasks submitted and
// accepted by the end of each day, as a line chart (Apache ECharts) and a table with the same figures.
import { get } from './api.js';
import { chart } from './charts.js';
import { h } from './dom.js';
import { errorBox } from './ui.js';

const pct = (n, total) => (total === 0 ? 0 : Math.round((n / total) * 1000) / 10);

function progressChart(p) {
  const series = (name, key, color) => ({ name, type: 'line', symbolSize: 6, showSymbol: p.days.length <= 31, lineStyle: { color }, itemStyle: { color }, data: p.days.map((d) => pct(d[key], p.tasks)) });
  const last = p.days.at(-1);
  return chart({
    grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${v}%` },
    xAxis: { type: 'category', data: p.days.map((d) => d.date), axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', min: 0, max: 100, name: '%' },
    series: [series('已提交', 'submitted', '#1e6fd9'), series('已通过', 'accepted', '#2e7d32')],
  }, { height: 240, summary: `共 ${p.tasks} 项任务；截至 ${last.date}，已提交 ${last.submitted} 项（${pct(last.submitted, p.tasks)}%），已通过 ${last.accepted} 项（${pct(last.accepted, p.tasks)}%）` });
}

function progressTable(p) {
  return h('table', { class: 'table progress-days' },
    h('caption', { class: 'sr-only' }, '逐日完成进度'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '日期'), h('th', { scope: 'col', class: 'num' }, '已提交'), h('th', { scope: 'col', class: 'num' }, '已通过'), h('th', { scope: 'col', class: 'num' }, '通过率'))),
    h('tbody', {}, [...p.days].reverse().map((d) => h('tr', {},
      h('th', { scope: 'row' }, d.date),
      h('td', { class: 'num' }, String(d.submitted)),
      h('td', { class: 'num' }, String(d.accepted)),
      h('td', { class: 'num' }, `${pct(d.accepted, p.tasks)}%`)))));
}

/** The round's completion over time for the caller's subtree, or an error box. */
export async function roundProgress(id) {
  try {
    const p = await get(`/rounds/${id}/progress`);
    if (p.tasks === 0 || p.days.length === 0) return h('p', { class: 'hint' }, '尚未下发任务。');
    return [progressChart(p), h('details', { class: 'table-details' }, h('summary', {}, '逐日数据'), h('div', { class: 'table-wrap' }, progressTable(p)))];
  } catch (err) {
    return errorBox(err);
  }
}
