import { stack } from './stack';

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, else the text. */
  body: T;
  text: string;
  bytes: Buffer;
}

export interface RequestOptions {
  token?: string;
  /** A string or FormData is sent as it is (e.g. malformed JSON, a multipart upload); anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Another API process than the one the global setup started. */
  baseUrl?: string;
}

/** One HTTP request to the API under test; `path` is from the server root, e.g. /healthz. */
export async function request(method: string, path: string, opts: RequestOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const form = opts.body instanceof FormData;
  if (opts.body !== undefined && !form) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${opts.baseUrl ?? stack().baseUrl}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : form || typeof opts.body === 'string' ? (opts.body as string | FormData) : JSON.stringify(opts.body),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  // Keep a byte-order mark in the text: downloads are checked for it.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  const isJson = /json/.test(res.headers.get('content-type') ?? '');
  return { status: res.status, headers: res.headers, body: isJson && text ? JSON.parse(text) : text, text, bytes };
}

export interface Api {
  token: string | undefined;
  get(path: string, headers?: Record<string, string>): Promise<Reply>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
}

/** Calls /api/v1 as the holder of `token` (none: anonymous), on the global setup's API unless `baseUrl` is given. */
export function api(token?: string, baseUrl?: string): Api {
  return {
    token,
    get: (path, headers) => request('GET', `/api/v1${path}`, { token, headers, baseUrl }),
    post: (path, body, headers) => request('POST', `/api/v1${path}`, { token, body: body ?? {}, headers, baseUrl }),
  };
}

/** The body of a reply that must have the expected status; otherwise fails with what the server said. */
export function expectStatus<T = any>(reply: Reply<T>, status: number): T {
  if (reply.status !== status) throw new Error(`expected HTTP ${status}, got ${reply.status}: ${reply.text.slice(0, 2000)}`);
  return reply.body;
}

/** Asserts an RFC 9457 problem with this status whose errors[] name exactly these paths (when given). */
export function expectProblem(reply: Reply, status: number, paths?: string[]): void {
  expect({ status: reply.status, contentType: reply.headers.get('content-type') }).toEqual({ status, contentType: expect.stringContaining('application/problem+json') });
  expect(reply.body).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
  if (paths) expect((reply.body.errors ?? []).map((e: { path: string }) => e.path).sort()).toEqual([...paths].sort());
}
