// Sign-in: a person's username and password (or the province's single sign-on when configured);
// programs' tokens can still be pasted. GET /me then says who it is, and the app routes by role.
import { ApiError, currentPrincipal, session, signInWithPassword } from './api.js';
import { h, field } from './dom.js';
import { errorBox, errorText, successBox } from './ui.js';

/** What the server offers: password sign-in and/or single sign-on (GET /auth/options). */
async function options() {
  try {
    const res = await fetch('/api/v1/auth/options', { headers: { accept: 'application/json' } });
    if (res.ok) return await res.json();
  } catch {
    // the defaults below
  }
  return { password: true, oidc: null };
}

function waitText(seconds) {
  const minutes = Math.ceil((seconds ?? 60) / 60);
  return minutes <= 1 ? '1 分钟' : `${minutes} 分钟`;
}

function passwordForm(signedIn, message) {
  const username = h('input', { name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, '登录');
  return h('form', { class: 'signin-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    if (!username.value.trim() || !password.value) {
      message.replaceChildren(errorText('请输入用户名和密码。'));
      (username.value.trim() ? password : username).focus();
      return;
    }
    submit.disabled = true;
    try {
      await signInWithPassword(username.value.trim(), password.value);
      signedIn(await currentPrincipal());
    } catch (err) {
      password.value = '';
      if (err instanceof ApiError && err.status === 401) message.replaceChildren(errorText('用户名或密码错误。'));
      else if (err instanceof ApiError && err.status === 429) message.replaceChildren(errorText(`登录失败次数过多，请 ${waitText(err.retryAfter)}后再试。`));
      else message.replaceChildren(errorBox(err));
      submit.disabled = false;
      password.focus();
    }
  } },
  field('用户名', username, { required: true }),
  field('密码', password, { required: true }),
  h('div', { class: 'actions' }, submit));
}

function tokenForm(signedIn, message) {
  const token = h('textarea', { name: 'token', rows: '3', autocomplete: 'off', spellcheck: 'false', class: 'mono' });
  const submit = h('button', { type: 'submit', class: 'btn' }, '用令牌登录');
  return h('details', { class: 'signin-token' },
    h('summary', {}, '使用访问令牌登录'),
    h('form', { novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      const value = token.value.trim();
      if (!value) {
        message.replaceChildren(errorText('请粘贴访问令牌。'));
        token.focus();
        return;
      }
      submit.disabled = true;
      session.set(value);
      try {
        const me = await currentPrincipal();
        if (!me) throw new ApiError(401, null);
        signedIn(me);
      } catch (err) {
        session.clear();
        message.replaceChildren(err instanceof ApiError && err.status === 401 ? errorText('令牌无效、已过期或已被吊销，请向上级产改办确认。') : errorBox(err));
        submit.disabled = false;
        token.focus();
      }
    } },
    field('访问令牌', token, { hint: '以 dbn_ 开头的一串字符，供对接系统使用。令牌只保存在本浏览器标签页中。' }),
    h('div', { class: 'actions' }, submit)));
}

export async function signInPage({ notice, signedIn }) {
  const offered = await options();
  const failed = new URLSearchParams(location.search).get('signin');
  const message = h('div', { class: 'form-message' },
    notice?.warn ? h('div', { class: 'alert alert-warn', role: 'alert' }, notice.warn) : notice ? successBox(notice) : null,
    failed ? errorText(failed === 'unknown' ? '统一身份认证已通过，但本系统没有您的账号或账号已停用，请联系本单位管理员。' : '统一身份认证未能完成，请重试。') : null);
  if (failed) history.replaceState(null, '', `${location.pathname}${location.hash}`);
  const card = h('div', { class: 'card signin-card' },
    h('h1', { tabindex: '-1' }, '登录'),
    h('p', { class: 'lead' }, '产改办工作人员和试点单位联络人请使用本人账号登录。改革观察员请扫描产改办发放的二维码。'),
    offered.oidc ? h('p', {}, h('a', { class: 'btn btn-primary btn-block', href: '/api/v1/auth/oidc/login' }, offered.oidc.label ?? '统一身份认证登录')) : null,
    offered.password ? passwordForm(signedIn, message) : h('p', { class: 'hint' }, '本系统已启用统一身份认证，不再使用密码登录。'),
    message,
    tokenForm(signedIn, message));
  return h('div', { class: 'signin' }, card,
    h('aside', { class: 'signin-aside card', 'aria-label': '使用说明' },
      h('h2', {}, '谁在使用'),
      h('dl', {},
        h('dt', {}, '产改办'), h('dd', {}, '管理员维护人员与名录；督办人员发起督查轮次、审核提交、办理延期与免除；查看人员只读。'),
        h('dt', {}, '试点单位'), h('dd', {}, '联络人查看本单位任务清单与截止日期（按工作日计算），上报完成情况和佐证材料。'),
        h('dt', {}, '改革观察员'), h('dd', {}, '扫描个人二维码，填写本期问卷，反映改革措施在本单位的落实情况。')),
      h('p', { class: 'hint' }, '没有账号？请联系本级产改办管理员发送邀请链接。')));
}
