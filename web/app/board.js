// The office's view of one round: the supervision board. Tiles per light, the sub-office roll-up,
// and the units worst first; a unit's row opens its tasks, submissions, evidence and ladder.
import { download, get } from './api.js';
import { h, latest, loading, replace } from './dom.js';
import { ESCALATION, label } from './labels.js';
import { LIGHT_COLOURS, chart } from './charts.js';
import { roundProgress } from './progress.js';
import { roundStatusBadge } from './office.js';
import { levelBadge, roundTabs } from './round.js';
import { emptyRow, errorBox, pageTitle, progressBar, section, successBox } from './ui.js';

export const LIGHT = { red: '红灯', yellow: '黄灯', blue: '蓝灯', green: '绿灯' };
const LIGHT_MEANING = { red: '有任务逾期', yellow: '进度滞后或被退回', blue: '3个工作日内有任务到期', green: '进度正常' };
const PAGE = 50;

const lightBadge = (light) => h('span', { class: `light light-${light}` }, LIGHT[light]);

function tiles(totals, current, choose) {
  return h('div', { class: 'light-tiles', role: 'group', 'aria-label': '按灯色筛选' },
    Object.keys(LIGHT).map((l) => h('button', {
      type: 'button', class: `light-tile light-tile-${l}`, 'aria-pressed': current === l ? 'true' : 'false', dataset: { light: l },
      onclick: () => choose(current === l ? '' : l),
    }, h('span', { class: 'light-tile-count' }, String(totals[l])), h('span', { class: 'light-tile-label' }, LIGHT[l]), h('small', {}, LIGHT_MEANING[l]))));
}

function officeChart(offices) {
  const rows = offices.slice(0, 15).reverse();
  return chart({
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    legend: { top: 0, data: Object.values(LIGHT) },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: rows.map((o) => o.officeName), axisLabel: { width: 110, overflow: 'truncate' } },
    series: Object.keys(LIGHT).map((l) => ({ name: LIGHT[l], type: 'bar', stack: 'units', itemStyle: { color: LIGHT_COLOURS[l] }, data: rows.map((o) => o.lights[l]) })),
  }, { height: Math.max(160, 40 + rows.length * 26), summary: `各产改办单位灯色分布：${offices.map((o) => `${o.officeName} 红${o.lights.red} 黄${o.lights.yellow} 蓝${o.lights.blue} 绿${o.lights.green}`).join('；')}` });
}

function officeTable(offices, chooseOffice) {
  return h('table', { class: 'table' },
    h('caption', { class: 'sr-only' }, '各产改办灯色汇总'),
    h('thead', {}, h('tr', {}, ['产改办', '状态', '单位', '红灯', '黄灯', '蓝灯', '绿灯', '任务', '已通过', '逾期'].map((t, i) => h('th', { scope: 'col', class: i > 1 ? 'num' : null }, t)))),
    h('tbody', {}, offices.length === 0 ? emptyRow(10, '暂无下级产改办的数据。') : offices.map((o) => h('tr', { dataset: { office: o.officeCode } },
      h('th', { scope: 'row' }, h('button', { type: 'button', class: 'link', onclick: () => chooseOffice(o.officeCode) }, o.officeName)),
      h('td', {}, lightBadge(o.light)),
      ...[o.units, o.lights.red, o.lights.yellow, o.lights.blue, o.lights.green, o.tasks, o.accepted, o.overdue].map((v) => h('td', { class: 'num' }, String(v)))))));
}

function unitTable(id, units) {
  return h('table', { class: 'table board-units' },
    h('caption', { class: 'sr-only' }, '各单位督查情况，问题最多的在前'),
    h('thead', {}, h('tr', {}, ['单位', '灯色', '任务', '已通过', '待审核', '退回', '逾期', '临期', '督办级别', ''].map((t, i) => h('th', { scope: 'col', class: i > 1 && i < 8 ? 'num' : null }, t)))),
    h('tbody', {}, units.length === 0 ? emptyRow(10, '没有符合条件的单位。') : units.map((u) => h('tr', { dataset: { unit: u.unitCode, light: u.light } },
      h('th', { scope: 'row' }, h('a', { href: `#/office/rounds/${id}/units/${encodeURIComponent(u.unitCode)}` }, u.unitName), h('br'), h('small', { class: 'muted' }, u.unitCode)),
      h('td', {}, lightBadge(u.light)),
      ...[u.tasks, u.accepted, u.submitted, u.returned, u.overdue, u.dueSoon].map((v) => h('td', { class: 'num' }, String(v))),
      h('td', {}, levelBadge(u.escalationLevel)),
      h('td', {}, h('a', { class: 'btn btn-small', href: `#/office/rounds/${id}/units/${encodeURIComponent(u.unitCode)}` }, '查看任务'))))));
}

export async function boardPage({ params: [id] }) {
  const round = await get(`/rounds/${id}`);
  const state = { light: '', officeCode: '', offset: 0 };
  const tileArea = h('div', {});
  const officeArea = h('div', {});
  const unitArea = h('div', { class: 'table-wrap' });
  const status = h('div', { 'aria-live': 'polite' });
  const scopeNote = h('p', { class: 'hint' });

  const load = latest(async (current) => {
    replace(unitArea, loading());
    const q = new URLSearchParams({ limit: String(PAGE), offset: String(state.offset) });
    if (state.light) q.set('light', state.light);
    if (state.officeCode) q.set('officeCode', state.officeCode);
    const oq = new URLSearchParams({ limit: '200' });
    if (state.officeCode) oq.set('officeCode', state.officeCode);
    try {
      const [board, offices] = await Promise.all([get(`/rounds/${id}/board?${q}`), get(`/rounds/${id}/board/offices?${oq}`)]);
      if (!current()) return;
      replace(tileArea, tiles(board.totals, state.light, (l) => { state.light = l; state.offset = 0; void load(); }));
      const below = offices.offices.filter((o) => o.officeCode !== board.officeCode);
      replace(officeArea, below.length ? [officeChart(below), h('div', { class: 'table-wrap' }, officeTable(below, (code) => { state.officeCode = code; state.offset = 0; void load(); }))] : h('p', { class: 'hint' }, '本级以下没有其他产改办。'));
      replace(scopeNote, state.officeCode
        ? [`当前范围：${offices.offices.find((o) => o.officeCode === state.officeCode)?.officeName ?? state.officeCode} `, h('button', { type: 'button', class: 'link', onclick: () => { state.officeCode = ''; state.offset = 0; void load(); } }, '返回全部')]
        : '当前范围：本产改办及全部下级');
      const pager = h('div', { class: 'pager' },
        h('span', {}, `共 ${board.count} 家单位${state.light ? `（${LIGHT[state.light]}）` : ''}，第 ${board.count === 0 ? 0 : state.offset + 1}–${state.offset + board.units.length} 家 · 数据截至 ${new Date(board.countsAsOf).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}`),
        h('button', { type: 'button', class: 'btn btn-small', disabled: state.offset === 0 ? true : null, onclick: () => { state.offset = Math.max(0, state.offset - PAGE); void load(); } }, '上一页'),
        h('button', { type: 'button', class: 'btn btn-small', disabled: state.offset + PAGE >= board.count ? true : null, onclick: () => { state.offset += PAGE; void load(); } }, '下一页'));
      replace(unitArea, unitTable(id, board.units), pager);
    } catch (err) {
      if (current()) replace(unitArea, errorBox(err));
    }
  });

  const bulletin = async () => {
    try {
      const name = await download(`/rounds/${id}/bulletin.docx`, `督查通报-${round.period}.docx`);
      replace(status, successBox(`已下载 ${decodeURIComponent(name)}`));
    } catch (err) {
      replace(status, errorBox(err));
    }
  };
  void load();
  const progressArea = h('div', {}, loading());
  void roundProgress(id).then((node) => replace(progressArea, node));

  return h('div', {},
    pageTitle(round.title, roundStatusBadge(round.status), h('button', { type: 'button', class: 'btn', onclick: bulletin }, '下载督查通报（Word）')),
    h('p', { class: 'meta' }, `期次 ${round.period} · 截止 ${new Date(round.closesAt).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' })}`),
    roundTabs(id, 'board'),
    status,
    section('督查看板', progressBar(round.counts), scopeNote, tileArea),
    section('完成进度', progressArea),
    section('下级产改办', officeArea),
    section('各单位（问题最多的在前）', h('p', { class: 'hint' }, `点击单位查看其任务、提交、佐证材料和督办记录。${label(ESCALATION, 'escalated')}及以上的单位请重点跟进。`), unitArea));
}
