// The office's review of a pending submission: accept with a score, or return for rework.
import { get, post } from './api.js';
import { filePreview } from './files.js';
import { field, h } from './dom.js';
import { EVIDENCE, TASK_STATUS } from './labels.js';
import { errorBox } from './ui.js';

const FIELD = { score: '评分', comment: '审核意见', reason: '更正理由' };

/** Opens a modal dialog; `onDone(taskStatus)` runs after the server accepted the decision. */
export function openReview({ task, unitName }, onDone) {
  const score = h('input', { type: 'number', name: 'score', min: '0', max: '100', step: '1', inputmode: 'numeric' });
  const comment = h('textarea', { name: 'comment', rows: '3', maxlength: '5000' });
  const message = h('div', { class: 'form-message' });
  const buttons = [];
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'review-title' });
  const evidence = h('section', { class: 'review-evidence', 'aria-label': '佐证材料' });
  void get(`/submissions/${task.submissionId}`).then(
    (s) => evidence.append(
      h('h3', {}, '佐证材料'),
      h('p', { class: 'summary-text' }, s.summary),
      h('ul', { class: 'evidence-list' }, s.evidence.map((e) => h('li', {},
        h('strong', {}, `${EVIDENCE[e.kind] ?? e.kind}：${e.title}`),
        e.uri ? h('a', { href: e.uri, rel: 'noopener noreferrer', target: '_blank' }, ' 链接') : null,
        e.file ? filePreview(e.file) : null)))),
    (err) => evidence.append(errorBox(err)),
  );

  async function decide(decision) {
    buttons.forEach((b) => (b.disabled = true));
    message.replaceChildren();
    const body = { decision, ...(score.value !== '' ? { score: Number(score.value) } : {}), ...(comment.value.trim() ? { comment: comment.value.trim() } : {}) };
    try {
      const result = await post(`/submissions/${task.submissionId}/review`, body);
      dialog.close();
      onDone(result.taskStatus);
    } catch (err) {
      message.replaceChildren(errorBox(err, (path) => FIELD[path] ?? path));
      buttons.forEach((b) => (b.disabled = false));
    }
  }

  buttons.push(
    h('button', { type: 'button', class: 'btn btn-primary', onclick: () => decide('accept') }, '通过'),
    h('button', { type: 'button', class: 'btn btn-warn', onclick: () => decide('return') }, '退回修改'),
    h('button', { type: 'button', class: 'btn', onclick: () => dialog.close() }, '取消'),
  );
  dialog.append(
    h('h2', { id: 'review-title' }, '审核提交'),
    h('dl', { class: 'facts' },
      h('dt', {}, '单位'), h('dd', {}, unitName ?? task.unitCode),
      h('dt', {}, '任务'), h('dd', {}, `${task.title}（${task.code}）`),
      h('dt', {}, '当前状态'), h('dd', {}, TASK_STATUS[task.status] ?? task.status)),
    evidence,
    field('评分（0–100）', score, { hint: '通过时必须填写，计入考核的"质量"得分；退回时可不填。' }),
    field('审核意见', comment, { hint: '退回时请写明需要补充或修改的内容。' }),
    message,
    h('div', { class: 'actions' }, buttons),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  score.focus();
}
