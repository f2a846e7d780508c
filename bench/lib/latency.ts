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
