// An office's evaluation of a round: ranking table, totals chart, office roll-up, downloads.
import { get, download } from './api.js';
import { h, num, replace } from './dom.js';
import { GRADE } from './labels.js';
import { totalsChart } from './chart.js';
import { roundTabs } from './round.js';
import { roundStatusBadge } from './office.js';
import { rankingTable } from './ranking.js';
import { badge, errorBox, pageTitle, section, successBox } from './ui.js';

const CHART_MAX_ROWS = 30;
const GRADE_TONE = { excellent: 'ok', good: 'info', pass: 'warn', fail: 'danger' };

function officeTable(offices) {
  return h('table', { class: 'table' },
    h('caption', { class: 'sr-only' }, '产改办汇总'),
    h('thead', {}, h('tr', {}, ['产改办', '单位数', '平均分', '优秀', '良好', '合格', '不合格', '同级排名'].map((t, i) => h('th', { scope: 'col', class: i > 0 ? 'num' : null }, t)))),
    h('tbody', {}, offices.map((o) => h('tr', {},
      h('th', { scope: 'row' }, o.officeName), h('td', { class: 'num' }, String(o.units)), h('td', { class: 'num total' }, num(o.mean)),
      ...['excellent', 'good', 'pass', 'fail'].map((g) => h('td', { class: 'num' }, String(o.grades[g]))),
      h('td', { class: 'num' }, String(o.rank))))));
}

export async function evaluationPage({ params: [id] }) {
  const [round, evaluation] = await Promise.all([get(`/rounds/${id}`), get(`/rounds/${id}/evaluation`)]);
  const status = h('div', { 'aria-live': 'polite' });
  const fetchFile = (ext) => async () => {
    try {
      const name = await download(`/rounds/${id}/evaluation.${ext}`, `evaluation-${id}.${ext}`);
      replace(status, successBox(`已下载 ${decodeURIComponent(name)}`));
    } catch (err) {
      replace(status, errorBox(err));
    }
  };
  const units = evaluation.units;
  const chartRows = units.slice(0, CHART_MAX_ROWS).map((u) => ({ name: u.unitName, total: u.total, grade: u.grade }));
  const counts = Object.fromEntries(Object.keys(GRADE).map((g) => [g, units.filter((u) => u.grade === g).length]));

  return h('div', {},
    pageTitle(round.title, roundStatusBadge(round.status)),
    roundTabs(id, 'evaluation'),
    h('div', { class: 'eval-head card' },
      h('div', {},
        h('p', { class: 'eval-status' }, evaluation.status === 'final'
          ? badge('ok', `最终结果 · 第 ${evaluation.version} 版`)
          : badge('warn', '临时结果 · 轮次进行中，按当前数据实时计算')),
        evaluation.reason ? h('p', { class: 'hint' }, `更正理由：${evaluation.reason}`) : null,
        h('p', { class: 'grade-summary' }, Object.entries(GRADE).map(([g, t]) => h('span', { class: `legend legend-grade-${GRADE_TONE[g]}` }, `${t} ${counts[g]}`)))),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn', onclick: fetchFile('csv') }, '下载 CSV'),
        h('button', { type: 'button', class: 'btn', onclick: fetchFile('xlsx') }, '下载 Excel'))),
    status,
    units.length === 0
      ? section('考核排名', h('p', { class: 'empty' }, '暂无可见单位的考核结果。'))
      : [
          section('总分对比', h('div', { class: 'chart-wrap' }, totalsChart(chartRows, { title: `${round.title} 各单位总分` })),
            units.length > CHART_MAX_ROWS ? h('p', { class: 'hint' }, `图中显示前 ${CHART_MAX_ROWS} 名，完整排名见下表。`) : null),
          section('考核排名', h('div', { class: 'table-wrap' }, rankingTable(units))),
        ],
    evaluation.offices.length ? section('产改办汇总', h('div', { class: 'table-wrap' }, officeTable(evaluation.offices))) : null);
}
