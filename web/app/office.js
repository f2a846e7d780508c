// Office dashboard: the rounds it launched or that include its units, with progress from their counts.
import { get } from './api.js';
import { dateTime, h } from './dom.js';
import { ROUND_STATUS } from './labels.js';
import { badge, pageTitle, progressBar } from './ui.js';

const STATUS_TONE = { open: 'info', closing: 'warn', closed: 'neutral', cancelled: 'muted' };

export const roundStatusBadge = (status) => badge(STATUS_TONE[status] ?? 'neutral', ROUND_STATUS[status] ?? status);

function roundCard(round) {
  const href = `#/office/rounds/${round.id}`;
  return h('li', { class: 'card round-card' },
    h('div', { class: 'round-card-head' },
      h('h2', {}, h('a', { href }, round.title)),
      roundStatusBadge(round.status)),
    h('p', { class: 'meta' },
      h('span', {}, `期次 ${round.period}`),
      h('span', {}, `${round.counts.units} 个单位`),
      h('span', {}, `发起 ${dateTime(round.launchedAt)}`),
      h('span', {}, `${round.closedAt ? '结束' : '截止'} ${dateTime(round.closedAt ?? round.closesAt)}`)),
    progressBar(round.counts),
    h('p', { class: 'card-links' },
      h('a', { href }, '任务与督办'),
      h('a', { href: `${href}/evaluation` }, '考核结果')));
}

export async function roundsPage({ me }) {
  const rounds = await get('/rounds?limit=100');
  return h('div', {},
    pageTitle(`${me.name} · 督查轮次`, h('a', { class: 'btn btn-ghost', href: `#/office/calendar/${new Date().getFullYear() + 1}` }, '工作日历')),
    h('p', { class: 'lead' }, '本级及下级产改办发起的督查轮次。进度条按任务状态分段：绿色已通过，蓝色待审核，橙色已退回，红色已逾期。'),
    rounds.length === 0
      ? h('p', { class: 'card empty' }, '暂无督查轮次。')
      : h('ul', { class: 'round-list' }, rounds.map(roundCard)));
}
