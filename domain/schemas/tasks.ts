import { ESCALATION_LEVELS, EVIDENCE_KINDS, TASK_STATUSES } from '../vocabulary';
import { DateString, Url, Uuid, text, z } from './common';
import { FileView } from './files';

export const EvidenceItem = z
  .object({
    kind: z.enum(EVIDENCE_KINDS),
    title: text(500),
    uri: Url.optional(),
    fileId: Uuid.optional().openapi({ description: 'A file the same unit uploaded with POST /files, in this round or an earlier one' }),
    sha256: z.string().regex(/^[a-f0-9]{64}$/, 'lower-case hex sha256').optional(),
  })
  .strict();

export const SubmitTaskBody = z
  .object({ summary: text(20_000, { multiline: true }), evidence: z.array(EvidenceItem).max(100).default([]) })
  .strict()
  .openapi('SubmitTask');
export type SubmitTaskBody = z.infer<typeof SubmitTaskBody>;

export const SubmissionResult = z.object({ submissionId: z.string(), taskStatus: z.enum(TASK_STATUSES) }).openapi('SubmissionResult');

export const SubmissionView = z
  .object({
    id: z.string(),
    taskId: z.string(),
    taskCode: z.string(),
    taskTitle: z.string(),
    unitCode: z.string(),
    summary: z.string(),
    evidence: z.array(EvidenceItem.extend({ file: FileView.optional().openapi({ description: 'The uploaded file the item names' }) })),
    status: z.enum(['pending', 'accepted', 'returned']),
    submittedAt: z.string(),
    reviewScore: z.number().nullable(),
    reviewComment: z.string().nullable(),
    reviewedAt: z.string().nullable(),
    submittedBy: z.string().nullable().openapi({ description: 'Who submitted: "person:<username>" for a unit contact, else the unit token\'s "unit:<code>"' }),
    reviewedBy: z.string().nullable().openapi({ description: 'Who reviewed: "person:<username>" when a person did, else "office:<code>"' }),
  })
  .openapi('Submission');

export const ReviewBody = z
  .object({
    decision: z.enum(['accept', 'return']),
    score: z.number().int().min(0).max(100).optional(),
    comment: text(5000, { multiline: true, blank: true, trim: false }).optional(),
    reason: text(2000, { multiline: true }).optional().openapi({ description: 'Required for a correction after the round has closed' }),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.decision === 'accept' && b.score === undefined) ctx.addIssue({ code: 'custom', path: ['score'], message: 'a score is required to accept' });
  })
  .openapi('Review');
export type ReviewBody = z.infer<typeof ReviewBody>;

export const ExtensionBody = z.object({ dueDate: DateString, reason: text(2000, { multiline: true }) }).strict().openapi('Extension');
export const WaiveBody = z.object({ reason: text(2000, { multiline: true }) }).strict().openapi('Waiver');

export const TaskView = z
  .object({
    id: z.string(),
    roundId: z.string(),
    unitCode: z.string(),
    code: z.string(),
    title: z.string(),
    category: z.string(),
    status: z.enum(TASK_STATUSES),
    dueDate: z.string(),
    dueAt: z.string(),
    dueProvisional: z.boolean().openapi({ description: 'The due date itself was counted on a year whose statutory holiday schedule is not yet published; it may move once it is' }),
    ladderProvisional: z.boolean().openapi({ description: 'The due date is firm, but some later ladder step (督办, 上报, 通报) falls in a year whose schedule is not yet published' }),
    evidenceRequired: z.array(z.string()),
    escalationLevel: z.enum(ESCALATION_LEVELS).nullable(),
    weight: z.number(),
    submissionId: z.string().nullable().optional().openapi({ description: 'GET /rounds/{id}/tasks only: the latest submission awaiting review, for POST /submissions/{id}/review' }),
  })
  .openapi('Task');

export const MyTasksQuery = z.object({ roundId: Uuid.optional() });
export const TaskIdParams = z.object({ id: Uuid });
