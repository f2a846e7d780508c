import { catalogueWhere } from '../access/visibility';
import type { CreateTaskTemplateBody } from '../domain/schemas/catalogue';
import type { Actor, UseCaseContext } from './context';
import { uniquely } from './directory';

export async function createTaskTemplate({ db }: UseCaseContext, actor: Actor, body: CreateTaskTemplateBody) {
  await uniquely(`task template ${body.code}`, () => db.taskTemplate.create({ data: { ...body, description: body.description ?? null, officeId: actor.office!.id } }));
  return { ...body, description: body.description ?? null, officeCode: actor.office!.code };
}

/** The office's own templates, its subtree's, and those of the offices above it; a catalogue version's points are listed with the version. */
export async function listTaskTemplates({ db }: UseCaseContext, actor: Actor) {
  const templates = await db.taskTemplate.findMany({ where: { ...catalogueWhere(actor), catalogueItem: { is: null } }, include: { office: { select: { code: true } } }, orderBy: { code: 'asc' } });
  return templates.map(({ id: _id, officeId: _o, createdAt: _c, office, ...t }) => ({ ...t, officeCode: office.code }));
}
