import type { EvidenceKind } from '../domain/vocabulary';
import { ApplicationFailure } from '@temporalio/activity';
import { unitTaskList, type RoundSpec } from '../store/roundSpec';
import { ErrorType, type AddTaskInput, type PlannedTask } from '../workflows/contracts';
import type { ActivityDeps } from './deps';
import { dueDateAfter, planSteps, roundNoticeOffsetMs } from './planning';
import { shanghaiDate } from '../domain/time';

/**
 * Writes the task lists of some units of a round and returns each unit's plan, by unit code. Due dates are
 * counted in working days from the launch. Rows are keyed on (round, unit, template), so a retry finds the
 * rows the first attempt wrote, with whatever status they have reached since. A plan is computed, not stored:
 * the same launch, calendar and policy give the same instants whenever a unit's list is read.
 */
export function createIssuer({ db, calendars, noticeSpreadMinutes }: Pick<ActivityDeps, 'db' | 'calendars' | 'noticeSpreadMinutes'>) {
  /**
   * `written`: the round wrote these units' lists before starting them (`writeOnly` below), so their rows are
   * read, not written again; a unit whose list is missing all the same is written then.
   */
  return async function issueUnits(roundId: string, units: { id: string; code: string }[], opts: { written?: boolean; writeOnly?: boolean } = {}): Promise<Map<string, PlannedTask[]>> {
    const issued = new Map<string, PlannedTask[]>();
    if (units.length === 0) return issued;
    const round = await db.round.findUniqueOrThrow({ where: { id: roundId } });
    const spec = round.spec as unknown as RoundSpec;
    const lists = units.map((unit) => ({ unit, list: unitTaskList(spec, unit.code) }));
    const codes = [...new Set(lists.flatMap(({ list }) => list.map((t) => t.templateCode)))];
    const templates = await db.taskTemplate.findMany({ where: { code: { in: codes } } });
    const byCode = new Map(templates.map((t) => [t.code, t]));
    const launchedAt = round.launchedAt.getTime();
    const calendar = await calendars.current();

    const unitIds = units.map((u) => u.id);
    const keyOf = (unitId: string, templateId: string) => `${unitId}/${templateId}`;
    const readRows = async () =>
      new Map(
        (await db.task.findMany({ where: { roundId, unitId: { in: unitIds } }, select: { id: true, unitId: true, templateId: true, status: true, evidenceRequired: true, dueDate: true, dueProvisional: true } })).map(
          (r) => [keyOf(r.unitId, r.templateId), r],
        ),
      );
    type Row = Awaited<ReturnType<typeof readRows>> extends Map<string, infer R> ? R : never;

    /** Each unit's tasks with their plans; a task with a row takes its due date from the row, as the record has it. */
    const planAll = (rows: Map<string, Row>) =>
      lists.map(({ unit, list }) => {
        const noticeOffset = roundNoticeOffsetMs(round, unit.code, noticeSpreadMinutes);
        return {
          unit,
          tasks: list.map((t) => {
            const template = byCode.get(t.templateCode);
            if (!template) throw new Error(`template ${t.templateCode} of round ${roundId} no longer exists`);
            const row = rows.get(keyOf(unit.id, template.id));
            const due = row
              ? { date: row.dueDate, provisional: row.dueProvisional }
              : t.dueDate
                ? { date: t.dueDate, provisional: !calendar.covers(t.dueDate) }
                : dueDateAfter(calendar, launchedAt, template.dueWorkingDays);
            return { template, row, plan: planSteps(calendar, due.date, spec.escalationPolicy, launchedAt, due.provisional, { noticeOffsetMs: noticeOffset }) };
          }),
        };
      });
    const complete = (planned: ReturnType<typeof planAll>) => planned.every(({ tasks }) => tasks.every(({ row }) => row !== undefined));
    const plansOf = (planned: ReturnType<typeof planAll>) => {
      for (const { unit, tasks } of planned) {
        issued.set(
          unit.code,
          tasks.map(({ template, row, plan }) => ({
            taskId: row!.id,
            code: template.code,
            status: row!.status,
            evidenceRequired: row!.evidenceRequired as EvidenceKind[],
            dueAt: plan.dueAt,
            cycle: 0,
            steps: plan.steps,
            pendingSubmissionId: null,
          })),
        );
      }
      return issued;
    };

    if (opts.written) {
      const planned = planAll(await readRows());
      if (complete(planned)) return plansOf(planned);
    }

    // One statement for every list. Prisma's createMany spends ~0.8 ms of CPU per row compiling
    // (24 ms for one unit's 30 rows); this raw insert costs ~1 ms for a unit, less per unit in a batch.
    const inserts = planAll(new Map()).flatMap(({ unit, tasks }) =>
      tasks.map(({ template, plan }) => ({
        unit_id: unit.id,
        template_id: template.id,
        code: template.code,
        title: template.title,
        category: template.category,
        weight: template.weight,
        evidence_required: template.evidence,
        due_date: plan.dueDate,
        due_at: new Date(plan.dueAt).toISOString(),
        due_provisional: plan.dueProvisional,
        ladder_provisional: plan.ladderProvisional,
      })),
    );
    await db.$transaction([
      db.$executeRaw`
        INSERT INTO tasks (id, round_id, unit_id, template_id, code, title, category, weight, evidence_required, due_date, due_at, due_provisional, ladder_provisional, issued_at)
        SELECT gen_random_uuid(), ${roundId}::uuid, r.unit_id, r.template_id, r.code, r.title, r.category, r.weight, r.evidence_required,
               r.due_date, r.due_at, r.due_provisional, r.ladder_provisional, ${round.launchedAt.toISOString()}::timestamptz
        FROM jsonb_to_recordset(${JSON.stringify(inserts)}::jsonb) AS r(
          unit_id uuid, template_id uuid, code text, title text, category text, weight int, evidence_required text[], due_date text, due_at timestamptz, due_provisional boolean, ladder_provisional boolean)
        ORDER BY r.unit_id, r.template_id
        ON CONFLICT (round_id, unit_id, template_id) DO NOTHING`,
      db.$executeRaw`UPDATE round_units SET issued_at = now() WHERE round_id = ${roundId}::uuid AND unit_id = ANY(${unitIds}::uuid[]) AND issued_at IS NULL`,
    ]);
    if (opts.writeOnly) return issued;
    const planned = planAll(await readRows());
    if (!complete(planned)) throw new Error(`a task list of round ${roundId} is missing rows just written`);
    return plansOf(planned);
  };
}

export function createIssuingActivities(deps: ActivityDeps) {
  const { db, calendars, noticeSpreadMinutes } = deps;
  const issueUnits = createIssuer(deps);
  return {
    /**
     * Writes one unit's task list. Units started before their round issued lists in batches run this
     * themselves; it stays registered so their histories replay and a unit started then can still issue.
     */
    async issueTaskList({ roundId, unitCode }: { roundId: string; unitCode: string }): Promise<{ tasks: PlannedTask[] }> {
      const unit = await db.unit.findUniqueOrThrow({ where: { code: unitCode }, select: { id: true, code: true } });
      return { tasks: (await issueUnits(roundId, [unit])).get(unitCode)! };
    },
    /**
     * Adds one task to a unit's list in a running round: due on the given date or the template's
     * working days from now, on the round's ladder. Keyed on (round, unit, template) like issuing,
     * so a retry returns the row the first attempt wrote.
     */
    async addTask(input: AddTaskInput & { roundId: string; unitCode: string; at: number }): Promise<PlannedTask> {
      const round = await db.round.findUniqueOrThrow({ where: { id: input.roundId } });
      const unit = await db.unit.findUniqueOrThrow({ where: { code: input.unitCode } });
      const template = await db.taskTemplate.findUniqueOrThrow({ where: { code: input.templateCode } });
      const calendar = await calendars.current();
      const spec = round.spec as unknown as RoundSpec;
      if (input.dueDate && input.dueDate < shanghaiDate(input.at)) throw ApplicationFailure.create({ type: ErrorType.InvalidDueDate, message: 'the due date is in the past', nonRetryable: true });
      const due = input.dueDate ? { date: input.dueDate, provisional: !calendar.covers(input.dueDate) } : dueDateAfter(calendar, input.at, template.dueWorkingDays);
      const plan = planSteps(calendar, due.date, spec.escalationPolicy, input.at, due.provisional, {
        remindAtOnce: true,
        noticeOffsetMs: roundNoticeOffsetMs(round, input.unitCode, noticeSpreadMinutes),
      });
      const row = await db.task.upsert({
        where: { roundId_unitId_templateId: { roundId: round.id, unitId: unit.id, templateId: template.id } },
        update: {},
        create: {
          roundId: round.id, unitId: unit.id, templateId: template.id, code: template.code, title: template.title, category: template.category, weight: template.weight,
          evidenceRequired: template.evidence, dueDate: plan.dueDate, dueAt: new Date(plan.dueAt), dueProvisional: plan.dueProvisional, ladderProvisional: plan.ladderProvisional, issuedAt: new Date(input.at),
        },
      });
      await db.auditEntry.create({ data: { actor: input.actor, action: 'task.add', subject: `task:${row.id}`, detail: { unitCode: unit.code, templateCode: template.code, dueDate: row.dueDate } } });
      return { taskId: row.id, code: template.code, status: row.status, evidenceRequired: row.evidenceRequired as EvidenceKind[], dueAt: row.dueAt.getTime(), cycle: row.ladderCycle, steps: plan.steps, pendingSubmissionId: null };
    },
  };
}
