// Sign-in: paste a token; GET /me tells whose it is, and the app routes by role.
import { ApiError, get, session } from './api.js';
import { h, field } from './dom.js';
import { errorBox, successBox } from './ui.js';

export async function signInPage({ notice, signedIn }) {
  const token = h('textarea', { name: 'token', rows: '3', autocomplete: 'off', spellcheck: 'false', class: 'mono' });
  const message = h('div', { class: 'form-message' }, notice ? successBox(notice) : null);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, '登录');

  const form = h('form', { class: 'card signin-card', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const value = token.value.trim();
    if (!value) {
      message.replaceChildren(h('div', { class: 'alert alert-error', role: 'alert' }, '请粘贴访问令牌。'));
      token.focus();
      return;
    }
    submit.disabled = true;
    session.set(value);
    try {
      signedIn(await get('/me'));
    } catch (err) {
      session.clear();
      message.replaceChildren(err instanceof ApiError && err.status === 401 ? h('div', { class: 'alert alert-error', role: 'alert' }, '令牌无效或已被吊销，请向上级产改办确认。') : errorBox(err));
      submit.disabled = false;
      token.focus();
    }
  } },
  h('h1', { tabindex: '-1' }, '登录'),
  h('p', { class: 'lead' }, '请粘贴产改办发放的访问令牌。令牌只保存在本浏览器标签页中，关闭后需重新登录。'),
  field('访问令牌', token, { required: true, hint: '以 dbn_ 开头的一串字符。产改办、试点单位、改革观察员均使用各自的令牌。' }),
  message,
  h('div', { class: 'actions' }, submit));
  return h('div', { class: 'signin' }, form,
    h('aside', { class: 'signin-aside card', 'aria-label': '使用说明' },
      h('h2', {}, '三类用户'),
      h('dl', {},
        h('dt', {}, '产改办'), h('dd', {}, '查看督查轮次进度、审核单位提交、查看考核排名并下载结果。'),
        h('dt', {}, '试点单位'), h('dd', {}, '查看本单位任务清单与截止日期（按工作日计算），上报完成情况和佐证材料。'),
        h('dt', {}, '改革观察员'), h('dd', {}, '填写本期问卷，反映改革措施在本单位的落实情况。'))));
}
