import { catalogueWhere, visibleTask, visibleUnit } from '../access/visibility';
import { badRequest, notFound } from '../api/problem';
import type { AddUnitTaskBody } from '../domain/schemas/rounds';
import { shanghaiDate } from '../domain/time';
import { addTaskUpdate, unitWorkflowId } from '../workflows/contracts';
import type { Actor, UseCaseContext } from './context';
import { openRoundOf } from './rounds';
import { pointTemplateOf } from './catalogues';
import { taskView } from './taskView';
import { viaWorkflow } from './workflowErrors';

/**
 * Adds a task to one unit of an open round (一企一特色). The unit's workflow writes it and takes
 * it into its ladder like any other task. A template already in the unit's list (also after a
 * retry whose first attempt got through) answers 409 ALREADY_EXISTS.
 */
export async function addUnitTask(ctx: UseCaseContext, actor: Actor, roundId: string, unitCode: string, body: AddUnitTaskBody) {
  const { db } = ctx;
  const round = await openRoundOf(ctx, actor, roundId);
  const unit = await visibleUnit(db, actor, unitCode);
  if (!(await db.roundUnit.findUnique({ where: { roundId_unitId: { roundId: round.id, unitId: unit.id } } }))) throw notFound('unit');
  const template = round.catalogueVersionId
    ? await pointTemplateOf(db, round.catalogueVersionId, body.templateCode).then((code) => (code === null ? null : { code }))
    : await db.taskTemplate.findFirst({ where: { code: body.templateCode, ...catalogueWhere(actor) }, select: { code: true } });
  const errors = [
    ...(template ? [] : [{ path: 'templateCode', message: `unknown task template ${body.templateCode}`, in: 'body' as const, code: 'unknown' }]),
    ...(body.dueDate && body.dueDate < shanghaiDate(Date.now()) ? [{ path: 'dueDate', message: 'must be today or later', in: 'body' as const, code: 'in_the_past' }] : []),
  ];
  if (errors.length > 0) throw badRequest(`${errors.length} field(s) are invalid`, errors);
  const result = await viaWorkflow(ctx, round, { roundId: round.id, unitCode: unit.code }, () =>
    ctx.client.workflow
      .getHandle(unitWorkflowId(round.id, unit.code))
      .executeUpdate(addTaskUpdate, { args: [{ templateCode: template!.code, dueDate: body.dueDate, actor: actor.actor }] }),
  );
  return taskView(await visibleTask(db, actor, result.taskId));
}
