import type { Prisma } from '../generated/prisma/client';

/** Whoever is looking: an office sees its subtree, a unit itself, an observer no units. */
export interface Viewer {
  office?: { id: string; path: string };
  unit?: { id: string };
}

export function unitWhere(v: Viewer): Prisma.UnitWhereInput {
  if (v.office) return { office: { path: { startsWith: v.office.path } } };
  if (v.unit) return { id: v.unit.id };
  return { id: { in: [] } };
}

/** Offices on the viewer's path up to the root, and every office below it, share catalogues. */
export function catalogueWhere(v: Viewer): { office: Prisma.OfficeWhereInput } {
  const path = v.office!.path;
  return { office: { OR: [{ path: { startsWith: path } }, { code: { in: path.split('/').filter(Boolean) } }] } };
}
