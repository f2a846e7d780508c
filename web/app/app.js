// Hash routes, the signed-in principal, and the header. Each page is a module exporting one async function.
import { currentPrincipal, session, signOutHere, whenUnauthorized } from './api.js';
import { h, loading, replace } from './dom.js';
import { calendarPage } from './calendar.js';
import { evaluationPage } from './evaluation.js';
import { invitationPage } from './invitation.js';
import { PERSON_ROLE, ROLE } from './labels.js';
import { observerPage } from './observer.js';
import { roundsPage } from './office.js';
import { boardPage } from './board.js';
import { unitRoundPage } from './round.js';
import { observerLinksPage } from './links.js';
import { peoplePage } from './people.js';
import { signInPage } from './signin.js';
import { errorBox } from './ui.js';
import { unitPage } from './unit.js';

export const HOME = { office: '#/office', unit: '#/unit', observer: '#/observer' };

const ROUTES = [
  [/^#\/office$/, 'office', roundsPage],
  [/^#\/office\/rounds\/([0-9a-f-]{36})$/, 'office', boardPage],
  [/^#\/office\/rounds\/([0-9a-f-]{36})\/units\/([^/]+)$/, 'office', unitRoundPage],
  [/^#\/office\/rounds\/([0-9a-f-]{36})\/evaluation$/, 'office', evaluationPage],
  [/^#\/office\/calendar\/(\d{4})$/, 'office', calendarPage],
  [/^#\/office\/units\/([^/]+)\/links$/, 'office', observerLinksPage],
  [/^#\/office\/people$/, 'office', peoplePage],
  [/^#\/unit$/, 'unit', unitPage],
  [/^#\/observer$/, 'observer', observerPage],
];

const main = document.getElementById('main');
const whoami = document.getElementById('whoami');
let me = null;
let notice = null;
let renders = 0;

export function signOut(message = null, { endSession = false } = {}) {
  if (endSession) void signOutHere();
  session.clear();
  me = null;
  notice = message;
  if (location.hash === '#/signin') void render();
  else location.hash = '#/signin';
}

/** Called by the sign-in page once the token is stored. */
export function signedIn(principal) {
  me = principal;
  location.hash = HOME[principal.kind];
}

/**
 * An observer's personal link (#/o/<token>, or ?token=): the token becomes this tab's session and
 * leaves the address bar at once, so it is neither bookmarked by accident nor shown over a shoulder.
 */
function arriveByLink() {
  const fromHash = /^#\/o\/([\w-]+)$/.exec(location.hash)?.[1];
  const fromQuery = new URLSearchParams(location.search).get('token');
  const token = fromHash ?? fromQuery;
  if (!token) return false;
  session.set(token);
  me = null;
  history.replaceState(null, '', `${location.pathname}#/observer`);
  return true;
}
let arrivedByLink = arriveByLink();

/** What the sign-in page says when the server stops taking this tab's link, token or session. */
const expiredNotice = () => ({ warn: arrivedByLink ? '此链接已失效，可能已有新的链接。请向产改办索取新的二维码。' : '登录已失效或令牌无效，请重新登录。' });

whenUnauthorized(() => {
  if (location.hash === '#/signin') return;
  signOut(expiredNotice());
  arrivedByLink = false;
});

/** The person (or the principal a token stands for), their role and their office or unit. */
function header() {
  if (!me) return replace(whoami);
  const person = me.person;
  const mayManagePeople = me.capabilities?.includes('admin') ?? false;
  return replace(whoami,
    h('span', { class: 'who' },
      h('span', { class: 'who-role' }, person ? PERSON_ROLE[person.role] ?? person.role : ROLE[me.kind]),
      h('span', { class: 'who-name' }, person ? person.name : me.name),
      person ? h('span', { class: 'who-office' }, me.name) : null),
    mayManagePeople ? h('a', { class: 'btn btn-ghost', href: '#/office/people' }, '人员') : null,
    h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => signOut('您已退出登录。', { endSession: true }) }, '退出'));
}

async function render() {
  const seq = ++renders;
  const hash = location.hash || '#/';
  try {
    const invitation = /^#\/invitation\/([\w-]+)$/.exec(hash);
    if (invitation) {
      me = null;
      header();
      return show(seq, await invitationPage({ params: [invitation[1]], accepted: (text) => signOut(text, { endSession: true }) }));
    }
    if (!me) {
      replace(main, loading());
      me = await currentPrincipal();
      // A personal link or a pasted token the server no longer takes: say why on the sign-in page.
      if (!me && session.token) {
        notice = expiredNotice();
        session.clear();
        arrivedByLink = false;
      }
    }
    header();
    if (seq !== renders) return;
    if (hash === '#/signin' || !me) {
      if (hash !== '#/signin') return void (location.hash = '#/signin');
      const shown = notice;
      notice = null;
      return show(seq, await signInPage({ notice: shown, signedIn }), '登录');
    }
    const route = ROUTES.map(([pattern, role, page]) => ({ m: pattern.exec(hash), role, page })).find((r) => r.m);
    if (!route || route.role !== me.kind) return void (location.hash = HOME[me.kind]);
    replace(main, loading());
    const node = await route.page({ me, params: route.m.slice(1) });
    show(seq, node);
  } catch (err) {
    if (seq === renders) replace(main, errorBox(err));
  }
}

function show(seq, node) {
  if (seq !== renders) return;
  replace(main, node);
  const title = main.querySelector('h1');
  document.title = title ? `${title.textContent} - 产改督办` : '产改督办';
  // Move focus to the new page's heading so keyboard and screen-reader users start there.
  title?.focus({ preventScroll: true });
}

window.addEventListener('hashchange', () => {
  if (arriveByLink()) arrivedByLink = true;
  void render();
});
void render();
