// The fixed vocabularies of the public API. Order matters where noted.

export const OFFICE_LEVELS = ['province', 'city', 'county', 'town'] as const;
export type OfficeLevel = (typeof OFFICE_LEVELS)[number];

export const UNIT_KINDS = ['state_owned', 'private', 'high_tech', 'sme', 'city', 'town', 'industry', 'demo_point'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const OBSERVER_ROLES = ['model_worker', 'frontline', 'union_cadre'] as const;
export type ObserverRole = (typeof OBSERVER_ROLES)[number];

/** The Jiangxi "六有" evidence checklist. */
export const EVIDENCE_KINDS = ['summary', 'documents', 'data', 'boards', 'site', 'satisfaction'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const TASK_STATUSES = ['issued', 'submitted', 'returned', 'accepted', 'overdue', 'waived'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** The escalation ladder, in the order a late task climbs it. */
export const ESCALATION_LEVELS = ['reminder', 'overdue', 'supervision', 'escalated', 'public_notice'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

export const ROUND_STATUSES = ['open', 'closing', 'closed', 'cancelled'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

export const GRADES = ['excellent', 'good', 'pass', 'fail'] as const;
export type Grade = (typeof GRADES)[number];

export const PRINCIPAL_KINDS = ['office', 'unit', 'observer'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

/** What a person may do: admin, supervisor and viewer work in an office; unit_contact acts for a unit. */
export const PERSON_ROLES = ['admin', 'supervisor', 'viewer', 'unit_contact'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

/** What an office token may do; full is admin and supervisor together. */
export const TOKEN_ROLES = ['full', 'admin', 'supervisor', 'viewer'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** What an office action may need beyond reading (see access/roles.ts). */
export const CAPABILITIES = ['admin', 'supervisor'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const QUESTION_KINDS = ['likert5', 'single', 'multi', 'number', 'text'] as const;
export const DIMENSIONS = ['hear', 'see', 'check', 'measure', 'satisfaction'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Tasks in these states can still receive a submission. */
export const OPEN_TASK_STATUSES: readonly TaskStatus[] = ['issued', 'returned', 'overdue'];

export function levelRank(level: EscalationLevel | null | undefined): number {
  return level ? ESCALATION_LEVELS.indexOf(level) : -1;
}
