import { CalendarView, CalendarYearParams, PublishCalendarBody } from '../../domain/schemas/calendar';
import { calendarYear, publishCalendar } from '../../usecases/calendar';
import type { UseCaseContext } from '../../usecases/context';
import type { Routes } from '../route';

export function calendarRoutes(routes: Routes, ctx: UseCaseContext) {
  routes
    .add({
      method: 'get', path: '/calendar/{year}', summary: 'A year\'s working-day calendar: statutory holidays and make-up working days, and where they come from', tags: ['Calendar'],
      roles: ['office', 'unit'], params: CalendarYearParams, response: CalendarView,
      handler: ({ params }) => calendarYear(ctx, params.year),
    })
    .add({
      method: 'put', path: '/calendar/{year}', summary: 'Publish a year\'s statutory schedule (root office); open tasks planned on a provisional calendar are planned again on it', tags: ['Calendar'],
      roles: ['office'], act: 'admin', params: CalendarYearParams, body: PublishCalendarBody, response: CalendarView,
      handler: ({ params, body, principal }) => publishCalendar(ctx, principal, params.year, body),
    });
}
