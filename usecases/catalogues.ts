import { catalogueWhere, governs, visibleCatalogue } from '../access/visibility';
import { badRequest, forbidden, notFound } from '../api/problem';
import { resolveCrosswalk, treeProblems, type Change, type ItemLevel } from '../domain/crosswalk';
import type { CreateCatalogueBody, PublishVersionBody } from '../domain/schemas/catalogues';
import type { Db } from '../src/db';
import type { Actor, UseCaseContext } from './context';
import { uniquely } from './directory';

/** The task template a policy point issues as; "/" appears in no code, so this names one point of one version. */
export const pointTemplateCode = (catalogue: string, version: string, item: string) => `${catalogue}/${version}/${item}`;

export async function createCatalogue({ db }: UseCaseContext, actor: Actor, body: CreateCatalogueBody) {
  const c = await uniquely(`catalogue ${body.code}`, () => db.catalogue.create({ data: { code: body.code, title: body.title, officeId: actor.office!.id, createdBy: actor.actor } }));
  return { code: c.code, title: c.title, officeCode: actor.office!.code, createdAt: c.createdAt.toISOString(), versions: [] };
}

export async function listCatalogues({ db }: UseCaseContext, actor: Actor) {
  const catalogues = await db.catalogue.findMany({
    where: catalogueWhere(actor),
    include: { office: { select: { code: true } }, versions: { orderBy: { seq: 'asc' }, include: { _count: { select: { items: true } } } } },
    orderBy: { code: 'asc' },
  });
  return catalogues.map((c) => ({
    code: c.code, title: c.title, officeCode: c.office.code, createdAt: c.createdAt.toISOString(),
    versions: c.versions.map((v) => ({ version: v.version, seq: v.seq, title: v.title, publishedAt: v.publishedAt.toISOString(), items: v._count.items })),
  }));
}

/**
 * Publishes a whole version. The tree must be well formed and, after the first version, the
 * crosswalk must account for every item of the version before; each policy point with a task
 * becomes a task template rounds pinned to this version issue. Written in one transaction.
 */
export async function publishVersion({ db }: UseCaseContext, actor: Actor, code: string, body: PublishVersionBody) {
  const catalogue = await visibleCatalogue(db, actor, code);
  if (!governs(actor, catalogue.office.path)) throw forbidden('only the office that owns the catalogue, or one above it, may publish its versions');
  const previous = await db.catalogueVersion.findFirst({ where: { catalogueId: catalogue.id }, orderBy: { seq: 'desc' }, include: { items: { select: { code: true } } } });
  const problems = treeProblems(body.items.map((i) => ({ code: i.code, level: i.level, parentCode: i.parentCode, hasTask: !!i.task })));
  let entries: { from: string; to: string[]; change: Change; stated: boolean }[] = [];
  if (!previous) {
    if (body.crosswalk && body.crosswalk.length > 0) problems.push({ path: 'crosswalk', message: 'the first version of a catalogue has no previous version to map from', in: 'body', code: 'unexpected' });
  } else if (problems.length === 0) {
    const given = body.crosswalk ?? [];
    const resolved = resolveCrosswalk(previous.items.map((i) => i.code), body.items.map((i) => i.code), given);
    problems.push(...resolved.problems);
    entries = resolved.entries.map((e, i) => ({ ...e, stated: i < given.length }));
  }
  if (problems.length > 0) throw badRequest(`${problems.length} problem(s) with the version`, problems.slice(0, 100));

  const version = await uniquely(`version ${body.version} of ${catalogue.code}`, () =>
    db.$transaction(async (tx) => {
      const v = await tx.catalogueVersion.create({ data: { catalogueId: catalogue.id, version: body.version, seq: (previous?.seq ?? 0) + 1, title: body.title ?? null, publishedBy: actor.actor } });
      const points = body.items.filter((i) => i.task);
      const templates = await tx.taskTemplate.createManyAndReturn({
        data: points.map((i) => ({ ...i.task!, description: i.task!.description ?? null, code: pointTemplateCode(catalogue.code, body.version, i.code), title: i.title, officeId: catalogue.officeId })),
        select: { id: true, code: true },
      });
      const templateOf = new Map(templates.map((t) => [t.code, t.id]));
      await tx.catalogueItem.createMany({
        data: body.items.map((i, position) => ({
          versionId: v.id, code: i.code, level: i.level, parentCode: i.parentCode ?? null, title: i.title, position,
          templateId: templateOf.get(pointTemplateCode(catalogue.code, body.version, i.code)) ?? null,
        })),
      });
      await tx.crosswalkEntry.createMany({ data: entries.map((e) => ({ versionId: v.id, fromCode: e.from, toCodes: e.to, change: e.change, stated: e.stated })) });
      return v;
    }),
  );
  return versionView(db, catalogue.code, version.id);
}

async function findVersion(db: Db, actor: Actor, code: string, label: string) {
  const catalogue = await visibleCatalogue(db, actor, code);
  const version = await db.catalogueVersion.findUnique({ where: { catalogueId_version: { catalogueId: catalogue.id, version: label } } });
  if (!version) throw notFound('catalogue version');
  return { catalogue, version };
}

const crosswalkView = (e: { fromCode: string; toCodes: string[]; change: string; stated: boolean }) => ({ from: e.fromCode, to: e.toCodes, change: e.change as Change, stated: e.stated });

async function versionView(db: Db, catalogueCode: string, versionId: string) {
  const v = await db.catalogueVersion.findUniqueOrThrow({
    where: { id: versionId },
    include: { items: { orderBy: { position: 'asc' }, include: { template: true } }, crosswalk: { orderBy: { fromCode: 'asc' } } },
  });
  const previous = await db.catalogueVersion.findUnique({ where: { catalogueId_seq: { catalogueId: v.catalogueId, seq: v.seq - 1 } }, select: { version: true } });
  return {
    catalogueCode, version: v.version, seq: v.seq, title: v.title, previousVersion: previous?.version ?? null, publishedAt: v.publishedAt.toISOString(), publishedBy: v.publishedBy,
    items: v.items.map((i) => ({
      code: i.code, level: i.level as ItemLevel, parentCode: i.parentCode, title: i.title,
      task: i.template && { templateCode: i.template.code, category: i.template.category, description: i.template.description, evidence: i.template.evidence as never, weight: i.template.weight, dueWorkingDays: i.template.dueWorkingDays },
    })),
    crosswalk: v.crosswalk.map(crosswalkView),
  };
}

export async function getVersion({ db }: UseCaseContext, actor: Actor, code: string, label: string) {
  const { catalogue, version } = await findVersion(db, actor, code, label);
  return versionView(db, catalogue.code, version.id);
}

export async function getCrosswalk(ctx: UseCaseContext, actor: Actor, code: string, label: string) {
  const v = await getVersion(ctx, actor, code, label);
  return { catalogueCode: v.catalogueCode, version: v.version, previousVersion: v.previousVersion, entries: v.crosswalk };
}

/** The catalogue version each round was launched with, by version id. */
export async function catalogueVersionsOf(db: Db, rounds: { catalogueVersionId: string | null }[]) {
  const ids = [...new Set(rounds.flatMap((r) => (r.catalogueVersionId ? [r.catalogueVersionId] : [])))];
  const versions = ids.length === 0 ? [] : await db.catalogueVersion.findMany({ where: { id: { in: ids } }, select: { id: true, version: true, catalogue: { select: { code: true } } } });
  return new Map(versions.map((v) => [v.id, { code: v.catalogue.code, version: v.version }]));
}

/** In a round pinned to a catalogue version, a task code names a policy point: the template it issues as. */
export async function pointTemplateOf(db: Db, versionId: string, itemCode: string): Promise<string | null> {
  const item = await db.catalogueItem.findUnique({ where: { versionId_code: { versionId, code: itemCode } }, select: { template: { select: { code: true } } } });
  return item?.template?.code ?? null;
}
