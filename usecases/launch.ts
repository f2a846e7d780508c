import type { Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { InvalidInput, type FieldProblem } from '../domain/errors';
import { unitThreshold } from '../domain/confidentiality';
import { DEFAULT_CONTRADICTION_RULE, cadenceWindows } from '../domain/questionnaire';
import { BoardRuleInput, EscalationPolicyInput, RubricInput, type LaunchRoundBody } from '../domain/schemas/rounds';
import { shanghaiDate } from '../domain/time';
import type { Config } from '../src/config';
import type { Db } from '../src/db';
import { roundWorkflowId } from '../workflows/contracts';
import { catalogueWhere, unitWhere, type Viewer } from '../access/visibility';
import type { superviseRound } from '../workflows/superviseRound';
import type { RoundSpec } from '../store/roundSpec';
import { refreshStatistics } from '../store/statistics';

export interface Launcher extends Viewer {
  office: { id: string; code: string; path: string };
  tokenId?: string;
  /** Who launched it, as records name actors; a programme's schedule when none is given. */
  actor?: string;
}

/**
 * Checks every reference in a launch request against what the office may use; each bad one is
 * named. The confidentiality threshold configured now is frozen into the round's spec, so a
 * later change of configuration never moves what a running or past round shows its units.
 */
/** Settings frozen into a round at launch, so a later change of configuration never alters a running round. */
export interface LaunchSettings {
  minObserversForUnit: number;
  noticeSpreadMinutes: number;
  /** HH:MM in Asia/Shanghai at which the round's ladder notices go out, before the spread. */
  noticeTime: string;
}

/** The launch settings of this process's configuration. */
export const launchSettings = (config: Pick<Config, 'DUBAN_MIN_RESPONSES_FOR_UNIT' | 'DUBAN_NOTICE_SPREAD_MINUTES' | 'DUBAN_NOTICE_TIME'>): LaunchSettings => ({
  minObserversForUnit: config.DUBAN_MIN_RESPONSES_FOR_UNIT,
  noticeSpreadMinutes: config.DUBAN_NOTICE_SPREAD_MINUTES,
  noticeTime: config.DUBAN_NOTICE_TIME,
});

export async function resolveLaunch(db: Db, launcher: Launcher, body: LaunchRoundBody, launchedAt: Date, settings: LaunchSettings) {
  const errors: FieldProblem[] = [];
  const units = await db.unit.findMany({ where: { code: { in: body.unitCodes }, ...unitWhere(launcher) }, select: { id: true, code: true } });
  const unitByCode = new Map(units.map((u) => [u.code, u.id]));
  body.unitCodes.forEach((code, i) => {
    if (!unitByCode.has(code)) errors.push({ path: `unitCodes.${i}`, message: `unknown unit ${code}`, in: 'body' });
  });
  const tailored = Object.entries(body.unitTasks ?? {});
  const templateCodes = [...body.tasks, ...tailored.flatMap(([, t]) => t.add ?? [])].map((t) => t.templateCode);
  const pinned = body.catalogue ? await pinnedVersion(db, launcher, body.catalogue) : null;
  if (body.catalogue && !pinned) errors.push({ path: 'catalogue.version', message: `no version ${body.catalogue.version} of a catalogue ${body.catalogue.code} you may use`, in: 'body', code: 'unknown' });
  // In a round pinned to a catalogue version, task codes name that version's policy points.
  const templates = pinned
    ? new Set(pinned.points.keys())
    : new Set((await db.taskTemplate.findMany({ where: { code: { in: templateCodes }, ...catalogueWhere(launcher) }, select: { code: true } })).map((t) => t.code));
  const today = shanghaiDate(launchedAt);
  const checkTask = (t: { templateCode: string; dueDate?: string }, path: string) => {
    if (body.catalogue && !pinned) return;
    if (!templates.has(t.templateCode)) errors.push({ path: `${path}.templateCode`, message: pinned ? `no policy point ${t.templateCode} with a task in ${body.catalogue!.code} ${body.catalogue!.version}` : `unknown task template ${t.templateCode}`, in: 'body', code: 'unknown' });
    if (t.dueDate && t.dueDate < today) errors.push({ path: `${path}.dueDate`, message: 'must not be in the past', in: 'body', code: 'in_the_past' });
  };
  body.tasks.forEach((t, i) => checkTask(t, `tasks.${i}`));
  const common = new Set(body.tasks.map((t) => t.templateCode));
  for (const [code, t] of tailored) {
    if (!body.unitCodes.includes(code)) errors.push({ path: `unitTasks.${code}`, message: `unit ${code} is not among unitCodes`, in: 'body', code: 'unknown' });
    t.add?.forEach((a, i) => {
      checkTask(a, `unitTasks.${code}.add.${i}`);
      if (common.has(a.templateCode) && !t.remove?.includes(a.templateCode)) errors.push({ path: `unitTasks.${code}.add.${i}.templateCode`, message: `${a.templateCode} is already in the common list`, in: 'body', code: 'duplicate' });
    });
    t.remove?.forEach((r, i) => {
      if (!common.has(r)) errors.push({ path: `unitTasks.${code}.remove.${i}`, message: `${r} is not in the common list`, in: 'body', code: 'unknown' });
    });
    if ((t.remove ?? []).filter((r) => common.has(r)).length >= common.size && (t.add ?? []).length === 0) errors.push({ path: `unitTasks.${code}`, message: 'would leave the unit with no task', in: 'body', code: 'empty' });
  }
  const plan = body.questionnaire;
  const template = plan ? await db.questionnaireTemplate.findFirst({ where: { code: plan.templateCode, ...catalogueWhere(launcher) }, orderBy: { version: 'desc' } }) : null;
  if (plan && !template) errors.push({ path: 'questionnaire.templateCode', message: `unknown questionnaire template ${plan.templateCode}`, in: 'body' });
  if (errors.length > 0) throw new InvalidInput(`${errors.length} reference(s) in the round are unknown or invalid`, errors.slice(0, 100));

  const windows = plan?.windows ?? (plan?.cadence ? cadenceWindows(launchedAt.getTime(), Date.parse(body.closesAt), plan.cadence.every, plan.cadence.openDays) : []);
  const lists = pinned ? issuedAs(body, pinned.points) : body;
  const spec: RoundSpec = {
    tasks: lists.tasks,
    ...(lists.unitTasks && Object.keys(lists.unitTasks).length > 0 ? { unitTasks: lists.unitTasks } : {}),
    escalationPolicy: body.escalationPolicy ?? EscalationPolicyInput.parse({}),
    rubric: body.rubric ?? RubricInput.parse({}),
    board: body.board ?? BoardRuleInput.parse({}),
    minObserversForUnit: unitThreshold(undefined, settings.minObserversForUnit),
    noticeSpreadMinutes: settings.noticeSpreadMinutes,
    noticeTime: settings.noticeTime,
    ...(plan && template ? { questionnaire: { templateCode: template.code, templateVersion: template.version, contradiction: plan.contradiction ?? DEFAULT_CONTRADICTION_RULE } } : {}),
  };
  return {
    spec,
    catalogueVersionId: pinned?.id ?? null,
    unitIds: body.unitCodes.map((c) => unitByCode.get(c)!),
    windows: template ? windows.map((w) => ({ templateId: template.id, opensAt: new Date(w.opensAt), closesAt: new Date(w.closesAt) })) : [],
  };
}

/** The pinned catalogue version, if the launcher may use it, with its points' task templates by item code. */
async function pinnedVersion(db: Db, launcher: Launcher, pin: { code: string; version: string }) {
  const version = await db.catalogueVersion.findFirst({
    where: { version: pin.version, catalogue: { code: pin.code, ...catalogueWhere(launcher) } },
    include: { items: { where: { templateId: { not: null } }, select: { code: true, template: { select: { code: true } } } } },
  });
  return version && { id: version.id, points: new Map(version.items.map((i) => [i.code, i.template!.code])) };
}

/** The lists as issued: each policy point by its task template, so issuing reads a pinned round as any other. */
function issuedAs(body: LaunchRoundBody, points: Map<string, string>): Pick<RoundSpec, 'tasks' | 'unitTasks'> {
  const task = (t: { templateCode: string; dueDate?: string }) => ({ ...t, templateCode: points.get(t.templateCode)! });
  return {
    tasks: body.tasks.map(task),
    unitTasks: body.unitTasks && Object.fromEntries(Object.entries(body.unitTasks).map(([unit, t]) => [unit, { ...(t.add ? { add: t.add.map(task) } : {}), ...(t.remove ? { remove: t.remove.map((r) => points.get(r) ?? r) } : {}) }])),
  };
}

/** A national round writes a membership row per unit (20,000 and more) in its one transaction: more than Prisma's default 5 s on a busy server. */
const LAUNCH_TRANSACTION = { maxWait: 10_000, timeout: 120_000 };

/**
 * Records a round and starts its workflow. The id is the caller's (derived from an
 * idempotency key or a schedule run), so a repeated launch finds the first and starts nothing.
 * `onRecorded` is called once the round and its memberships are committed, before its workflow starts (and so
 * before its lists are written): what the API loads ahead for the round's board then reads an idle round.
 */
export async function launchRound(
  deps: { db: Db; client: Client; taskQueue: string; settings: LaunchSettings },
  launcher: Launcher,
  body: LaunchRoundBody,
  id: string,
  programmeId?: string,
  onRecorded?: (round: { id: string; unitCount: number }) => void,
): Promise<{ id: string; status: string; created: boolean; unitCount: number }> {
  const { db, client } = deps;
  const existing = await db.round.findUnique({ where: { id } });
  if (existing) return { id, status: existing.status, created: false, unitCount: existing.unitCount };
  const launchedAt = new Date();
  const { spec, catalogueVersionId, unitIds, windows } = await resolveLaunch(db, launcher, body, launchedAt, deps.settings);
  await db.$transaction([
    db.round.create({
      data: {
        id, officeId: launcher.office.id, programmeId, title: body.title, period: body.period, spec: spec as object,
        launchedAt, closesAt: new Date(body.closesAt), unitCount: unitIds.length, createdByTokenId: launcher.tokenId, launchedBy: launcher.actor ?? (programmeId ? 'schedule' : null), catalogueVersionId,
      },
    }),
    // One statement for every membership: Prisma's createMany compiles each row and splits 20,000 into chunks that
    // it sends at once on the transaction's one connection (which pg 9 will refuse).
    db.$executeRaw`INSERT INTO round_units (round_id, unit_id) SELECT ${id}::uuid, unnest(${unitIds}::uuid[])`,
    db.questionnaireWindow.createMany({ data: windows.map((w, seq) => ({ ...w, roundId: id, seq })) }),
  ], LAUNCH_TRANSACTION);
  onRecorded?.({ id, unitCount: unitIds.length });
  // The board joins the round's memberships with their units' offices. An office tree of fewer than 50 offices never
  // reaches autovacuum's threshold, and unanalysed it is estimated to hold a few dozen of the round's units: the
  // board then probes round_units once per unit (bench/RESULTS.md, "The board's plan").
  await refreshStatistics(db, ['round_units', 'offices'], unitIds.length);
  try {
    await client.workflow.start<typeof superviseRound>('superviseRound', {
      taskQueue: deps.taskQueue,
      workflowId: roundWorkflowId(id),
      args: [{ roundId: id, closesAt: body.closesAt, unitCount: unitIds.length }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (err) {
    await db.$transaction([db.roundUnit.deleteMany({ where: { roundId: id } }), db.questionnaireWindow.deleteMany({ where: { roundId: id } }), db.round.delete({ where: { id } })]);
    throw err;
  }
  return { id, status: 'open', created: true, unitCount: unitIds.length };
}
