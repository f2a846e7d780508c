import type { BoardRule } from '../domain/board';
import type { EscalationPolicy } from '../domain/escalation';
import type { ContradictionRule } from '../domain/questionnaire';
import type { Rubric } from '../domain/scoring';

/** What a round was launched with, stored as accepted so every later step reads the same. */
export interface RoundSpec {
  tasks: Array<{ templateCode: string; dueDate?: string }>;
  escalationPolicy: EscalationPolicy;
  rubric: Rubric;
  questionnaire?: { templateCode: string; templateVersion: number; contradiction: ContradictionRule };
  /**
   * Fewest distinct observers before a unit reads anything derived from their answers, as
   * configured when the round was launched. Absent in rounds launched before it was frozen.
   */
  minObserversForUnit?: number;
  /** The supervision board's numbers; absent in rounds launched before the board, which use the defaults. */
  board?: BoardRule;
}
