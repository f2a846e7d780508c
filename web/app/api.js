// The one way pages talk to /api/v1. People sign in with a password (or single sign-on) and the
// browser keeps the session cookie; every change they send carries the session's CSRF token.
// Observers' personal links and pasted program tokens are bearer tokens kept in this tab only.
import { EVIDENCE, label } from './labels.js';

const TOKEN_KEY = 'duban.token';

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    csrf = null;
  },
};

let onUnauthorized = () => {};
/** Called when the server no longer accepts the session or token. */
export const whenUnauthorized = (fn) => (onUnauthorized = fn);

export class ApiError extends Error {
  constructor(status, problem, retryAfter = null) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.title = problem?.title ?? '';
    this.code = problem?.code ?? '';
    this.detail = problem?.detail ?? '';
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
    /** Seconds to wait, from Retry-After (429, 503). */
    this.retryAfter = retryAfter === null ? null : Number(retryAfter);
  }
}

// The session's CSRF token, read once per session from GET /auth/csrf.
let csrf = null;
const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function csrfToken() {
  if (!csrf) {
    const res = await fetch('/api/v1/auth/csrf', { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    if (res.ok) csrf = (await res.json()).token;
  }
  return csrf;
}

async function send(method, path, { body, headers, quiet = false, retried = false } = {}) {
  const all = { accept: 'application/json, application/problem+json', ...headers };
  if (session.token) all.authorization = `Bearer ${session.token}`;
  else if (CHANGES.has(method) && !path.startsWith('/auth/')) {
    const token = await csrfToken();
    if (token) all['x-csrf-token'] = token;
  }
  if (body !== undefined) all['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers: all, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { detail: 'network' });
  }
  if (res.ok) return res;
  const type = res.headers.get('content-type') ?? '';
  const problem = /json/.test(type) ? await res.json().catch(() => null) : null;
  // A CSRF token from an earlier session: read the current one and send once more.
  if (res.status === 403 && /^CSRF_/.test(problem?.code ?? '') && !retried) {
    csrf = null;
    return send(method, path, { body, headers, quiet, retried: true });
  }
  const error = new ApiError(res.status, problem, res.headers.get('retry-after'));
  if (res.status === 401 && !quiet) onUnauthorized(error);
  throw error;
}

/** Who is signed in in this browser (a session cookie or this tab's token), or null. */
export async function currentPrincipal() {
  try {
    return await json(await send('GET', '/me', { quiet: true }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

/** Password sign-in: the server sets the session cookie. */
export async function signInWithPassword(username, password) {
  session.clear();
  await send('POST', '/auth/login', { body: { username, password }, quiet: true });
  csrf = null;
}

/** Ends the session (or forgets this tab's token). */
export async function signOutHere() {
  if (session.token) return session.clear();
  const token = await csrfToken().catch(() => null);
  csrf = null;
  await fetch('/api/v1/auth/logout', { method: 'POST', credentials: 'same-origin', headers: token ? { 'x-csrf-token': token } : {} }).catch(() => null);
}

const json = async (res) => (res.status === 204 ? null : res.json());
export const get = async (path) => json(await send('GET', path));
export const post = async (path, body = {}, headers) => json(await send('POST', path, { body, headers }));
export const put = async (path, body = {}, headers) => json(await send('PUT', path, { body, headers }));

/** Fetches a file with the token and hands it to the browser as a download. */
export async function download(path, fallbackName) {
  const res = await send('GET', path, { headers: { accept: '*/*' } });
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ?? /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: decodeURIComponent(name) });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

/** An Idempotency-Key; crypto.randomUUID exists only in secure contexts, and intranets often serve plain http. */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const STATUS_TEXT = {
  0: '无法连接服务器，请检查网络后重试。',
  400: '提交的内容有误，请按提示修改。',
  401: '登录已失效，请重新登录。',
  403: '当前身份无权执行此操作。',
  404: '未找到该内容，或您无权查看。',
  409: '操作与当前状态冲突。',
  410: '已截止，无法再提交。',
  422: '内容不符合要求。',
};

// What a person should read for each problem `code` the API gives (domain/errors.ts).
const CODE_TEXT = {
  EVIDENCE_MISSING: '缺少必需的佐证材料。',
  ALREADY_ANSWERED: '您已提交过本期问卷，每期只能提交一次。',
  WINDOW_CLOSED: '本期问卷已截止，无法再提交。',
  WINDOW_NOT_OPEN: '本期问卷尚未开放。',
  SUBMISSION_REVIEWED: '该提交已经审核过，请刷新后查看。',
  SUBMISSION_MISMATCH: '单位已重新提交，请审核最新的提交。',
  TASK_STATE: '任务当前状态不允许此操作，请刷新后查看。',
  TASK_NOT_FOUND: '未找到该任务。',
  UNIT_CLOSED: '督查轮次已结束，不能再更改。',
  ROUND_STATE: '督查轮次已结束或正在结束，不能执行此操作。',
  CORRECTION_REASON_REQUIRED: '轮次已结束，更正审核结果须填写理由。',
  INVALID_DUE_DATE: '新的截止日期不能早于今天。',
  ALREADY_EXISTS: '该代码已存在。',
  TEMPLATE_OWNED: '该模板属于其他产改办。',
  PAYLOAD_TOO_LARGE: '提交的内容过大。',
  UNSUPPORTED_MEDIA_TYPE: '不支持的文件或内容类型。',
  RATE_LIMITED: '操作过于频繁，请稍后再试。',
  ROLE_FORBIDDEN: '您的角色无权执行此操作（只读或职责以外）。',
  CSRF_MISSING: '页面已过期，请刷新后重试。',
  CSRF_INVALID: '页面已过期，请刷新后重试。',
  UNAVAILABLE: '服务暂时不可用，请稍后再试。',
};

// What is wrong with one field, by the field error's `code` (zod's issue codes and the API's own words).
const FIELD_TEXT = {
  required: () => '此项为必填项',
  likert_range: () => '请选择 1–5 之间的分值',
  not_a_number: () => '请填写数字',
  text_too_long: () => '文字过长，最多 5000 字',
  not_an_option: () => '请从选项中选择',
  options_not_distinct: () => '请从选项中选择，且不要重复',
  unknown_question: () => '问卷中没有这道题',
  in_the_past: () => '不能早于今天',
  outside_year: () => '不在该年度内',
  duplicate: () => '重复填写',
  conflict: () => '同一天不能既放假又上班',
  not_a_weekend: () => '调休上班日只能是周六或周日',
  too_small: (e) => (e.minimum === 1 || /character|>=1/.test(e.message) ? '不能为空' : '数值过小'),
  too_big: () => '超出允许的长度或范围',
  invalid_format: (e) => (/url/i.test(e.message) ? '链接格式不正确，应以 http:// 或 https:// 开头' : '格式不正确'),
  invalid_type: () => '类型不正确',
  invalid_value: () => '请从允许的取值中选择',
  unrecognized_keys: () => '包含不认识的字段',
};

/** A field error in words, by its code; evidence kinds are named. */
export function translateField(e) {
  const missing = /^missing_(\w+)$/.exec(e.code ?? '');
  if (missing) return `缺少必需的佐证材料：${label(EVIDENCE, missing[1])}`;
  if (e.code === 'custom' && /score is required/.test(e.message)) return '通过时必须填写评分';
  return FIELD_TEXT[e.code]?.(e) ?? null;
}

/**
 * What to tell a person about an error: a headline (by the problem's `code`, else its status),
 * one line per field (`fieldName` turns a path such as "evidence.0.title" into words), and the
 * server's own detail when nothing above explains it.
 */
export function describe(err, fieldName = (path) => path) {
  if (!(err instanceof ApiError)) return { title: '出现意外错误，请刷新页面后重试。', items: [], detail: String(err?.message ?? err) };
  const items = err.errors.map((e) => {
    const name = e.path ? fieldName(e.path) : '';
    const text = translateField(e) ?? e.message;
    return name && name !== 'evidence' && !text.startsWith('缺少') ? `${name}：${text}` : text;
  });
  const known = CODE_TEXT[err.code];
  const title = err.status >= 500 ? '服务器暂时无法完成请求，请稍后再试。' : known && items.length === 0 ? known : STATUS_TEXT[err.status] ?? `请求失败（${err.status}）`;
  // The server's own words only when nothing above explains the error.
  return { title, items: [...new Set(items)], detail: known || items.length || err.status === 0 ? '' : err.detail };
}
