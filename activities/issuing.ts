import type { EvidenceKind } from '../domain/vocabulary';
import type { RoundSpec } from '../store/roundSpec';
import type { PlannedTask } from '../workflows/contracts';
import type { ActivityDeps } from './deps';
import { dueDateAfter, planSteps } from './planning';

export function createIssuingActivities({ db, calendar }: ActivityDeps) {
  return {
    /**
     * Writes a unit's task list for a round and returns each task's plan. Due dates are
     * counted in working days from the launch; rows are keyed on (round, unit, template),
     * so a retry finds the rows the first attempt wrote.
     */
    async issueTaskList({ roundId, unitCode }: { roundId: string; unitCode: string }): Promise<{ tasks: PlannedTask[] }> {
      const round = await db.round.findUniqueOrThrow({ where: { id: roundId } });
      const unit = await db.unit.findUniqueOrThrow({ where: { code: unitCode } });
      const spec = round.spec as unknown as RoundSpec;
      const templates = await db.taskTemplate.findMany({ where: { code: { in: spec.tasks.map((t) => t.templateCode) } } });
      const byCode = new Map(templates.map((t) => [t.code, t]));
      const launchedAt = round.launchedAt.getTime();

      const planned = spec.tasks.map((t) => {
        const template = byCode.get(t.templateCode);
        if (!template) throw new Error(`template ${t.templateCode} of round ${roundId} no longer exists`);
        const due = t.dueDate ? { date: t.dueDate, provisional: !calendar.covers(t.dueDate) } : dueDateAfter(calendar, launchedAt, template.dueWorkingDays);
        return { template, plan: planSteps(calendar, due.date, spec.escalationPolicy, launchedAt, due.provisional) };
      });

      await db.task.createMany({
        skipDuplicates: true,
        data: planned.map(({ template, plan }) => ({
          roundId,
          unitId: unit.id,
          templateId: template.id,
          code: template.code,
          title: template.title,
          category: template.category,
          weight: template.weight,
          evidenceRequired: template.evidence,
          dueDate: plan.dueDate,
          dueAt: new Date(plan.dueAt),
          dueProvisional: plan.provisional,
          issuedAt: round.launchedAt,
        })),
      });
      await db.roundUnit.update({ where: { roundId_unitId: { roundId, unitId: unit.id } }, data: { issuedAt: new Date() } });

      const rows = await db.task.findMany({ where: { roundId, unitId: unit.id }, select: { id: true, templateId: true, status: true, evidenceRequired: true } });
      const rowByTemplate = new Map(rows.map((r) => [r.templateId, r]));
      return {
        tasks: planned.map(({ template, plan }) => {
          const row = rowByTemplate.get(template.id)!;
          return {
            taskId: row.id,
            code: template.code,
            status: row.status,
            evidenceRequired: row.evidenceRequired as EvidenceKind[],
            dueAt: plan.dueAt,
            cycle: 0,
            steps: plan.steps,
            pendingSubmissionId: null,
          };
        }),
      };
    },
  };
}
