import { createHash } from 'node:crypto';
import type { EscalationPolicy } from '../domain/escalation';
import { endOfShanghaiDay, shanghaiDate, shanghaiInstant } from '../domain/time';
import type { RoundSpec } from '../store/roundSpec';
import type { PlannedStep } from '../workflows/contracts';
import type { WorkingCalendar } from './calendar';

/** Ladder notices other than the deadline itself go out at the start of office hours. */
export const NOTICE_TIME = '09:00';

/**
 * How long after 09:00 a unit's ladder notices in a round go out: whole seconds in
 * [0, spreadMinutes), fixed by the round and the unit, so every 09:00 step of that unit wakes
 * its workflow's one timer at the same instant, while the round's units fall due apart.
 */
export function noticeOffsetMs(roundId: string, unitCode: string, spreadMinutes: number): number {
  const seconds = Math.floor(spreadMinutes * 60);
  if (seconds <= 0) return 0;
  const digest = createHash('sha256').update(`${roundId}\n${unitCode}`).digest();
  return (digest.readUIntBE(0, 6) % seconds) * 1000;
}

/**
 * How long after 09:00 a unit's ladder notices in a round go out: the distance of the round's notice time from
 * 09:00 (frozen into the round at launch; 09:00 in rounds launched before), plus the unit's offset in the round's
 * spread (frozen the same way, else the worker's setting).
 */
export function roundNoticeOffsetMs(round: { id: string; spec: unknown }, unitCode: string, workerSpreadMinutes: number): number {
  const spec = round.spec as RoundSpec;
  return (minutesOfDay(spec.noticeTime ?? NOTICE_TIME) - minutesOfDay(NOTICE_TIME)) * 60_000 + noticeOffsetMs(round.id, unitCode, spec.noticeSpreadMinutes ?? workerSpreadMinutes);
}

const minutesOfDay = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export interface TaskPlan {
  dueDate: string;
  dueAt: number;
  /** The due date itself was counted on a calendar year whose statutory schedule is not yet known. */
  dueProvisional: boolean;
  /** Some later ladder step falls in such a year (the due date itself may be firm). */
  ladderProvisional: boolean;
  steps: PlannedStep[];
}

/** The due date that lies `workingDays` working days after an instant's date in Asia/Shanghai. */
export function dueDateAfter(calendar: WorkingCalendar, from: number, workingDays: number) {
  return calendar.shift(shanghaiDate(from), workingDays);
}

/**
 * The absolute instants at which a task's ladder acts. A step at offset 0 fires at the
 * deadline (the end of the due date); other steps at 09:00 plus `noticeOffsetMs` on the
 * working day that many working days from the due date. Steps already past when the plan is
 * made are skipped; the deadline itself is always kept so a task due in the past still turns
 * overdue. With `remindAtOnce` (a task added to a running round) the latest skipped step
 * before the deadline acts at `now` instead.
 */
export function planSteps(calendar: WorkingCalendar, dueDate: string, policy: EscalationPolicy, now: number, dueProvisional = false, opts: { remindAtOnce?: boolean; noticeOffsetMs?: number } = {}): TaskPlan {
  const dueAt = endOfShanghaiDay(dueDate).getTime();
  const offset = opts.noticeOffsetMs ?? 0;
  const due = dueProvisional || !calendar.covers(dueDate);
  let ladder = false;
  const steps: PlannedStep[] = policy.steps.map((s) => {
    if (s.offsetWorkingDays === 0) return { level: s.level, at: dueAt };
    const shifted = calendar.shift(dueDate, s.offsetWorkingDays);
    ladder ||= shifted.provisional;
    return { level: s.level, at: shanghaiInstant(shifted.date, NOTICE_TIME).getTime() + offset };
  });
  if (!steps.some((s) => s.at === dueAt)) steps.push({ level: null, at: dueAt });
  steps.sort((a, b) => a.at - b.at);
  // A task given with less notice than its policy's first steps allow gets the latest of them at once, not never.
  const missed = opts.remindAtOnce ? steps.filter((s) => s.at <= now && s.at < dueAt && s.level !== null).pop() : undefined;
  const kept = steps.filter((s) => s.at > now || s.at === dueAt);
  return { dueDate, dueAt, dueProvisional: due, ladderProvisional: ladder, steps: missed ? [{ level: missed.level, at: now }, ...kept] : kept };
}
