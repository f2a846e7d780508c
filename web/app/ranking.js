// The ranking table shared by the office's evaluation and the unit's own row.
import { h, num } from './dom.js';
import { GRADE } from './labels.js';
import { badge } from './ui.js';

export const gradeBadge = (grade) => badge(`grade-${grade}`, GRADE[grade] ?? grade);

const SCORE_COLUMNS = [['completion', '完成率'], ['timeliness', '及时率'], ['quality', '质量'], ['satisfaction', '满意度'], ['penalty', '扣分']];

export function rankingTable(units, { caption = '考核排名' } = {}) {
  return h('table', { class: 'table ranking' },
    h('caption', { class: 'sr-only' }, caption),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, '单位'),
      SCORE_COLUMNS.map(([, t]) => h('th', { scope: 'col', class: 'num' }, t)),
      h('th', { scope: 'col', class: 'num' }, '总分'), h('th', { scope: 'col' }, '等次'), h('th', { scope: 'col', class: 'num' }, '排名'))),
    h('tbody', {}, units.map((u) => h('tr', { class: `row-grade-${u.grade}`, dataset: { unit: u.unitCode } },
      h('th', { scope: 'row' }, u.unitName, u.flags?.length ? h('span', { class: 'flag', title: '观察员评价与已通过任务不一致，请核实' }, ' 存疑') : null),
      SCORE_COLUMNS.map(([k]) => h('td', { class: 'num' }, num(u.scores[k]))),
      h('td', { class: 'num total' }, num(u.total)),
      h('td', {}, gradeBadge(u.grade)),
      h('td', { class: 'num' }, String(u.rank))))));
}
