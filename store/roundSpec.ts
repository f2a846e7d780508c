import type { BoardRule } from '../domain/board';
import type { EscalationPolicy } from '../domain/escalation';
import type { ContradictionRule } from '../domain/questionnaire';
import type { Rubric } from '../domain/scoring';

export interface TaskSpec {
  templateCode: string;
  dueDate?: string;
}

/** What a round was launched with, stored as accepted so every later step reads the same. */
export interface RoundSpec {
  tasks: TaskSpec[];
  /** Units whose list differs from the common one: templates added and removed, by unit code. */
  unitTasks?: Record<string, { add?: TaskSpec[]; remove?: string[] }>;
  escalationPolicy: EscalationPolicy;
  rubric: Rubric;
  questionnaire?: { templateCode: string; templateVersion: number; contradiction: ContradictionRule };
  /**
   * Fewest distinct observers before a unit reads anything derived from their answers, as
   * configured when the round was launched. Absent in rounds launched before it was frozen.
   */
  minObserversForUnit?: number;
  /**
   * Minutes after 09:00 over which the round's units' 09:00 ladder notices are spread, as configured when the
   * round was launched, so every worker plans a unit's notices at the same instant. Absent in rounds launched
   * before it was frozen: those use the worker's setting.
   */
  noticeSpreadMinutes?: number;
  /** HH:MM in Asia/Shanghai at which the ladder's notices go out, before the spread; absent in rounds launched before it was frozen: 09:00. */
  noticeTime?: string;
  /** The supervision board's numbers; absent in rounds launched before the board, which use the defaults. */
  board?: BoardRule;
}

/** The list a unit of the round is issued: the common list, tailored for that unit when the round says so. */
export function unitTaskList(spec: RoundSpec, unitCode: string): TaskSpec[] {
  const tailored = spec.unitTasks?.[unitCode];
  if (!tailored) return spec.tasks;
  const removed = new Set(tailored.remove ?? []);
  return [...spec.tasks.filter((t) => !removed.has(t.templateCode)), ...(tailored.add ?? [])];
}
