// Office admins invite people (office roles or a unit's contact), send a new link, and deactivate.
import { get, post } from './api.js';
import { dateTime, field, h, latest, loading, replace } from './dom.js';
import { PERSON_ROLE, label } from './labels.js';
import { badge, emptyRow, errorBox, pageTitle, section, successBox } from './ui.js';

function linkBox(title, invitation) {
  const url = h('input', { type: 'text', readonly: true, value: invitation.invitationUrl, class: 'mono', 'aria-label': '邀请链接' });
  return h('div', { class: 'alert alert-success', role: 'status' },
    h('p', { class: 'alert-title' }, title),
    h('p', {}, `请将以下链接发给本人（${dateTime(invitation.expiresAt)} 前有效，只能使用一次）：`),
    h('div', { class: 'invitation-url' }, url,
      h('button', { type: 'button', class: 'btn', onclick: async (e) => {
        url.select();
        await navigator.clipboard?.writeText(invitation.invitationUrl).catch(() => null);
        e.target.textContent = '已复制';
      } }, '复制')));
}

function status(p) {
  if (!p.active) return badge('muted', '已停用');
  if (p.hasPassword) return badge('ok', '正常');
  return p.invitationExpiresAt ? badge('info', '待设置密码') : badge('warn', '邀请已过期');
}

export async function peoplePage({ me }) {
  const [offices, units] = await Promise.all([get('/offices'), get('/units')]);
  const officeName = new Map(offices.map((o) => [o.code, o.name]));
  const unitName = new Map(units.map((u) => [u.code, u.name]));
  const notice = h('div', { 'aria-live': 'polite' });
  const listArea = h('div', { class: 'table-wrap' }, loading());

  const load = latest(async (current) => {
    try {
      const people = await get('/people');
      if (!current()) return;
      replace(listArea, h('table', { class: 'table' },
        h('caption', { class: 'sr-only' }, '人员'),
        h('thead', {}, h('tr', {}, ['姓名', '用户名', '角色', '所属', '状态', '操作'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, people.length === 0 ? emptyRow(6, '尚无人员。') : people.map((p) => h('tr', { dataset: { username: p.username } },
          h('td', {}, p.name),
          h('td', { class: 'mono' }, p.username),
          h('td', {}, label(PERSON_ROLE, p.role)),
          h('td', {}, p.unitCode ? unitName.get(p.unitCode) ?? p.unitCode : officeName.get(p.officeCode) ?? p.officeCode ?? '—'),
          h('td', {}, status(p)),
          h('td', { class: 'row-actions' }, p.active && p.username !== me.person?.username ? [
            h('button', { type: 'button', class: 'btn btn-small', onclick: () => act(p, 'invitation') }, p.hasPassword ? '重置（重新邀请）' : '重新邀请'),
            h('button', { type: 'button', class: 'btn btn-small btn-warn', onclick: () => act(p, 'deactivate') }, '停用'),
          ] : null))))));
    } catch (err) {
      if (current()) replace(listArea, errorBox(err));
    }
  });

  async function act(person, action) {
    const question = action === 'deactivate'
      ? `停用 ${person.name}（${person.username}）？其所有登录会话将立即结束。`
      : `为 ${person.name}（${person.username}）生成新的邀请链接？${person.hasPassword ? '其原密码将立即失效，登录会话随即结束。' : '之前的邀请链接将失效。'}`;
    if (!window.confirm(question)) return;
    try {
      const result = await post(`/people/${person.id}/${action}`);
      replace(notice, action === 'deactivate' ? successBox(`已停用 ${person.name}。`) : linkBox(`已为 ${person.name} 生成新的邀请链接`, result));
      await load();
    } catch (err) {
      replace(notice, errorBox(err));
    }
  }

  // The invitation form: office roles belong to an office, a unit contact to a unit.
  const name = h('input', { name: 'name', autocomplete: 'off' });
  const username = h('input', { name: 'username', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' });
  const role = h('select', { name: 'role' }, Object.entries(PERSON_ROLE).map(([k, t]) => h('option', { value: k }, t)));
  const office = h('select', { name: 'officeCode' }, offices.map((o) => h('option', { value: o.code, selected: o.code === me.officeCode }, o.name)));
  const unit = h('select', { name: 'unitCode' }, units.map((u) => h('option', { value: u.code }, u.name)));
  const officeField = field('所属产改办', office);
  const unitField = field('所属单位', unit);
  const syncPlace = () => {
    officeField.hidden = role.value === 'unit_contact';
    unitField.hidden = role.value !== 'unit_contact';
  };
  role.onchange = syncPlace;
  syncPlace();
  const formMessage = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, '发送邀请');
  const form = h('form', { class: 'form-grid', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    submit.disabled = true;
    const body = { name: name.value.trim(), username: username.value.trim(), role: role.value, ...(role.value === 'unit_contact' ? { unitCode: unit.value } : { officeCode: office.value }) };
    try {
      const invitation = await post('/people', body);
      replace(formMessage, linkBox(`已邀请 ${body.name}`, invitation));
      name.value = '';
      username.value = '';
      await load();
    } catch (err) {
      replace(formMessage, errorBox(err, (path) => ({ name: '姓名', username: '用户名', role: '角色', officeCode: '所属产改办', unitCode: '所属单位' })[path] ?? path));
    } finally {
      submit.disabled = false;
    }
  } },
  field('姓名', name, { required: true }),
  field('用户名', username, { required: true, hint: '小写字母、数字、点、下划线或连字符，用于登录。' }),
  field('角色', role, { required: true, hint: '管理员：人员、名录与任务库；督办：发起轮次、审核、延期、免除；查看：只读；单位联络人：代表本单位上报。' }),
  officeField, unitField,
  h('div', { class: 'actions' }, submit));

  void load();
  return h('div', {},
    pageTitle('人员与权限'),
    h('p', { class: 'meta' }, '本产改办及下级产改办、试点单位的人员。每人使用本人账号登录，所有操作记录到人。'),
    notice,
    section('邀请人员', form, formMessage),
    section('人员名单', listArea));
}
