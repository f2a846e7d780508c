import { CHANGES, ITEM_LEVELS } from '../crosswalk';
import { TASK_STATUSES } from '../vocabulary';
import { Code, Name, text, z } from './common';
import { CreateTaskTemplateBody } from './catalogue';

/** Catalogue and item codes also name task templates as `<catalogue>/<version>/<item>`, so none holds a "/". */
export const VersionLabel = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, 'letters, digits, ".", "_" or "-", starting with a letter or digit, at most 32')
  .openapi({ example: '2025' });

export const CreateCatalogueBody = z
  .object({ code: Code.openapi({ example: 'js-cg' }), title: Name.openapi({ example: '江苏省产业工人队伍建设改革重点任务清单' }) })
  .strict()
  .openapi('CreateCatalogue');
export type CreateCatalogueBody = z.infer<typeof CreateCatalogueBody>;

const ItemTaskFields = CreateTaskTemplateBody.omit({ code: true, title: true });
const ItemTask = ItemTaskFields.openapi('CatalogueItemTask', {
  description: 'What a round issues for this policy point; its title is the item\'s',
});
// Built from the fields, not from the registered input schema: an extension of it would be `allOf` that
// reference, which no `null` satisfies, and a programme or measure has no task.
const ItemTaskView = ItemTaskFields.extend({ templateCode: z.string(), description: z.string().nullable() }).openapi('CatalogueItemTaskView', {
  description: 'What a round issues for this policy point, as published; null for a programme or a measure',
});

export const CatalogueItemInput = z
  .object({
    code: Code.openapi({ example: 'P1-M1-01' }),
    level: z.enum(ITEM_LEVELS),
    parentCode: Code.optional().openapi({ description: 'The measure of a point, the programme of a measure; a programme has none' }),
    title: Name.openapi({ example: '健全产业工人思想政治工作体系' }),
    task: ItemTask.optional(),
  })
  .strict()
  .openapi('CatalogueItemInput');

export const CrosswalkInput = z
  .object({
    from: Code.openapi({ description: 'An item code of the previous version' }),
    to: z.array(Code).max(200).default([]).openapi({ description: 'Item codes of this version; none for retired' }),
    change: z.enum(CHANGES),
  })
  .strict()
  .openapi('CrosswalkEntryInput');

export const PublishVersionBody = z
  .object({
    version: VersionLabel,
    title: text(200).optional(),
    items: z.array(CatalogueItemInput).min(1).max(5000),
    crosswalk: z
      .array(CrosswalkInput)
      .max(5000)
      .optional()
      .openapi({ description: 'What became of each item of the previous version; an item left out whose code survives is `same`. Not given for the first version.' }),
  })
  .strict()
  .openapi('PublishCatalogueVersion');
export type PublishVersionBody = z.infer<typeof PublishVersionBody>;

export const CatalogueParams = z.object({ code: Code });
export const VersionParams = z.object({ code: Code, version: VersionLabel });

export const VersionSummary = z.object({ version: z.string(), seq: z.number().int(), title: z.string().nullable(), publishedAt: z.string(), items: z.number().int() });

export const CatalogueView = z
  .object({ code: z.string(), title: z.string(), officeCode: z.string(), createdAt: z.string(), versions: z.array(VersionSummary) })
  .openapi('Catalogue');

export const CrosswalkView = z.object({ from: z.string(), to: z.array(z.string()), change: z.enum(CHANGES), stated: z.boolean() }).openapi('CrosswalkEntry');

export const CatalogueItemView = z
  .object({
    code: z.string(),
    level: z.enum(ITEM_LEVELS),
    parentCode: z.string().nullable(),
    title: z.string(),
    task: ItemTaskView.nullable(),
  })
  .openapi('CatalogueItem');

export const CatalogueVersionView = z
  .object({
    catalogueCode: z.string(),
    version: z.string(),
    seq: z.number().int(),
    title: z.string().nullable(),
    previousVersion: z.string().nullable(),
    publishedAt: z.string(),
    publishedBy: z.string(),
    items: z.array(CatalogueItemView),
    crosswalk: z.array(CrosswalkView),
  })
  .openapi('CatalogueVersion');

export const CrosswalkReply = z
  .object({ catalogueCode: z.string(), version: z.string(), previousVersion: z.string().nullable(), entries: z.array(CrosswalkView) })
  .openapi('Crosswalk');

export const CataloguePin = z.object({ code: Code, version: VersionLabel }).strict().openapi('CataloguePin', {
  description: 'The catalogue version the round is launched with; tasks may then name its policy points by itemCode',
});

export const TrendQuery = z.object({ catalogue: Code, version: VersionLabel.optional() });
export const ResultsQuery = z.object({ version: VersionLabel.optional() });

const COMPARABILITY = ['like-for-like', 'split', 'merged', 'noCounterpart'] as const;

const TrendPoint = z.object({
  roundId: z.string(),
  version: z.string(),
  comparable: z.enum(COMPARABILITY),
  counterparts: z.array(z.object({ code: z.string(), changes: z.array(z.enum(CHANGES)) })),
  score: z.number().nullable(),
  statuses: z.array(z.enum(TASK_STATUSES)).optional(),
  note: z.string().optional(),
});

export const TrendRound = z.object({ roundId: z.string(), title: z.string(), period: z.string(), version: z.string(), status: z.string(), launchedAt: z.string() });

export const TrendView = z
  .object({
    catalogueCode: z.string(),
    version: z.string(),
    unitCode: z.string().optional(),
    rounds: z.array(TrendRound),
    items: z.array(z.object({ code: z.string(), level: z.enum(ITEM_LEVELS), parentCode: z.string().nullable(), title: z.string(), results: z.array(TrendPoint) })),
    retired: z.array(z.object({ version: z.string(), code: z.string(), title: z.string(), results: z.array(TrendPoint) })),
  })
  .openapi('CatalogueTrend');
