import type { TaskView } from '../domain/schemas/tasks';
import type { z } from '../domain/schemas/common';

type View = z.infer<typeof TaskView>;

export function taskView(t: {
  id: string; roundId: string; code: string; title: string; category: string; status: View['status']; dueDate: string; dueAt: Date; dueProvisional: boolean; ladderProvisional: boolean;
  evidenceRequired: string[]; escalationLevel: View['escalationLevel']; weight: number; unit: { code: string };
}): View {
  return {
    id: t.id, roundId: t.roundId, unitCode: t.unit.code, code: t.code, title: t.title, category: t.category, status: t.status,
    dueDate: t.dueDate, dueAt: t.dueAt.toISOString(), dueProvisional: t.dueProvisional, ladderProvisional: t.ladderProvisional,
    evidenceRequired: t.evidenceRequired, escalationLevel: t.escalationLevel, weight: t.weight,
  };
}
