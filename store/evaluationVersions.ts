import type { Prisma } from '../generated/prisma/client';
import type { Db } from '../src/db';

export interface DiffEntry {
  unitCode: string;
  total: [number | null, number];
  grade: [string | null, string];
  rank: [number | null, number];
}

export interface EvaluationVersionSummary {
  version: number;
  status: 'provisional' | 'final';
  createdAt: string;
  reason: string | null;
  actor: string | null;
  /** Null for a first version, which has nothing to differ from. */
  diff: DiffEntry[] | null;
}

/**
 * Every stored version of a round's evaluation, oldest first. Each diff keeps only the units
 * `visibleUnits` selects, so no caller learns how units outside its scope moved.
 */
export async function listEvaluationVersions(db: Db, roundId: string, visibleUnits: Prisma.UnitWhereInput): Promise<EvaluationVersionSummary[]> {
  const versions = await db.evaluation.findMany({
    where: { roundId },
    orderBy: { version: 'asc' },
    select: { version: true, status: true, createdAt: true, reason: true, actor: true, diff: true },
  });
  const diffs = versions.map((v) => (Array.isArray(v.diff) ? (v.diff as unknown as DiffEntry[]) : null));
  const codes = [...new Set(diffs.flatMap((d) => d ?? []).map((e) => e.unitCode))];
  const visible = codes.length
    ? new Set((await db.unit.findMany({ where: { AND: [{ code: { in: codes } }, visibleUnits] }, select: { code: true } })).map((u) => u.code))
    : new Set<string>();
  return versions.map((v, i) => ({
    version: v.version,
    status: v.status,
    createdAt: v.createdAt.toISOString(),
    reason: v.reason,
    actor: v.actor,
    diff: diffs[i] && diffs[i].filter((e) => visible.has(e.unitCode)),
  }));
}
