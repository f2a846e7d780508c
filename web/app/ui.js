// Small shared pieces of the pages: alerts, badges, progress bars, headings.
import { describe } from './api.js';
import { h } from './dom.js';

/** An error as a person should read it; role=alert so screen readers announce it. */
export function errorBox(err, fieldName) {
  const { title, items, detail } = describe(err, fieldName);
  return h('div', { class: 'alert alert-error', role: 'alert' },
    h('p', { class: 'alert-title' }, title),
    items.length ? h('ul', {}, items.map((i) => h('li', {}, i))) : null,
    detail ? h('p', { class: 'alert-detail' }, `服务器说明：${detail}`) : null);
}

export const successBox = (text) => h('div', { class: 'alert alert-success', role: 'status' }, text);

/** A one-line error a page words itself (a form check, a refusal it explains), announced like errorBox. */
export const errorText = (text) => h('div', { class: 'alert alert-error', role: 'alert' }, text);

export const badge = (tone, text) => h('span', { class: `badge badge-${tone}` }, text);

const SEGMENTS = [
  ['accepted', '已通过'],
  ['submitted', '待审核'],
  ['returned', '已退回'],
  ['overdue', '已逾期'],
  ['waived', '已免除'],
];

/** A stacked bar of a round's task counts over every task the round will issue. */
export function progressBar(counts) {
  const total = Math.max(counts.tasks, 1);
  const parts = SEGMENTS.filter(([k]) => counts[k] > 0);
  const done = counts.accepted + counts.waived;
  const summary = `共 ${counts.tasks} 项任务，已下发 ${counts.issued} 项；${SEGMENTS.map(([k, t]) => `${t} ${counts[k]}`).join('，')}；上报 ${counts.escalated}`;
  return h('div', { class: 'progress' },
    h('div', { class: 'progress-bar', role: 'img', 'aria-label': summary },
      parts.map(([k, t]) => h('span', { class: `seg seg-${k}`, style: `width:${(counts[k] / total) * 100}%`, title: `${t} ${counts[k]}` }))),
    h('p', { class: 'progress-legend' },
      h('strong', {}, `完成 ${Math.round((done / total) * 100)}%`),
      ` · 下发 ${counts.issued}/${counts.tasks}`,
      SEGMENTS.map(([k, t]) => h('span', { class: `legend legend-${k}` }, `${t} ${counts[k]}`)),
      h('span', { class: counts.escalated > 0 ? 'legend legend-escalated' : 'legend' }, `上报 ${counts.escalated}`)));
}

export function pageTitle(text, ...aside) {
  return h('div', { class: 'page-head' }, h('h1', { id: 'page-title', tabindex: '-1' }, text), aside.length ? h('div', { class: 'page-actions' }, aside) : null);
}

/** A section card with a heading. */
export const section = (title, ...body) => h('section', { class: 'card', 'aria-label': title }, h('h2', {}, title), body);

export const emptyRow = (cols, text) => h('tr', {}, h('td', { colspan: cols, class: 'empty' }, text));
