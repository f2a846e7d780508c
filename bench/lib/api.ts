/** A tiny JSON client for the duban HTTP API. */
export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  async request<T>(method: string, path: string, body?: unknown, okStatuses: number[] = []): Promise<{ status: number; body: T; headers: Headers }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok && !okStatuses.includes(res.status)) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 500)}`);
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  }

  get<T>(path: string) {
    return this.request<T>('GET', path).then((r) => r.body);
  }

  post<T>(path: string, body: unknown, okStatuses: number[] = []) {
    return this.request<T>('POST', path, body, okStatuses);
  }
}

/** Runs fn over items with at most `limit` calls in flight. */
/**
 * Runs `fn` over the items, `limit` at a time. After a failure no new item starts, and the first error is thrown
 * only once every call in flight has settled, so a caller's clean-up (closing a connection) never races a call.
 */
export async function eachLimited<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        await fn(items[i], i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, lane));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) throw rejected.reason;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
