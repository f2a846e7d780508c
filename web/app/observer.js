// The observer's questionnaires: each open window as a form, "已提交" once answered.
import { get, post } from './api.js';
import { dateTime, h, replace } from './dom.js';
import { questionField } from './questions.js';
import { badge, errorBox, pageTitle, successBox } from './ui.js';

const submitted = () => [badge('ok', '已提交'), successBox('已提交。感谢您的反馈，本期问卷每人只能提交一次。')];

function windowCard(w) {
  const status = h('span', {}, w.answered ? badge('ok', '已提交') : badge('info', '待填写'));
  const body = h('div', {});
  const card = h('section', { class: 'card questionnaire', 'aria-label': w.title, dataset: { windowId: w.windowId } },
    h('div', { class: 'round-card-head' }, h('h2', {}, w.title), status),
    h('p', { class: 'meta' }, h('span', {}, w.roundTitle), h('span', {}, `第 ${w.seq + 1} 期`), h('span', {}, `截止 ${dateTime(w.closesAt)}`)),
    body);
  if (w.answered) {
    replace(body, submitted()[1]);
    return card;
  }
  const fields = w.questions.map(questionField);
  const label = new Map(w.questions.map((q, i) => [`answers.${q.id}`, `第 ${i + 1} 题`]));
  const message = h('div', { class: 'form-message' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, '提交问卷');
  const form = h('form', { class: 'questionnaire-form', 'aria-label': w.title, onsubmit: async (e) => {
    e.preventDefault();
    submit.disabled = true;
    message.replaceChildren();
    const answers = {};
    w.questions.forEach((q, i) => {
      const v = fields[i].read();
      if (v !== undefined) answers[q.id] = v;
    });
    try {
      await post(`/questionnaires/${w.windowId}/responses`, { answers });
      const [done, text] = submitted();
      replace(status, done);
      replace(body, text);
    } catch (err) {
      message.replaceChildren(errorBox(err, (path) => label.get(path) ?? path));
      // A second answer (409) or a closed window (410) cannot succeed on retry.
      submit.disabled = err.code === 'ALREADY_ANSWERED' || err.code === 'WINDOW_CLOSED';
      if (err.code === 'ALREADY_ANSWERED') replace(status, submitted()[0]);
      if (err.code === 'WINDOW_CLOSED') replace(status, badge('muted', '已截止'));
    }
  } },
  h('p', { class: 'hint' }, '标 * 的为必答题。'),
  fields.map((f) => f.node),
  message,
  h('div', { class: 'actions' }, submit));
  replace(body, form);
  return card;
}

export async function observerPage({ me }) {
  const windows = await get('/me/questionnaires');
  return h('div', {},
    pageTitle(`${me.name} · 观察员问卷`),
    h('p', { class: 'lead' }, `您是${me.unitName ? `「${me.unitName}」的` : ''}改革观察员。您的回答仅汇总统计，不会向所在单位透露个人身份。`),
    windows.length ? windows.map(windowCard) : h('p', { class: 'card empty' }, '目前没有开放中的问卷。'));
}
