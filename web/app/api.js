// The one way pages talk to /api/v1: bearer token from the session, problem+json turned into ApiError.
import { EVIDENCE, ROUND_STATUS, TASK_STATUS, label } from './labels.js';

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
  },
};

let onUnauthorized = () => {};
/** Called when the server no longer accepts the token. */
export const whenUnauthorized = (fn) => (onUnauthorized = fn);

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.title = problem?.title ?? '';
    this.detail = problem?.detail ?? '';
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
  }
}

async function send(method, path, { body, headers } = {}) {
  const all = { accept: 'application/json, application/problem+json', ...headers };
  if (session.token) all.authorization = `Bearer ${session.token}`;
  if (body !== undefined) all['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { detail: 'network' });
  }
  if (res.ok) return res;
  const type = res.headers.get('content-type') ?? '';
  const problem = /json/.test(type) ? await res.json().catch(() => null) : null;
  const error = new ApiError(res.status, problem);
  if (res.status === 401) onUnauthorized(error);
  throw error;
}

const json = async (res) => (res.status === 204 ? null : res.json());
export const get = async (path) => json(await send('GET', path));
export const post = async (path, body = {}, headers) => json(await send('POST', path, { body, headers }));

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
  401: '登录已失效，请重新输入令牌。',
  403: '当前身份无权执行此操作。',
  404: '未找到该内容，或您无权查看。',
  409: '操作与当前状态冲突。',
  410: '已截止，无法再提交。',
  422: '内容不符合要求。',
};

// Known server messages (English, for programs) and how a person should read them.
const MESSAGES = [
  [/^evidence of kind "(\w+)" is required$/, (m) => `缺少必需的佐证材料：${label(EVIDENCE, m[1])}`],
  [/^missing required evidence: (.+)$/, (m) => `缺少必需的佐证材料：${m[1].split(', ').map((k) => label(EVIDENCE, k)).join('、')}`],
  [/^you have already answered this window$/, () => '您已提交过本期问卷，每期只能提交一次。'],
  [/^the questionnaire window has closed$/, () => '本期问卷已截止，无法再提交。'],
  [/^the questionnaire window has not opened yet$/, () => '本期问卷尚未开放。'],
  [/^an answer is required$/, () => '此题为必答题'],
  [/^must be a whole number from 1 to 5$/, () => '请选择 1–5 之间的分值'],
  [/^must be a number$/, () => '请填写数字'],
  [/^must be one of: /, () => '请从选项中选择'],
  [/^must be distinct options from: /, () => '请从选项中选择，且不要重复'],
  [/^a score is required to accept$/, () => '通过时必须填写评分'],
  [/^the submission was already (\w+)$/, () => '该提交已经审核过，请刷新后查看。'],
  [/^a later submission supersedes this one$/, () => '单位已重新提交，请审核最新的提交。'],
  [/^task is (?:already )?(\w+)/, (m) => `任务当前状态为「${label(TASK_STATUS, m[1])}」，不能执行此操作。`],
  [/^the round is (\w+)$/, (m) => `督查轮次${label(ROUND_STATUS, m[1])}，不能执行此操作。`],
  [/^the round is no longer open for changes$/, () => '督查轮次已结束，不能再更改。'],
  [/^Invalid url|^Invalid URL/i, () => '链接格式不正确，应以 http:// 或 https:// 开头'],
  [/^Too small|>=1 character/i, () => '不能为空'],
];

export function translate(message) {
  for (const [pattern, text] of MESSAGES) {
    const m = pattern.exec(message ?? '');
    if (m) return text(m);
  }
  return null;
}

/**
 * What to tell a person about an error: a headline, one line per field (`fieldName` turns
 * a path such as "evidence.0.title" into words), and the server's own detail when no line explains it.
 */
export function describe(err, fieldName = (path) => path) {
  if (!(err instanceof ApiError)) return { title: '出现意外错误，请刷新页面后重试。', items: [], detail: String(err?.message ?? err) };
  const items = err.errors.map((e) => {
    const name = e.path ? fieldName(e.path) : '';
    const text = translate(e.message) ?? e.message;
    return name && name !== 'evidence' && !text.startsWith('缺少') ? `${name}：${text}` : text;
  });
  const translated = translate(err.detail);
  const title = err.status >= 500 ? '服务器暂时无法完成请求，请稍后再试。' : translated && items.length === 0 ? translated : STATUS_TEXT[err.status] ?? `请求失败（${err.status}）`;
  // The server's own words only when nothing above explains the error.
  return { title, items: [...new Set(items)], detail: translated || items.length || err.status === 0 ? '' : err.detail };
}
