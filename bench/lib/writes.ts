/**
 * Submissions and reviews as units and an office make them over HTTP, for the benchmarks that measure the API
 * under writes (api-load, national).
 */
import { randomUUID } from 'node:crypto';
import type { Api } from './api';
import { round1, summarise } from './latency';

export interface Task { id: string; unitCode: string; code: string; evidenceRequired: string[] }

/** Evidence of every required kind; kinds other than the written summary point at a page. */
function evidenceFor(kinds: string[]) {
  return kinds.map((kind) => (kind === 'summary' ? { kind, title: '工作总结' } : { kind, title: `证明材料（${kind}）`, uri: `https://example.org/evidence/${kind}` }));
}

/** One timed JSON request; returns the status, the parsed body and the latency in ms. */
async function timed<T>(url: string, token: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  const ms = performance.now() - t0;
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed as T, ms };
}

/** Tasks the round has issued so far, as its counts say. */
export async function issuedCount(api: Api, roundId: string): Promise<number> {
  return (await api.get<{ counts: { issued: number } }>(`/api/v1/rounds/${roundId}`)).counts.issued;
}

/** Tasks interleaved across units (task 1 of every unit, then task 2, ...) so concurrent callers hit different unit workflows. */
export function interleaved(all: Task[]): Task[] {
  const byUnit = new Map<string, Task[]>();
  for (const t of all) (byUnit.get(t.unitCode) ?? byUnit.set(t.unitCode, []).get(t.unitCode)!).push(t);
  const lists = [...byUnit.values()].map((ts) => ts.sort((a, b) => a.code.localeCompare(b.code)));
  const out: Task[] = [];
  for (let i = 0; out.length < all.length; i++) for (const ts of lists) if (i < ts.length) out.push(ts[i]);
  return out;
}

/** Submissions then reviews, `concurrency` callers, until `duration` seconds have passed or the tasks run out. */
export async function submitAndReview(baseUrl: string, officeToken: string, unitTokens: Map<string, string>, tasks: Task[], duration: number, concurrency: number) {
  const submitMs: number[] = [];
  const reviewMs: number[] = [];
  const non2xx = { submissions: {} as Record<string, number>, reviews: {} as Record<string, number> };
  const samples: string[] = [];
  const count = (o: Record<string, number>, status: number, body: unknown) => {
    o[status] = (o[status] ?? 0) + 1;
    if (samples.length < 5) samples.push(`${status} ${JSON.stringify(body).slice(0, 300)}`);
  };
  let errors = 0;
  let next = 0;
  const t0 = performance.now();
  const deadline = t0 + duration * 1000;
  const lane = async () => {
    while (performance.now() < deadline && next < tasks.length) {
      const task = tasks[next++];
      try {
        const s = await timed<{ submissionId: string }>(`${baseUrl}/api/v1/tasks/${task.id}/submissions`, unitTokens.get(task.unitCode)!, { summary: `已按要求完成「${task.code}」。`, evidence: evidenceFor(task.evidenceRequired) }, { 'idempotency-key': randomUUID() });
        submitMs.push(s.ms);
        if (s.status !== 201) {
          count(non2xx.submissions, s.status, s.body);
          continue;
        }
        const r = await timed(`${baseUrl}/api/v1/submissions/${s.body.submissionId}/review`, officeToken, { decision: 'accept', score: 80 + (next % 20), comment: '材料齐全' });
        reviewMs.push(r.ms);
        if (r.status < 200 || r.status > 299) count(non2xx.reviews, r.status, r.body);
      } catch (e) {
        errors++;
        if (samples.length < 5) samples.push((e as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const elapsed = (performance.now() - t0) / 1000;
  const ops = submitMs.length + reviewMs.length;
  return {
    seconds: round1(elapsed), concurrency, tasksAvailable: tasks.length, exhausted: next >= tasks.length,
    opsPerSecond: round1(ops / elapsed), submissionsPerSecond: round1(submitMs.length / elapsed), reviewsPerSecond: round1(reviewMs.length / elapsed),
    submissions: { count: submitMs.length, ...summarise(submitMs) },
    reviews: { count: reviewMs.length, ...summarise(reviewMs) },
    all: { count: ops, ...summarise([...submitMs, ...reviewMs]) },
    non2xx, errors, samples,
  };
}
