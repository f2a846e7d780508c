import { groupBy } from '../domain/collections';
import { dimensionMeans, type Question } from '../domain/questionnaire';
import type { Db } from '../src/db';

/** Each unit's satisfaction index over every questionnaire window of a round; absent without answers. */
export async function satisfactionByUnit(db: Db, roundId: string): Promise<Map<string, { index: number; responses: number; windows: number }>> {
  const windows = await db.questionnaireWindow.findMany({ where: { roundId }, select: { id: true, template: { select: { questions: true } } } });
  if (windows.length === 0) return new Map();
  const questionsOf = new Map(windows.map((w) => [w.id, w.template.questions as unknown as Question[]]));
  const responses = await db.questionnaireResponse.findMany({ where: { windowId: { in: [...questionsOf.keys()] } }, select: { windowId: true, unitId: true, answers: true } });
  const result = new Map<string, { index: number; responses: number; windows: number }>();
  for (const [unitId, rows] of groupBy(responses, (r) => r.unitId)) {
    const perWindow = [...groupBy(rows, (r) => r.windowId)]
      .map(([windowId, rs]) => dimensionMeans(questionsOf.get(windowId)!, rs.map((r) => r.answers as Record<string, unknown>)).satisfaction)
      .filter((x): x is number => x !== undefined);
    if (perWindow.length === 0) continue;
    const index = Math.round((perWindow.reduce((s, x) => s + x, 0) / perWindow.length) * 100) / 100;
    result.set(unitId, { index, responses: rows.length, windows: perWindow.length });
  }
  return result;
}
