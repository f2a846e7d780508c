import { catalogueWhere, isUnder, responseWhere, visibleRound, visibleRoundUnitIds, visibleWindow } from '../access/visibility';
import { badRequest, conflict, gone } from '../api/problem';
import { ErrorCode } from '../domain/errors';
import { answerProblems, type Question } from '../domain/questionnaire';
import type { CreateQuestionnaireTemplateBody, SubmitResponseBody } from '../domain/schemas/questionnaires';
import type { z } from '../domain/schemas/common';
import { shareableMeans, unitMayReadWindow, unitThreshold } from '../domain/confidentiality';
import type { RoundSpec } from '../store/roundSpec';
import { roundContradictions as contradictionsOf, windowAggregates } from '../store/questionnaires';
import type { Actor, UseCaseContext } from './context';
import { uniquely } from './directory';

type TemplateRow = { code: string; version: number; title: string; questions: unknown; office: { code: string } };
const templateView = (t: TemplateRow) => ({ code: t.code, version: t.version, title: t.title, questions: t.questions as Question[], officeCode: t.office.code });

type WindowRow = { id: string; roundId: string; seq: number; opensAt: Date; closesAt: Date; openedAt: Date | null; closedAt: Date | null; template: { title: string; code: string; version: number }; round: { title: string } };

/** A window is open between its opening (done by its workflow) and its closing time or close. */
export function windowState(w: Pick<WindowRow, 'closesAt' | 'openedAt' | 'closedAt'>, now = Date.now()): 'scheduled' | 'open' | 'closed' {
  if (w.closedAt || w.closesAt.getTime() <= now) return 'closed';
  return w.openedAt ? 'open' : 'scheduled';
}

const windowView = (w: WindowRow) => ({
  windowId: w.id,
  roundId: w.roundId,
  roundTitle: w.round.title,
  seq: w.seq,
  title: w.template.title,
  templateCode: w.template.code,
  templateVersion: w.template.version,
  opensAt: w.opensAt.toISOString(),
  closesAt: w.closesAt.toISOString(),
  state: windowState(w),
});

/** Posting an existing code makes its next version; only the owning office (or one above) may. */
export async function createQuestionnaireTemplate({ db }: UseCaseContext, actor: Actor, body: z.infer<typeof CreateQuestionnaireTemplateBody>) {
  const latest = await db.questionnaireTemplate.findFirst({ where: { code: body.code }, orderBy: { version: 'desc' }, include: { office: true } });
  if (latest && !isUnder(latest.office.path, actor.office!.path)) throw conflict(ErrorCode.TemplateOwned, `questionnaire template ${body.code} belongs to another office`);
  const version = (latest?.version ?? 0) + 1;
  const created = await uniquely(`questionnaire template ${body.code} version ${version}`, () =>
    db.questionnaireTemplate.create({ data: { code: body.code, version, title: body.title, questions: body.questions, officeId: actor.office!.id }, include: { office: { select: { code: true } } } }),
  );
  return templateView(created);
}

export async function listQuestionnaireTemplates({ db }: UseCaseContext, actor: Actor) {
  const rows = await db.questionnaireTemplate.findMany({ where: catalogueWhere(actor), include: { office: { select: { code: true } } }, orderBy: [{ code: 'asc' }, { version: 'desc' }] });
  return rows.filter((t, i) => i === 0 || rows[i - 1].code !== t.code).map(templateView);
}

export async function myQuestionnaires({ db }: UseCaseContext, actor: Actor) {
  const windows = await db.questionnaireWindow.findMany({
    where: { round: { units: { some: { unitId: actor.observer!.unitId } } }, openedAt: { not: null }, closedAt: null, closesAt: { gt: new Date() } },
    include: { template: true, round: { select: { id: true, title: true } }, responses: { where: { observerId: actor.observer!.id }, select: { id: true } } },
    orderBy: { closesAt: 'asc' },
  });
  return windows.map((w) => ({ ...windowView(w), questions: w.template.questions, answered: w.responses.length > 0 }));
}

export async function myNotifications({ db }: UseCaseContext, actor: Actor) {
  const rows = await db.notification.findMany({ where: { observerId: actor.observer!.id }, orderBy: { createdAt: 'desc' }, take: 200 });
  return rows.map((n) => ({ id: n.id, kind: n.kind, createdAt: n.createdAt.toISOString(), data: n.payload }));
}

/** One response per observer per window, while the window is open. */
export async function respond({ db }: UseCaseContext, actor: Actor, windowId: string, body: z.infer<typeof SubmitResponseBody>) {
  const window = await visibleWindow(db, actor, windowId);
  const state = windowState(window);
  if (state === 'closed') throw gone(ErrorCode.WindowClosed, 'the questionnaire window has closed');
  if (state === 'scheduled') throw conflict(ErrorCode.WindowNotOpen, 'the questionnaire window has not opened yet');
  const problems = answerProblems(window.template.questions as unknown as Question[], body.answers);
  if (problems.length > 0) throw badRequest(`${problems.length} answer(s) do not fit the questionnaire`, problems.map(([id, message, code]) => ({ path: `answers.${id}`, message, in: 'body', code })));
  const response = await db.questionnaireResponse
    .create({ data: { windowId: window.id, observerId: actor.observer!.id, unitId: actor.observer!.unitId, answers: body.answers } })
    .catch((err: { code?: string }) => {
      if (err.code === 'P2002') throw conflict(ErrorCode.AlreadyAnswered, 'you have already answered this window');
      throw err;
    });
  return { responseId: response.id, windowId: window.id, submittedAt: response.submittedAt.toISOString() };
}

export async function roundWindows({ db }: UseCaseContext, actor: Actor, roundId: string) {
  const round = await visibleRound(db, actor, roundId);
  const windows = await db.questionnaireWindow.findMany({ where: { roundId: round.id }, include: { template: true, round: { select: { id: true, title: true } } }, orderBy: { seq: 'asc' } });
  return windows.map(windowView);
}

/** Individual answers: for offices, of observers in their subtree. */
export async function windowResponses({ db }: UseCaseContext, actor: Actor, windowId: string) {
  const window = await visibleWindow(db, actor, windowId);
  const rows = await db.questionnaireResponse.findMany({
    where: { AND: [responseWhere(actor), { windowId: window.id }] },
    include: { observer: { select: { code: true, name: true, role: true, unit: { select: { code: true } } } } },
    orderBy: { submittedAt: 'asc' },
  });
  return rows.map((r) => ({ responseId: r.id, observerCode: r.observer.code, observerName: r.observer.name, role: r.observer.role, unitCode: r.observer.unit.code, submittedAt: r.submittedAt.toISOString(), answers: r.answers }));
}

/**
 * Aggregates per unit. An office sees its subtree's rows, live. A unit sees its own row only
 * once the window has closed and at least the round's threshold of distinct observers answered,
 * and in it only the means of dimensions that many observers scored (`domain/confidentiality`).
 */
export async function windowSummary({ db, config }: UseCaseContext, actor: Actor, windowId: string) {
  const window = await visibleWindow(db, actor, windowId);
  const threshold = unitThreshold((window.round.spec as unknown as RoundSpec).minObserversForUnit, config.DUBAN_MIN_RESPONSES_FOR_UNIT);
  const rows = await windowAggregates(db, window.id, await visibleRoundUnitIds(db, actor, window.roundId));
  // Otherwise a unit gets no row at all: no count, no rate, no means.
  const visible = actor.office
    ? rows
    : rows
        .filter((r) => unitMayReadWindow(window, r.responses, threshold))
        .map((r) => {
          const means = shareableMeans(r.means, r.observersPerDimension, threshold);
          return { ...r, means, satisfactionIndex: means.satisfaction ?? null };
        });
  return {
    ...windowView(window),
    minResponsesForUnit: threshold,
    units: visible.map(({ unitId: _id, observersPerDimension: _counts, ...r }) => r),
  };
}

/** Units whose accepted tasks low observer ratings contradict: for offices, a warning, not a score. */
export async function roundContradictions({ db }: UseCaseContext, actor: Actor, roundId: string) {
  const round = await visibleRound(db, actor, roundId);
  return contradictionsOf(db, round.id, await visibleRoundUnitIds(db, actor, round.id));
}
