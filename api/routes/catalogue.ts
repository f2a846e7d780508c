import { CreateTaskTemplateBody, TaskTemplateView } from '../../domain/schemas/catalogue';
import { z } from '../../domain/schemas/common';
import { createTaskTemplate, listTaskTemplates } from '../../usecases/catalogue';
import type { UseCaseContext } from '../../usecases/context';
import type { Routes } from '../route';

export function catalogueRoutes(routes: Routes, ctx: UseCaseContext) {
  routes
    .add({
      method: 'post', path: '/task-templates', summary: 'Add a task template to the catalogue', tags: ['Catalogue'], roles: ['office'], act: 'admin', body: CreateTaskTemplateBody, status: 201, response: TaskTemplateView, errors: [409],
      handler: ({ body, principal }) => createTaskTemplate(ctx, principal, body),
    })
    .add({
      method: 'get', path: '/task-templates', summary: 'Task templates you can use: your own, your subtree\'s and those of offices above you', tags: ['Catalogue'], roles: ['office'], response: z.array(TaskTemplateView),
      handler: ({ principal }) => listTaskTemplates(ctx, principal),
    });
}
