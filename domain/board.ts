import { levelRank, type EscalationLevel } from './vocabulary';

/** The supervision board's lights, worst first. */
export const LIGHTS = ['red', 'yellow', 'blue', 'green'] as const;
export type Light = (typeof LIGHTS)[number];

/**
 * The numbers behind the lights, per round (stored in the round's spec at launch).
 *   dueSoonWorkingDays  blue when an open task falls due within this many working days;
 *   pace                yellow when less is done than `pace` x the share of the round's time
 *                       elapsed (1: on a straight line from launch to close).
 */
export interface BoardRule {
  dueSoonWorkingDays: number;
  pace: number;
}

export const DEFAULT_BOARD_RULE: BoardRule = { dueSoonWorkingDays: 3, pace: 1 };

/** One unit's counts in a round, as the read model keeps them. */
export interface UnitProgress {
  tasks: number;
  submitted: number;
  accepted: number;
  returned: number;
  overdue: number;
  waived: number;
  /** The earliest due instant (ms) among its issued or returned tasks. */
  nextDueAt: number | null;
}

/** Where the round stands: the share of its time elapsed (0-1) and the instant that counts as "due soon". */
export interface BoardMoment {
  elapsedShare: number;
  /** Tasks due at or before this instant (ms) are due soon: the end of the n-th working day from today. */
  dueSoonBy: number;
}

/** Tasks a unit has done its part of: accepted, waived, or submitted and awaiting review. */
export const doneOf = (p: UnitProgress) => p.accepted + p.waived + p.submitted;

/** Whole tasks a unit should have done by now: at the start of a round none. */
export const expectedDone = (tasks: number, elapsedShare: number, pace: number) => Math.floor(tasks * paceFactor(elapsedShare, pace) + 1e-9);

/** The share of its tasks a unit should have done by now. */
export const paceFactor = (elapsedShare: number, pace: number) => Math.min(1, Math.max(0, elapsedShare)) * pace;

/**
 * The light of one unit:
 *   red     a task is overdue;
 *   yellow  behind schedule: a task was returned for rework, or fewer tasks are done than the
 *           share of the round's time elapsed asks for;
 *   blue    a task is due within the round's dueSoonWorkingDays working days;
 *   green   on track.
 */
export function boardLight(p: UnitProgress, moment: BoardMoment, rule: BoardRule = DEFAULT_BOARD_RULE): Light {
  if (p.overdue > 0) return 'red';
  if (p.returned > 0 || doneOf(p) < expectedDone(p.tasks, moment.elapsedShare, rule.pace)) return 'yellow';
  if (p.nextDueAt !== null && p.nextDueAt <= moment.dueSoonBy) return 'blue';
  return 'green';
}

export const lightRank = (light: Light) => LIGHTS.indexOf(light);

/** The share (0-1) of a round's time elapsed at `now`. */
export function elapsedShare(launchedAt: number, closesAt: number, now: number): number {
  if (closesAt <= launchedAt) return 1;
  return Math.min(1, Math.max(0, (now - launchedAt) / (closesAt - launchedAt)));
}

export interface BoardOrderKey {
  light: Light;
  overdue: number;
  escalationLevel: EscalationLevel | null;
  returned: number;
  unitCode: string;
}

/** Worst first: by light, then more overdue, a higher rung of the ladder, more returned; then by code. */
export function worstFirst(a: BoardOrderKey, b: BoardOrderKey): number {
  return lightRank(a.light) - lightRank(b.light) || worseWithinLight(a, b);
}

/** `worstFirst` between units of the same light: more overdue, a higher rung of the ladder, more returned; then by code. */
export function worseWithinLight(a: Omit<BoardOrderKey, 'light'>, b: Omit<BoardOrderKey, 'light'>): number {
  return (
    b.overdue - a.overdue ||
    levelRank(b.escalationLevel) - levelRank(a.escalationLevel) ||
    b.returned - a.returned ||
    (a.unitCode < b.unitCode ? -1 : a.unitCode > b.unitCode ? 1 : 0)
  );
}

/**
 * `rows` (in the board's order within a light) with each of `changed` in place of the row of its unit, in order:
 * the unchanged rows keep their order, so the changed ones are sorted and merged in, not the whole sorted again
 * (a national board's 20,000 rows, refreshed every few seconds with a few hundred changed). `rows` is left as it
 * was, since a reader may still be drawing from it.
 */
export function replaceChanged<T extends Omit<BoardOrderKey, 'light'> & { unitId: string }>(rows: T[], changed: T[]): T[] {
  if (changed.length === 0) return rows;
  const ids = new Set(changed.map((u) => u.unitId));
  const fresh = [...changed].sort(worseWithinLight);
  const out: T[] = [];
  let next = 0;
  for (const row of rows) {
    if (ids.has(row.unitId)) continue;
    while (next < fresh.length && worseWithinLight(fresh[next], row) < 0) out.push(fresh[next++]);
    out.push(row);
  }
  while (next < fresh.length) out.push(fresh[next++]);
  return out;
}

export type LightTotals = Record<Light, number>;

export const emptyTotals = (): LightTotals => ({ red: 0, yellow: 0, blue: 0, green: 0 });

/** The worst light among totals, or green when there is nothing. */
export const worstOf = (totals: LightTotals): Light => LIGHTS.find((l) => totals[l] > 0) ?? 'green';
