import { readCalendarFile } from '../../activities/calendar';
import { BoardQuery, BoardView, OfficeBoardView } from '../../domain/schemas/board';
import { IdParams } from '../../domain/schemas/common';
import { liveCalendars } from '../../store/calendars';
import { getBoard, getOfficeBoard } from '../../usecases/board';
import type { UseCaseContext } from '../../usecases/context';
import type { Routes } from '../route';

export function boardRoutes(routes: Routes, ctx: UseCaseContext) {
  const calendars = liveCalendars(ctx.db, readCalendarFile(ctx.config.DUBAN_CALENDAR_FILE));
  routes
    .add({
      method: 'get', path: '/rounds/{id}/board', summary: 'The supervision board: every unit of your subtree in the round with its light, worst first', tags: ['Board'], roles: ['office'],
      params: IdParams, query: BoardQuery, response: BoardView,
      handler: ({ params, query, principal }) => getBoard(ctx.db, calendars, principal, params.id, query),
    })
    .add({
      method: 'get', path: '/rounds/{id}/board/offices', summary: 'The board\'s lights rolled up per office of your subtree, worst first', tags: ['Board'], roles: ['office'],
      params: IdParams, query: BoardQuery, response: OfficeBoardView,
      handler: ({ params, query, principal }) => getOfficeBoard(ctx.db, calendars, principal, params.id, query),
    });
}
