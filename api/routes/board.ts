import { readCalendarFile } from '../../activities/calendar';
import { BoardQuery, BoardView, OfficeBoardView, RoundProgressView } from '../../domain/schemas/board';
import { Code, IdParams, Page, z } from '../../domain/schemas/common';
import { DOCX_TYPE } from '../../documents/docx';
import { liveCalendars } from '../../store/calendars';
import { getBoard, getOfficeBoard } from '../../usecases/board';
import { roundProgress } from '../../usecases/roundProgress';
import type { UseCaseContext } from '../../usecases/context';
import { bulletin, notice } from '../../usecases/documents';
import { unitSubmissions } from '../../usecases/unitSubmissions';
import type { ApiServices, Routes } from '../route';

export function boardRoutes(routes: Routes, ctx: UseCaseContext, { boards: source }: ApiServices) {
  const calendars = liveCalendars(ctx.db, readCalendarFile(ctx.config.DUBAN_CALENDAR_FILE));
  routes
    .add({
      method: 'get', path: '/rounds/{id}/board', summary: 'The supervision board: every unit of your subtree in the round with its light, worst first', tags: ['Board'], roles: ['office'],
      params: IdParams, query: BoardQuery, response: BoardView,
      handler: ({ params, query, principal, lap }) => getBoard(ctx.db, calendars, principal, params.id, query, source, lap),
    })
    .add({
      method: 'get', path: '/rounds/{id}/board/offices', summary: 'The board\'s lights rolled up per office of your subtree, worst first', tags: ['Board'], roles: ['office'],
      params: IdParams, query: BoardQuery, response: OfficeBoardView,
      handler: ({ params, query, principal, lap }) => getOfficeBoard(ctx.db, calendars, principal, params.id, query, source, lap),
    })
    .add({
      method: 'get', path: '/rounds/{id}/progress', summary: 'Completion over the round\'s life in your subtree: tasks submitted and accepted by the end of each day', tags: ['Board'], roles: ['office'],
      params: IdParams, response: RoundProgressView,
      handler: ({ params, principal }) => roundProgress(ctx.db, principal, params.id),
    })
    .add({
      method: 'get', path: '/rounds/{id}/submissions', summary: 'Every submission of one unit of your subtree in the round, newest first, with its evidence and review', tags: ['Board'], roles: ['office'],
      params: IdParams, query: Page.extend({ unitCode: Code }),
      handler: ({ params, query, principal }) => unitSubmissions(ctx.db, principal, params.id, query),
    })
    .add({
      method: 'get', path: '/rounds/{id}/bulletin.docx', tags: ['Documents'], roles: ['office'], params: IdParams, produces: DOCX_TYPE,
      summary: '督查通报 of the round as far as your subtree reaches: completion by office, every unit with its light, the red list, escalations, the grades when closed',
      handler: async ({ params, principal, res }) => {
        const doc = await bulletin(ctx, calendars, principal, params.id);
        res.type(DOCX_TYPE).attachment(doc.filename).send(doc.body);
      },
    })
    .add({
      method: 'get', path: '/rounds/{id}/units/{code}/notice.docx', tags: ['Documents'], roles: ['office'], params: z.object({ id: IdParams.shape.id, code: Code }), produces: DOCX_TYPE,
      summary: '督办单 for one unit of your subtree: its overdue and returned tasks with due dates, the issuing office and date',
      handler: async ({ params, principal, res }) => {
        const doc = await notice(ctx, principal, params.id, params.code);
        res.type(DOCX_TYPE).attachment(doc.filename).send(doc.body);
      },
    });
}
