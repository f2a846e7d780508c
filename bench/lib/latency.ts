/** To 0.1. */
export const round1 = (x: number) => Math.round(x * 10) / 10;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return round1(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
}

/** p50, p90, p99 and the slowest of a set of latencies in milliseconds (nearest rank), to 0.1 ms. */
export function summarise(latencies: number[]) {
  const s = [...latencies].sort((a, b) => a - b);
  return { p50Ms: percentile(s, 50), p90Ms: percentile(s, 90), p99Ms: percentile(s, 99), maxMs: round1(s[s.length - 1] ?? 0) };
}

/** One answer's Server-Timing phases (api/serverTiming.ts): milliseconds by name, and descriptions such as `counts: kept`. */
export function serverTiming(header: string | null): { ms: Record<string, number>; desc: Record<string, string> } {
  const ms: Record<string, number> = {};
  const desc: Record<string, string> = {};
  for (const entry of (header ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const [name, ...params] = entry.split(';');
    for (const p of params) {
      if (p.startsWith('dur=')) ms[name] = Number(p.slice(4));
      else if (p.startsWith('desc=')) desc[name] = p.slice(5).replace(/^"|"$/g, '');
    }
  }
  return { ms, desc };
}

/** Per phase, p50 / p90 / max over many answers' Server-Timing, and how often each description was given. */
export function summarisePhases(timings: Array<ReturnType<typeof serverTiming>>) {
  const names = [...new Set(timings.flatMap((t) => Object.keys(t.ms)))];
  const described: Record<string, number> = {};
  for (const t of timings) for (const [name, d] of Object.entries(t.desc)) described[`${name}: ${d}`] = (described[`${name}: ${d}`] ?? 0) + 1;
  return {
    phases: Object.fromEntries(names.map((n) => {
      const { p50Ms, p90Ms, maxMs } = summarise(timings.map((t) => t.ms[n] ?? 0));
      return [n, { p50Ms, p90Ms, maxMs }];
    })),
    described,
  };
}
