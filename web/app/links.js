// An office prints personal links for one unit's observers: one card per observer with a QR code.
// Issuing new links revokes the old ones, so the page asks before it does.
import { post } from './api.js';
import { h, replace } from './dom.js';
import { errorBox, pageTitle, section } from './ui.js';

const svgImage = (svg, alt) => h('img', { class: 'qr', alt, width: '180', height: '180', src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` });

function card(link, sheet) {
  return h('article', { class: 'link-card', dataset: { observer: link.observerCode } },
    svgImage(link.qrSvg, `${link.observerName}的个人链接二维码`),
    h('div', { class: 'link-card-text' },
      h('h2', {}, link.observerName),
      h('p', { class: 'muted' }, `改革观察员 · ${sheet.unitName}`),
      h('p', {}, '用手机扫描二维码，即可填写本期问卷，无需账号和密码。'),
      h('p', { class: 'hint' }, '此链接仅供本人使用，请勿转交他人。遗失请联系产改办重新生成，旧链接随即失效。'),
      h('p', { class: 'link-url mono' }, link.url)));
}

export async function observerLinksPage({ params: [encodedCode] }) {
  const code = decodeURIComponent(encodedCode);
  const area = h('div', { 'aria-live': 'polite' });
  const issue = h('button', { type: 'button', class: 'btn btn-primary' }, '生成二维码');
  issue.onclick = async () => {
    issue.disabled = true;
    try {
      const sheet = await post(`/units/${encodeURIComponent(code)}/observer-links`);
      if (sheet.links.length === 0) return void replace(area, h('p', { class: 'empty' }, '该单位尚未登记改革观察员。'));
      replace(area,
        h('div', { class: 'actions no-print' },
          h('p', { class: 'alert alert-success', role: 'status' }, `已为 ${sheet.links.length} 名观察员生成新链接，旧链接已失效。请打印后沿虚线裁开分发。`),
          h('button', { type: 'button', class: 'btn', onclick: () => window.print() }, '打印')),
        h('div', { class: 'link-sheet' },
          h('p', { class: 'print-only' }, `${sheet.officeName} · ${sheet.unitName} · 改革观察员个人链接`),
          sheet.links.map((l) => card(l, sheet))));
      issue.textContent = '重新生成二维码';
      issue.disabled = false;
    } catch (err) {
      replace(area, errorBox(err));
      issue.disabled = false;
    }
  };
  return h('div', {},
    pageTitle('观察员个人链接'),
    h('p', { class: 'meta no-print' }, `单位代码 ${code}`),
    section('生成并打印',
      h('p', {}, '为该单位每位改革观察员生成一个个人链接及二维码。观察员扫码即可进入本人的问卷，看不到其他任何内容。'),
      h('p', { class: 'alert alert-warn' }, '生成后，这些观察员此前的链接全部失效。'),
      h('div', { class: 'actions' }, issue)),
    area);
}
