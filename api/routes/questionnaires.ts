import { IdParams, z } from '../../domain/schemas/common';
import { CreateQuestionnaireTemplateBody, QuestionnaireTemplateView, SubmitResponseBody, WindowParams } from '../../domain/schemas/questionnaires';
import { answerProblems, type Question } from '../../domain/questionnaire';
import type { Config } from '../../src/config';
import type { Db } from '../../src/db';
import { roundContradictions, windowAggregates } from '../../store/questionnaires';
import type { Principal } from '../auth';
import { badRequest, conflict, gone, notFound } from '../problem';
import type { Routes } from '../route';
import { roundWhere, unitWhere, visibleRound } from '../scope';
import { catalogueWhere } from '../../store/visibility';
import { uniquely } from './directory';

type TemplateRow = { code: string; version: number; title: string; questions: unknown; office: { code: string } };
const templateView = (t: TemplateRow) => ({ code: t.code, version: t.version, title: t.title, questions: t.questions as Question[], officeCode: t.office.code });

export function questionnaireRoutes(routes: Routes, { db, config }: { db: Db; config: Config }) {
  /** A window of a round the caller may see; for an observer, a round that includes their unit. */
  const visibleWindow = async (principal: Principal, windowId: string) => {
    const round = principal.observer ? { units: { some: { unitId: principal.observer.unitId } } } : roundWhere(principal);
    const window = await db.questionnaireWindow.findFirst({ where: { id: windowId, round }, include: { template: true, round: { select: { id: true, title: true } } } });
    if (!window) throw notFound(`questionnaire window ${windowId}`);
    return window;
  };
  const windowView = (w: Awaited<ReturnType<typeof visibleWindow>>) => ({
    windowId: w.id,
    roundId: w.roundId,
    roundTitle: w.round.title,
    seq: w.seq,
    title: w.template.title,
    templateCode: w.template.code,
    templateVersion: w.template.version,
    opensAt: w.opensAt.toISOString(),
    closesAt: w.closesAt.toISOString(),
    state: w.closedAt || w.closesAt.getTime() <= Date.now() ? 'closed' : w.openedAt ? 'open' : 'scheduled',
  });

  routes
    .add({
      method: 'post', path: '/questionnaire-templates', summary: 'Add a questionnaire template, or a new version of one', tags: ['Questionnaires'], roles: ['office'],
      body: CreateQuestionnaireTemplateBody, status: 201, response: QuestionnaireTemplateView, errors: [409],
      handler: async ({ body, principal }) => {
        const latest = await db.questionnaireTemplate.findFirst({ where: { code: body.code }, orderBy: { version: 'desc' }, include: { office: true } });
        if (latest && !latest.office.path.startsWith(principal.office!.path)) throw conflict(`questionnaire template ${body.code} belongs to another office`);
        const created = await uniquely(`questionnaire template ${body.code} version ${(latest?.version ?? 0) + 1}`, () =>
          db.questionnaireTemplate.create({
            data: { code: body.code, version: (latest?.version ?? 0) + 1, title: body.title, questions: body.questions, officeId: principal.office!.id },
            include: { office: { select: { code: true } } },
          }),
        );
        return templateView(created);
      },
    })
    .add({
      method: 'get', path: '/questionnaire-templates', summary: 'The latest version of each questionnaire template you can use', tags: ['Questionnaires'], roles: ['office'],
      response: z.array(QuestionnaireTemplateView),
      handler: async ({ principal }) => {
        const rows = await db.questionnaireTemplate.findMany({ where: catalogueWhere(principal), include: { office: { select: { code: true } } }, orderBy: [{ code: 'asc' }, { version: 'desc' }] });
        return rows.filter((t, i) => i === 0 || rows[i - 1].code !== t.code).map(templateView);
      },
    })
    .add({
      method: 'get', path: '/me/questionnaires', summary: 'Questionnaire windows open to you, with their questions', tags: ['Questionnaires'], roles: ['observer'],
      handler: async ({ principal }) => {
        const now = new Date();
        const windows = await db.questionnaireWindow.findMany({
          where: { round: { units: { some: { unitId: principal.observer!.unitId } } }, openedAt: { not: null }, closedAt: null, closesAt: { gt: now } },
          include: { template: true, round: { select: { id: true, title: true } }, responses: { where: { observerId: principal.observer!.id }, select: { id: true } } },
          orderBy: { closesAt: 'asc' },
        });
        return windows.map((w) => ({ ...windowView(w), questions: w.template.questions, answered: w.responses.length > 0 }));
      },
    })
    .add({
      method: 'get', path: '/me/notifications', summary: 'Notices addressed to you (questionnaire opened, reminders)', tags: ['Questionnaires'], roles: ['observer'],
      handler: async ({ principal }) => {
        const rows = await db.notification.findMany({ where: { observerId: principal.observer!.id }, orderBy: { createdAt: 'desc' }, take: 200 });
        return rows.map((n) => ({ id: n.id, kind: n.kind, createdAt: n.createdAt.toISOString(), data: n.payload }));
      },
    })
    .add({
      method: 'post', path: '/questionnaires/{windowId}/responses', summary: 'Answer a questionnaire: once per window, while it is open', tags: ['Questionnaires'], roles: ['observer'],
      params: WindowParams, body: SubmitResponseBody, status: 201, errors: [409, 410],
      response: z.object({ responseId: z.string(), windowId: z.string(), submittedAt: z.string() }),
      handler: async ({ params, body, principal }) => {
        const window = await visibleWindow(principal, params.windowId);
        if (window.closedAt || window.closesAt.getTime() <= Date.now()) throw gone('the questionnaire window has closed');
        if (!window.openedAt) throw conflict('the questionnaire window has not opened yet');
        const problems = answerProblems(window.template.questions as unknown as Question[], body.answers);
        if (problems.length > 0) throw badRequest(`${problems.length} answer(s) do not fit the questionnaire`, problems.map(([id, message]) => ({ path: `answers.${id}`, message, in: 'body' })));
        const response = await db.questionnaireResponse
          .create({ data: { windowId: window.id, observerId: principal.observer!.id, unitId: principal.observer!.unitId, answers: body.answers } })
          .catch((err: { code?: string }) => {
            if (err.code === 'P2002') throw conflict('you have already answered this window');
            throw err;
          });
        return { responseId: response.id, windowId: window.id, submittedAt: response.submittedAt.toISOString() };
      },
    })
    .add({
      method: 'get', path: '/rounds/{id}/questionnaires', summary: 'The questionnaire windows of a round', tags: ['Questionnaires'], roles: ['office'], params: IdParams,
      handler: async ({ params, principal }) => {
        const round = await visibleRound(db, principal, params.id);
        const windows = await db.questionnaireWindow.findMany({ where: { roundId: round.id }, include: { template: true, round: { select: { id: true, title: true } } }, orderBy: { seq: 'asc' } });
        return windows.map(windowView);
      },
    })
    .add({
      method: 'get', path: '/questionnaires/{windowId}/responses', summary: 'Individual answers of observers in your subtree (offices only)', tags: ['Questionnaires'], roles: ['office'],
      params: WindowParams,
      handler: async ({ params, principal }) => {
        const window = await visibleWindow(principal, params.windowId);
        const rows = await db.questionnaireResponse.findMany({
          where: { windowId: window.id, observer: { unit: unitWhere(principal) } },
          include: { observer: { select: { code: true, name: true, role: true, unit: { select: { code: true } } } } },
          orderBy: { submittedAt: 'asc' },
        });
        return rows.map((r) => ({ responseId: r.id, observerCode: r.observer.code, observerName: r.observer.name, role: r.observer.role, unitCode: r.observer.unit.code, submittedAt: r.submittedAt.toISOString(), answers: r.answers }));
      },
    })
    .add({
      method: 'get', path: '/questionnaires/{windowId}/summary', summary: 'Aggregates per unit and dimension; a unit sees its own row only once enough observers answered', tags: ['Questionnaires'], roles: ['office', 'unit'],
      params: WindowParams,
      handler: async ({ params, principal }) => {
        const window = await visibleWindow(principal, params.windowId);
        const unitIds = (await db.roundUnit.findMany({ where: { roundId: window.roundId, unit: unitWhere(principal) }, select: { unitId: true } })).map((r) => r.unitId);
        const rows = await windowAggregates(db, window.id, unitIds);
        // Below the threshold a unit gets no row at all: no count, no rate, no means.
        const visible = principal.office ? rows : rows.filter((r) => r.responses >= config.DUBAN_MIN_RESPONSES_FOR_UNIT);
        return {
          ...windowView(window),
          minResponsesForUnit: config.DUBAN_MIN_RESPONSES_FOR_UNIT,
          units: visible.map(({ unitId: _id, ...r }) => r),
        };
      },
    })
    .add({
      method: 'get', path: '/rounds/{id}/contradictions', summary: 'Units whose accepted tasks are contradicted by low observer ratings in the matching dimension (a warning, not a score)', tags: ['Questionnaires'],
      roles: ['office'], params: IdParams,
      handler: async ({ params, principal }) => {
        const round = await visibleRound(db, principal, params.id);
        const unitIds = (await db.roundUnit.findMany({ where: { roundId: round.id, unit: unitWhere(principal) }, select: { unitId: true } })).map((r) => r.unitId);
        return roundContradictions(db, round.id, unitIds);
      },
    });
}
