import { CreateTaskTemplateBody, TaskTemplateView } from '../../domain/schemas/catalogue';
import {
  CatalogueParams, CatalogueVersionView, CatalogueView, CreateCatalogueBody, CrosswalkReply, PublishVersionBody, ResultsQuery, TrendQuery, TrendView, VersionParams,
} from '../../domain/schemas/catalogues';
import { z } from '../../domain/schemas/common';
import { UnitCodeParams } from '../../domain/schemas/evaluation';
import { createTaskTemplate, listTaskTemplates } from '../../usecases/catalogue';
import { catalogueResults, unitTrend } from '../../usecases/catalogueTrend';
import { createCatalogue, getCrosswalk, getVersion, listCatalogues, publishVersion } from '../../usecases/catalogues';
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
    })
    .add({
      method: 'post', path: '/catalogues', summary: 'Start a versioned catalogue (programmes → measures → policy points)', tags: ['Catalogue'], roles: ['office'], act: 'admin', body: CreateCatalogueBody, status: 201, response: CatalogueView, errors: [409],
      handler: ({ body, principal }) => createCatalogue(ctx, principal, body),
    })
    .add({
      method: 'get', path: '/catalogues', summary: 'Catalogues you can use (your own, your subtree\'s and those of offices above you) with their versions', tags: ['Catalogue'], roles: ['office'], response: z.array(CatalogueView),
      handler: ({ principal }) => listCatalogues(ctx, principal),
    })
    .add({
      method: 'post', path: '/catalogues/{code}/versions', tags: ['Catalogue'], roles: ['office'], act: 'admin', params: CatalogueParams, body: PublishVersionBody, status: 201, response: CatalogueVersionView, errors: [409],
      summary: 'Publish a whole version; after the first, with the crosswalk from the version before (an item left out whose code survives is `same`). Versions never change',
      handler: ({ params, body, principal }) => publishVersion(ctx, principal, params.code, body),
    })
    .add({
      method: 'get', path: '/catalogues/{code}/versions/{version}', summary: 'One version: its items in order, their tasks, and the crosswalk from the version before', tags: ['Catalogue'], roles: ['office'],
      params: VersionParams, response: CatalogueVersionView,
      handler: ({ params, principal }) => getVersion(ctx, principal, params.code, params.version),
    })
    .add({
      method: 'get', path: '/catalogues/{code}/versions/{version}/crosswalk', summary: 'What became of each item of the version before in this one', tags: ['Catalogue'], roles: ['office'],
      params: VersionParams, response: CrosswalkReply,
      handler: ({ params, principal }) => getCrosswalk(ctx, principal, params.code, params.version),
    })
    .add({
      method: 'get', path: '/catalogues/{code}/results', tags: ['Catalogue'], roles: ['office'], params: CatalogueParams, query: ResultsQuery, response: TrendView,
      summary: 'Results of your subtree\'s units across rounds pinned to any version, per item of one version (the latest by default), compared through the crosswalks',
      handler: ({ params, query, principal }) => catalogueResults(ctx, principal, params.code, query),
    })
    .add({
      method: 'get', path: '/units/{code}/trend', tags: ['Evaluation'], roles: ['office', 'unit'], params: UnitCodeParams, query: TrendQuery, response: TrendView,
      summary: 'A unit\'s results per catalogue item across rounds pinned to any version of the catalogue, read into one version (the latest by default) through the crosswalks',
      handler: ({ params, query, principal }) => unitTrend(ctx, principal, params.code, query),
    });
}
