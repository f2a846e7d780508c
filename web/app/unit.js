// The unit portal: its tasks per round with deadlines and ladder level, a report form per open task, its own evaluation row.
import { get } from './api.js';
import { dateTime, h, loading, replace } from './dom.js';
import { EVIDENCE, ROUND_STATUS, label } from './labels.js';
import { rankingTable } from './ranking.js';
import { levelBadge, taskStatusBadge } from './round.js';
import { submissionForm } from './submission.js';
import { unitTrend } from './trend.js';
import { badge, errorBox, pageTitle, section, successBox } from './ui.js';

const OPEN = ['issued', 'returned', 'overdue'];
const WEEKDAY = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
const EVALUATED_ROUNDS = 10;

const weekday = (date) => WEEKDAY[new Date(`${date}T12:00:00+08:00`).getUTCDay()];

// A task is due at the end of its due date, which the API gives as the next day's 00:00.
const dueTime = (task) => (dateTime(task.dueAt).slice(11) === '00:00' ? '24:00' : dateTime(task.dueAt).slice(11));

function deadline(task) {
  return h('div', { class: 'deadline' },
    h('span', {}, '截止 ', h('strong', {}, task.dueDate), ` ${weekday(task.dueDate)} ${dueTime(task)} 前`, h('span', { class: 'workday' }, '工作日')),
    task.dueProvisional
      ? h('p', { class: 'note-provisional' }, h('strong', {}, '临时日历'), '：该年度法定节假日和调休安排尚未公布，截止日期暂按临时日历推算，公布后可能调整。')
      : task.ladderProvisional
        ? h('p', { class: 'note-ladder-provisional muted' }, '截止日期已确定；逾期后的督办、上报、通报节点落在节假日安排尚未公布的年度，暂按临时日历推算。')
        : null);
}

function taskItem(task) {
  const status = h('span', { class: 'task-status' }, taskStatusBadge(task.status));
  const body = h('div', { class: 'task-body' });
  const item = h('li', { class: 'task-item', dataset: { taskId: task.id, code: task.code } },
    h('div', { class: 'task-head' },
      h('h3', {}, task.title),
      status),
    h('p', { class: 'meta' },
      h('span', {}, task.code), h('span', {}, task.category), h('span', {}, `权重 ${task.weight}`),
      h('span', {}, '督办级别 ', levelBadge(task.escalationLevel))),
    deadline(task),
    task.evidenceRequired.length ? h('p', { class: 'meta' }, `必需材料：${task.evidenceRequired.map((k) => label(EVIDENCE, k)).join('、')}`) : null,
    body);
  if (OPEN.includes(task.status)) {
    const done = (result) => {
      replace(status, taskStatusBadge(result.taskStatus));
      replace(body, successBox('已提交，等待产改办审核。'));
    };
    body.append(h('details', { class: 'report', open: task.status === 'returned' ? true : null },
      h('summary', {}, task.status === 'returned' ? '已退回，修改后重新上报' : '上报完成情况'),
      submissionForm(task, done)));
  }
  return item;
}

async function ownEvaluation(roundId) {
  try {
    const evaluation = await get(`/rounds/${roundId}/evaluation`);
    if (evaluation.units.length === 0) return null;
    return h('div', { class: 'own-evaluation' },
      h('h3', {}, '本单位考核 ', evaluation.status === 'final' ? badge('ok', `最终 · 第 ${evaluation.version} 版`) : badge('warn', '临时，按当前数据计算')),
      h('div', { class: 'table-wrap' }, rankingTable(evaluation.units, { caption: '本单位考核结果' })));
  } catch (err) {
    return errorBox(err);
  }
}

export async function unitPage({ me }) {
  const [tasks, rounds] = await Promise.all([get('/me/tasks'), get('/rounds?limit=100')]);
  const byRound = new Map();
  for (const t of tasks) byRound.set(t.roundId, [...(byRound.get(t.roundId) ?? []), t]);
  const known = new Map(rounds.map((r) => [r.id, r]));
  const order = [...byRound.keys()].sort((a, b) => (known.get(b)?.launchedAt ?? '').localeCompare(known.get(a)?.launchedAt ?? ''));
  const open = tasks.filter((t) => OPEN.includes(t.status)).length;

  const sections = order.map((roundId, i) => {
    const round = known.get(roundId);
    const evaluation = h('div', {});
    if (i < EVALUATED_ROUNDS) void ownEvaluation(roundId).then((node) => node && replace(evaluation, node));
    return h('section', { class: 'card round-section', 'aria-label': round?.title ?? '督查轮次' },
      h('div', { class: 'round-card-head' },
        h('h2', {}, round?.title ?? '督查轮次'),
        round ? badge(round.status === 'open' ? 'info' : 'neutral', label(ROUND_STATUS, round.status)) : null),
      round ? h('p', { class: 'meta' }, `期次 ${round.period} · 轮次截止 ${dateTime(round.closesAt)}`) : null,
      h('ul', { class: 'task-list' }, byRound.get(roundId).map(taskItem)),
      evaluation);
  });

  const trend = h('div', {}, loading());
  void unitTrend(me.code).then((nodes) => replace(trend, nodes));

  return h('div', {},
    pageTitle(`${me.name} · 任务清单`),
    h('p', { class: 'lead' }, open ? `您有 ${open} 项任务待上报。截止日期按中国法定工作日计算。` : '当前没有待上报的任务。'),
    sections.length ? sections : h('p', { class: 'card empty' }, '暂无下发的任务。'),
    section('历次考核走势', trend));
}
