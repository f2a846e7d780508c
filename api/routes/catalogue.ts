import { CreateTaskTemplateBody, TaskTemplateView } from '../../domain/schemas/catalogue';
import { z } from '../../domain/schemas/common';
import type { Db } from '../../src/db';
import { catalogueWhere } from '../../store/visibility';
import type { Routes } from '../route';
import { uniquely } from './directory';


export function catalogueRoutes(routes: Routes, { db }: { db: Db }) {
  routes
    .add({
      method: 'post', path: '/task-templates', summary: 'Add a task template to the catalogue', tags: ['Catalogue'], roles: ['office'], body: CreateTaskTemplateBody, status: 201, response: TaskTemplateView, errors: [409],
      handler: async ({ body, principal }) => {
        await uniquely(`task template ${body.code}`, () => db.taskTemplate.create({ data: { ...body, description: body.description ?? null, officeId: principal.office!.id } }));
        return { ...body, description: body.description ?? null, officeCode: principal.office!.code };
      },
    })
    .add({
      method: 'get', path: '/task-templates', summary: 'Task templates you can use: your own, your subtree\'s and those of offices above you', tags: ['Catalogue'], roles: ['office'], response: z.array(TaskTemplateView),
      handler: async ({ principal }) => {
        const templates = await db.taskTemplate.findMany({ where: catalogueWhere(principal), include: { office: { select: { code: true } } }, orderBy: { code: 'asc' } });
        return templates.map(({ id: _id, officeId: _o, createdAt: _c, office, ...t }) => ({ ...t, officeCode: office.code }));
      },
    });
}
