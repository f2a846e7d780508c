// An office's view of one unit in a round (opened from the board): its tasks with review, its ladder history, its 督办单.
import { download, get } from './api.js';
import { dateTime, field, h, latest, loading, replace } from './dom.js';
import { ESCALATION, EVIDENCE, TASK_STATUS, label } from './labels.js';
import { roundStatusBadge } from './office.js';
import { LIGHT } from './board.js';
import { openReview } from './review.js';
import { unitTrend } from './trend.js';
import { badge, emptyRow, errorBox, pageTitle, section, successBox } from './ui.js';

const LIMIT = 500;
const STATUS_TONE = { issued: 'neutral', submitted: 'info', returned: 'warn', accepted: 'ok', overdue: 'danger', waived: 'muted' };
const LEVEL_TONE = { reminder: 'neutral', overdue: 'warn', supervision: 'warn', escalated: 'danger', public_notice: 'danger' };

export const taskStatusBadge = (status) => badge(STATUS_TONE[status] ?? 'neutral', label(TASK_STATUS, status));
export const levelBadge = (level) => (level ? badge(LEVEL_TONE[level] ?? 'neutral', label(ESCALATION, level)) : h('span', { class: 'muted' }, '—'));

export function roundTabs(id, current) {
  const tab = (href, text, key) => h('a', { href, class: 'tab', 'aria-current': current === key ? 'page' : null }, text);
  return h('nav', { class: 'tabs', 'aria-label': '轮次视图' },
    h('a', { href: '#/office', class: 'tab tab-back' }, '← 全部轮次'),
    tab(`#/office/rounds/${id}`, '督查看板', 'board'),
    tab(`#/office/rounds/${id}/evaluation`, '考核结果', 'evaluation'));
}

export async function unitRoundPage({ me, params: [id, encodedCode] }) {
  // Reviews are a supervisor's; a viewer reads the same page without the buttons.
  const mayReview = me.capabilities?.includes('supervisor') ?? false;
  const mayIssueLinks = me.capabilities?.includes('admin') ?? false;
  const code = decodeURIComponent(encodedCode);
  const [round, board] = await Promise.all([get(`/rounds/${id}`), get(`/rounds/${id}/board?unitCode=${encodeURIComponent(code)}`)]);
  const row = board.units[0];
  const unitNames = new Map(row ? [[code, row.unitName]] : []);
  const notice = h('div', { 'aria-live': 'polite' });
  const unitSelect = { value: code };

  // The unit's tasks, filtered by status.
  const statusSelect = h('select', { name: 'status' }, h('option', { value: '' }, '全部状态'), Object.entries(TASK_STATUS).map(([k, t]) => h('option', { value: k }, t)));
  const taskArea = h('div', { class: 'table-wrap' });

  const loadTasks = latest(async (current) => {
    replace(taskArea, loading());
    const q = new URLSearchParams({ limit: String(LIMIT) });
    if (unitSelect.value) q.set('unitCode', unitSelect.value);
    if (statusSelect.value) q.set('status', statusSelect.value);
    try {
      const tasks = await get(`/rounds/${id}/tasks?${q}`);
      if (current()) replace(taskArea, taskTable(tasks), tasks.length === LIMIT ? h('p', { class: 'hint' }, `仅显示前 ${LIMIT} 项，请用筛选缩小范围。`) : null);
    } catch (err) {
      if (current()) replace(taskArea, errorBox(err));
    }
  });

  async function reviewed(task, status) {
    const done = successBox(`${unitNames.get(task.unitCode) ?? task.unitCode}「${task.title}」审核完成：${label(TASK_STATUS, status)}`);
    replace(notice, done);
    // The row's button is gone with the reload: keep keyboard focus on the outcome instead of losing it.
    done.setAttribute('tabindex', '-1');
    done.focus();
    await Promise.all([loadTasks(), loadSubmissions()]);
  }

  function taskTable(tasks) {
    return h('table', { class: 'table', 'aria-describedby': 'tasks-caption' },
      h('caption', { id: 'tasks-caption', class: 'sr-only' }, '本轮任务'),
      h('thead', {}, h('tr', {}, ['单位', '任务', '类别', '状态', '截止日期', '督办级别', '操作'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, tasks.length === 0 ? emptyRow(7, '没有符合条件的任务。') : tasks.map((t) => h('tr', { dataset: { taskId: t.id, unit: t.unitCode } },
        h('td', {}, unitNames.get(t.unitCode) ?? t.unitCode),
        h('td', {}, h('span', { class: 'task-title' }, t.title), h('br'), h('small', { class: 'muted' }, t.code)),
        h('td', {}, t.category),
        h('td', {}, taskStatusBadge(t.status)),
        h('td', { class: 'nowrap' }, t.dueDate, t.dueProvisional ? h('small', { class: 'muted due-provisional', title: '截止日期所在年度的节假日安排尚未公布，按临时日历推算' }, ' （临时）') : null),
        h('td', {}, levelBadge(t.escalationLevel)),
        h('td', {}, mayReview && t.status === 'submitted' && t.submissionId
          ? h('button', { type: 'button', class: 'btn btn-small btn-primary', 'aria-label': `审核 ${unitNames.get(t.unitCode) ?? t.unitCode} 的「${t.title}」`, onclick: () => openReview({ task: t, unitName: unitNames.get(t.unitCode) }, (s) => reviewed(t, s)) }, '审核')
          : h('span', { class: 'muted' }, '—'))))));
  }

  // The escalation log.
  const levelSelect = h('select', { name: 'level' }, h('option', { value: '' }, '全部级别'), Object.entries(ESCALATION).map(([k, t]) => h('option', { value: k }, t)));
  const escalationArea = h('div', { class: 'table-wrap' });
  const loadEscalations = latest(async (current) => {
    replace(escalationArea, loading());
    try {
      const rows = await get(`/rounds/${id}/escalations?limit=${LIMIT}&unitCode=${encodeURIComponent(code)}${levelSelect.value ? `&level=${levelSelect.value}` : ''}`);
      if (!current()) return;
      replace(escalationArea, h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, ['级别', '单位', '任务', '截止日期', '触发时间', '报送至'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows.length === 0 ? emptyRow(6, '暂无督办记录。') : rows.map((e) => h('tr', {},
          h('td', {}, levelBadge(e.level)), h('td', {}, e.unitName), h('td', {}, e.taskTitle), h('td', { class: 'nowrap' }, e.dueDate),
          h('td', { class: 'nowrap' }, dateTime(e.firedAt)), h('td', {}, e.targetOfficeCode))))));
    } catch (err) {
      if (current()) replace(escalationArea, errorBox(err));
    }
  });

  statusSelect.addEventListener('change', loadTasks);
  levelSelect.addEventListener('change', loadEscalations);
  void loadTasks();
  void loadEscalations();

  // The unit's submissions, newest first, with their evidence and reviews.
  const SUBMISSION = { pending: ['info', '待审核'], accepted: ['ok', '已通过'], returned: ['warn', '已退回'] };
  const submissionArea = h('div', {});
  const loadSubmissions = latest(async (current) => {
    try {
      const rows = await get(`/rounds/${id}/submissions?unitCode=${encodeURIComponent(code)}&limit=${LIMIT}`);
      if (!current()) return;
      replace(submissionArea, rows.length === 0 ? h('p', { class: 'empty' }, '该单位尚未提交任何任务。') : h('ul', { class: 'submissions' }, rows.map((sub) => h('li', { class: 'submission', dataset: { status: sub.status } },
        h('p', {}, h('strong', {}, sub.taskTitle), ' ', badge(...(SUBMISSION[sub.status] ?? ['neutral', sub.status])), h('small', { class: 'muted' }, ` 提交于 ${dateTime(sub.submittedAt)}`)),
        h('p', {}, sub.summary),
        h('ul', { class: 'evidence' }, sub.evidence.map((e) => h('li', {}, badge('neutral', label(EVIDENCE, e.kind)), ' ', e.uri ? h('a', { href: e.uri, rel: 'noopener noreferrer', target: '_blank' }, e.title) : e.title))),
        sub.reviewedAt ? h('p', { class: 'hint' }, `审核：${sub.reviewScore !== null ? `${sub.reviewScore} 分` : ''}${sub.reviewComment ? ` ${sub.reviewComment}` : ''}（${dateTime(sub.reviewedAt)}）`) : null))));
    } catch (err) {
      if (current()) replace(submissionArea, errorBox(err));
    }
  });
  void loadSubmissions();

  const trendArea = h('div', {}, loading());
  void unitTrend(code).then((nodes) => replace(trendArea, nodes));

  const noticeDoc = async () => {
    try {
      const name = await download(`/rounds/${id}/units/${encodeURIComponent(code)}/notice.docx`, `督办单-${code}.docx`);
      replace(notice, successBox(`已下载 ${decodeURIComponent(name)}`));
    } catch (err) {
      replace(notice, errorBox(err));
    }
  };

  return h('div', {},
    pageTitle(`${unitNames.get(code) ?? code}`, row ? h('span', { class: `light light-${row.light}` }, LIGHT[row.light]) : null, roundStatusBadge(round.status), h('button', { type: 'button', class: 'btn', onclick: noticeDoc }, '下载督办单（Word）'), mayIssueLinks ? h('a', { class: 'btn', href: `#/office/units/${encodeURIComponent(code)}/links` }, '观察员二维码') : null),
    h('p', { class: 'meta' }, `${round.title} · 期次 ${round.period} · ${round.closedAt ? `结束 ${dateTime(round.closedAt)}` : `截止 ${dateTime(round.closesAt)}`}`),
    roundTabs(id, 'unit'),
    notice,
    row ? h('dl', { class: 'stats' }, [['tasks', '任务', row.tasks], ['accepted', '已通过', row.accepted], ['submitted', '待审核', row.submitted], ['returned', '已退回', row.returned], ['overdue', '已逾期', row.overdue], ['dueSoon', '临期', row.dueSoon]].map(([k, t, v]) => h('div', { class: `stat stat-${k}` }, h('dt', {}, t), h('dd', {}, String(v))))) : null,
    section('任务清单',
      h('p', { class: 'hint' }, mayReview ? '已提交的任务可点“审核”查看提交内容和佐证材料。' : '审核由督办人员办理；您可查看任务与提交记录。'),
      h('form', { class: 'filters', role: 'search', 'aria-label': '筛选任务', onsubmit: (e) => e.preventDefault() }, field('状态', statusSelect)),
      taskArea),
    section('提交记录', submissionArea),
    section('督办记录',
      h('p', { class: 'hint' }, '逾期任务按 提醒 → 催办 → 督办 → 上报 → 通报 逐级升级。'),
      h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() }, field('级别', levelSelect)),
      escalationArea),
    section('历次考核走势', trendArea));
}
