// A person invited by an office admin sets their password through the one-time link.
import { ApiError, post } from './api.js';
import { field, h } from './dom.js';
import { errorBox, errorText } from './ui.js';

export async function invitationPage({ params: [token], accepted }) {
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', minlength: '10' });
  const again = h('input', { name: 'password-again', type: 'password', autocomplete: 'new-password' });
  const message = h('div', { class: 'form-message' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, '设置密码');
  const form = h('form', { class: 'card signin-card', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    if (password.value.length < 10) return void (message.replaceChildren(errorText('密码至少 10 位。')), password.focus());
    if (password.value !== again.value) return void (message.replaceChildren(errorText('两次输入的密码不一致。')), again.focus());
    submit.disabled = true;
    try {
      await post(`/auth/invitations/${encodeURIComponent(token)}`, { password: password.value });
      accepted('密码已设置，请用新密码登录。');
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 410)) message.replaceChildren(errorText('邀请链接无效、已使用或已过期，请联系管理员重新邀请。'));
      else message.replaceChildren(errorBox(err, () => '密码'));
      submit.disabled = false;
      password.focus();
    }
  } },
  h('h1', { tabindex: '-1' }, '设置登录密码'),
  h('p', { class: 'lead' }, '欢迎使用产改督办。请为您的账号设置密码，此链接只能使用一次，7 天内有效。'),
  field('新密码', password, { required: true, hint: '至少 10 位；不能使用 123456、password 等常见密码。' }),
  field('再次输入', again, { required: true }),
  message,
  h('div', { class: 'actions' }, submit));
  return h('div', { class: 'signin' }, form);
}
