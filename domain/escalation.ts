import { ESCALATION_LEVELS, type EscalationLevel } from './vocabulary';

export interface EscalationStep {
  level: EscalationLevel;
  /** Working days relative to the due date: negative before it, positive after. */
  offsetWorkingDays: number;
}

export interface EscalationPolicy {
  steps: EscalationStep[];
  /** Working days a unit gets to redo a task returned for rework. */
  reworkWorkingDays: number;
}

export const DEFAULT_ESCALATION_POLICY: EscalationPolicy = {
  steps: [
    { level: 'reminder', offsetWorkingDays: -3 },
    { level: 'overdue', offsetWorkingDays: 0 },
    { level: 'supervision', offsetWorkingDays: 3 },
    { level: 'escalated', offsetWorkingDays: 7 },
    { level: 'public_notice', offsetWorkingDays: 15 },
  ],
  reworkWorkingDays: 5,
};

/** Problems with a policy's step order, as [index, message] pairs; empty when valid. */
export function policyProblems(steps: EscalationStep[]): Array<[number, string]> {
  const problems: Array<[number, string]> = [];
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1];
    const cur = steps[i];
    if (ESCALATION_LEVELS.indexOf(cur.level) <= ESCALATION_LEVELS.indexOf(prev.level)) {
      problems.push([i, `level ${cur.level} must come after ${prev.level} in the ladder order ${ESCALATION_LEVELS.join(' < ')}`]);
    } else if (cur.offsetWorkingDays <= prev.offsetWorkingDays) {
      problems.push([i, `offsetWorkingDays must be greater than the previous step's (${prev.offsetWorkingDays})`]);
    }
  }
  return problems;
}

/** Which office a step notifies: the unit's own, its parent, or the root of the tree. */
export function escalationTarget(level: EscalationLevel): 'own' | 'parent' | 'root' {
  if (level === 'escalated') return 'parent';
  if (level === 'public_notice') return 'root';
  return 'own';
}
