// What acting on a unit's due ladder steps writes (recordFiredSteps, the one statement the unit workflow's
// fireSteps runs), against the real PostgreSQL: the overdue turn, the escalation rows and their offices, the level
// raised and never lowered, the notices and their deliveries to the webhooks that want them, steps that no longer
// count, and the same steps recorded twice.
import { escalationTarget } from '../../domain/escalation';
import type { EscalationLevel } from '../../domain/vocabulary';
import { recordFiredSteps } from '../../store/ladderSteps';
import { webhookWorkflowId } from '../../workflows/contracts';
import { useWorkflowHarness, type Scenario } from './support/harness';

const h = useWorkflowHarness();

/** A round of one unit under province > city > county with three issued tasks, and a webhook on each office. */
async function firedRound(s: Scenario) {
  const round = await s.seedRound({ tasks: [{ dueDate: '2027-01-14' }, { dueDate: '2027-01-14' }, { dueDate: '2027-01-14' }] });
  const planned = await s.issued(await s.startUnit(round));
  const { province, city, county } = round.offices;
  const hook = (officeId: string, extra: { kinds?: string[]; includeSubtree?: boolean; active?: boolean } = {}) =>
    s.db.webhook.create({ data: { officeId, url: 'http://127.0.0.1:9/hook', secret: 'fired-steps-secret-0123456789', kinds: [], ...extra } });
  const hooks = {
    county: await hook(county.id),
    countyInactive: await hook(county.id, { active: false }),
    cityOwn: await hook(city.id),
    provinceSubtreeEscalated: await hook(province.id, { includeSubtree: true, kinds: ['escalation.escalated'] }),
    province: await hook(province.id),
  };
  const unitCode = round.unitCodes[0];
  const unit = await s.db.unit.findUniqueOrThrow({ where: { code: unitCode } });
  const tasks = await s.db.task.findMany({ where: { id: { in: planned.map((t) => t.taskId) } }, orderBy: { code: 'asc' } });
  const step = (taskId: string, level: EscalationLevel | null, at: number, cycle = 0) => ({ taskId, cycle, level, at, target: level ? escalationTarget(level) : ('own' as const) });
  const fire = (steps: ReturnType<typeof step>[], now = tasks[0].dueAt.getTime() + 60_000) => recordFiredSteps(s.db, { roundId: round.roundId, unitCode, now, steps });
  const deliveries = async () =>
    (await s.db.notificationDelivery.findMany({ where: { notification: { roundId: round.roundId } }, select: { notificationId: true, webhookId: true } }))
      .map((d) => `${d.notificationId} -> ${Object.entries(hooks).find(([, w]) => w.id === d.webhookId)![0]}`)
      .sort();
  const written = async () => ({
    escalations: await s.db.escalation.count({ where: { roundId: round.roundId } }),
    notifications: await s.db.notification.count({ where: { roundId: round.roundId } }),
    deliveries: (await deliveries()).length,
  });
  return { round, unit, tasks, hooks, step, fire, deliveries, written, offices: round.offices };
}

describe('a unit acting on its due ladder steps', () => {
  test('when a deadline and a reminder come due, then the first task turns overdue, both levels rise, each step is recorded for the unit’s own office with its notice, and only that office’s active webhook that wants every kind gets them', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const { round, unit, tasks, hooks, step, fire, deliveries, offices } = await firedRound(s);
    const [a, b] = tasks;
    const reminderAt = s.at('2027-01-11T09:00:00+08:00');

    const fired = await fire([step(a.id, 'overdue', a.dueAt.getTime()), step(b.id, 'reminder', reminderAt)]);

    expect(fired).toEqual({ unitFound: true, statuses: { [a.id]: 'overdue', [b.id]: 'issued' }, webhookIds: [hooks.county.id] });
    expect(await s.task(a.id)).toMatchObject({ status: 'overdue', escalationLevel: 'overdue' });
    expect(await s.task(b.id)).toMatchObject({ status: 'issued', escalationLevel: 'reminder' });
    const escalations = await s.db.escalation.findMany({ where: { roundId: round.roundId }, orderBy: { scheduledAt: 'asc' } });
    expect(escalations.map((e) => ({ task: e.taskId, unit: e.unitId, level: e.level, cycle: e.cycle, office: e.targetOfficeId, at: e.scheduledAt.getTime(), firedAt: e.firedAt.getTime() }))).toEqual([
      { task: b.id, unit: unit.id, level: 'reminder', cycle: 0, office: offices.county.id, at: reminderAt, firedAt: a.dueAt.getTime() + 60_000 },
      { task: a.id, unit: unit.id, level: 'overdue', cycle: 0, office: offices.county.id, at: a.dueAt.getTime(), firedAt: a.dueAt.getTime() + 60_000 },
    ]);
    const notice = await s.db.notification.findUniqueOrThrow({ where: { id: `escalation:${a.id}:overdue:0` } });
    expect(notice).toMatchObject({ kind: 'escalation.overdue', officeId: offices.county.id, unitId: unit.id, roundId: round.roundId });
    expect(notice.payload).toEqual({
      roundId: round.roundId,
      unitCode: unit.code,
      unitName: unit.name,
      taskId: a.id,
      taskCode: a.code,
      taskTitle: a.title,
      level: 'overdue',
      dueDate: a.dueDate,
      scheduledAt: a.dueAt.toISOString(),
    });
    expect(await deliveries()).toEqual([`escalation:${a.id}:overdue:0 -> county`, `escalation:${b.id}:reminder:0 -> county`].sort());
  });

  test('when escalated and public_notice come due, then they go to the parent and the root office, reach the webhooks of those offices and the root’s subtree webhook that asked for escalated, and a later lower step is recorded without lowering the level', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const { tasks, hooks, step, fire, deliveries, offices } = await firedRound(s);
    const [a, b] = tasks;
    const later = a.dueAt.getTime() + 10 * 86_400_000;

    const fired = await fire([step(a.id, 'escalated', later), step(b.id, 'public_notice', later)], later);
    expect(fired.statuses).toEqual({ [a.id]: 'overdue', [b.id]: 'overdue' });
    expect([...fired.webhookIds].sort()).toEqual([hooks.provinceSubtreeEscalated.id, hooks.cityOwn.id, hooks.province.id].sort());
    expect(await deliveries()).toEqual(
      [`escalation:${a.id}:escalated:0 -> cityOwn`, `escalation:${a.id}:escalated:0 -> provinceSubtreeEscalated`, `escalation:${b.id}:public_notice:0 -> province`].sort(),
    );
    const offices_ = await s.db.escalation.findMany({ where: { taskId: { in: [a.id, b.id] } }, select: { level: true, targetOfficeId: true } });
    expect(offices_.map((e) => [e.level, e.targetOfficeId]).sort()).toEqual([['escalated', offices.city.id], ['public_notice', offices.province.id]]);

    // A reminder recorded late (its instant came before): its row and notice are written, the level stays where it was.
    await fire([step(a.id, 'reminder', a.dueAt.getTime() - 86_400_000)], later);
    expect(await s.task(a.id)).toMatchObject({ status: 'overdue', escalationLevel: 'escalated' });
    expect(await s.escalations(a.id)).toHaveLength(2);

    // A returned task already escalated in an earlier cycle turns overdue at its new deadline and keeps its level.
    await s.db.task.update({ where: { id: b.id }, data: { status: 'returned', ladderCycle: 1 } });
    expect((await fire([step(b.id, 'overdue', later, 1)], later)).statuses).toEqual({ [b.id]: 'overdue' });
    expect(await s.task(b.id)).toMatchObject({ status: 'overdue', escalationLevel: 'public_notice' });
  });

  test('when the same steps are recorded again, then nothing more is written and the answer is the same', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const { tasks, step, fire, written } = await firedRound(s);
    const steps = tasks.map((t) => step(t.id, 'overdue', t.dueAt.getTime()));

    const first = await fire(steps);
    const after = await written();
    expect(after).toEqual({ escalations: 3, notifications: 3, deliveries: 3 });
    expect(await fire(steps)).toEqual(first);
    expect(await written()).toEqual(after);
  });

  test('when a step is of an earlier ladder cycle, or its task is no longer open, or the unit is unknown, then nothing of it is written', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const { round, tasks, step, fire, written } = await firedRound(s);
    const [a, b, c] = tasks;
    await s.db.task.update({ where: { id: a.id }, data: { ladderCycle: 1 } });
    await s.db.task.update({ where: { id: b.id }, data: { status: 'submitted' } });
    await s.db.task.update({ where: { id: c.id }, data: { status: 'waived' } });

    const fired = await fire([step(a.id, 'overdue', a.dueAt.getTime(), 0), step(b.id, 'overdue', b.dueAt.getTime()), step(c.id, 'overdue', c.dueAt.getTime())]);
    expect(fired).toEqual({ unitFound: true, statuses: {}, webhookIds: [] });
    expect((await s.task(a.id)).status).toBe('issued');
    expect(await s.task(b.id)).toMatchObject({ status: 'submitted', escalationLevel: null });
    expect(await written()).toEqual({ escalations: 0, notifications: 0, deliveries: 0 });

    // The deadline of the task's current cycle still counts.
    expect((await fire([step(a.id, null, a.dueAt.getTime(), 1)])).statuses).toEqual({ [a.id]: 'overdue' });
    expect(await s.task(a.id)).toMatchObject({ status: 'overdue', escalationLevel: null });

    const unknown = await recordFiredSteps(s.db, { roundId: round.roundId, unitCode: `no-such-unit-${s.prefix}`, now: c.dueAt.getTime(), steps: [step(c.id, 'overdue', c.dueAt.getTime())] });
    expect(unknown).toEqual({ unitFound: false, statuses: {}, webhookIds: [] });
  });

  test('when the unit workflow’s activity records a step for a webhook, then that webhook’s delivery workflow is started', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const { round, tasks, hooks } = await firedRound(s);
    const activities = s.taskActivities();

    s.track(webhookWorkflowId(hooks.county.id));
    const [a] = tasks;
    const fired = await activities.fireSteps({ roundId: round.roundId, unitCode: round.unitCodes[0], now: a.dueAt.getTime(), items: [{ taskId: a.id, cycle: 0, level: 'overdue', at: a.dueAt.getTime() }] });
    expect(fired).toEqual({ statuses: { [a.id]: 'overdue' } });
    const { status } = await s.client.workflow.getHandle(webhookWorkflowId(hooks.county.id)).describe();
    expect(status.name).toBe('RUNNING');
    await expect(s.client.workflow.getHandle(webhookWorkflowId(hooks.province.id)).describe()).rejects.toThrow();
  });
});
