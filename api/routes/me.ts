import { z } from '../../domain/schemas/common';
import { PRINCIPAL_KINDS } from '../../domain/vocabulary';
import type { Db } from '../../src/db';
import { unauthorized } from '../problem';
import type { Routes } from '../route';

export const MeView = z
  .object({
    kind: z.enum(PRINCIPAL_KINDS),
    code: z.string(),
    name: z.string(),
    officeCode: z.string().optional().openapi({ description: 'The office itself, or the office the unit (or the observer\'s unit) belongs to' }),
    unitCode: z.string().optional().openapi({ description: 'The unit itself, or the observer\'s unit' }),
    unitName: z.string().optional().openapi({ description: 'Observers only: the unit they observe' }),
  })
  .openapi('Me');

/** Who the token belongs to, so a page can show the right portal. */
export function meRoutes(routes: Routes, { db }: { db: Db }) {
  routes.add({
    method: 'get', path: '/me', summary: 'Who your token belongs to', tags: ['Directory'], roles: ['office', 'unit', 'observer'], response: MeView,
    handler: async ({ principal }): Promise<z.infer<typeof MeView>> => {
      if (principal.office) {
        const office = await db.office.findUniqueOrThrow({ where: { id: principal.office.id } });
        return { kind: 'office', code: office.code, name: office.name, officeCode: office.code };
      }
      if (principal.unit) {
        const unit = await db.unit.findUniqueOrThrow({ where: { id: principal.unit.id }, include: { office: { select: { code: true } } } });
        return { kind: 'unit', code: unit.code, name: unit.name, officeCode: unit.office.code, unitCode: unit.code };
      }
      if (principal.observer) {
        const observer = await db.observer.findUniqueOrThrow({ where: { id: principal.observer.id }, include: { unit: { include: { office: { select: { code: true } } } } } });
        return { kind: 'observer', code: observer.code, name: observer.name, officeCode: observer.unit.office.code, unitCode: observer.unit.code, unitName: observer.unit.name };
      }
      throw unauthorized();
    },
  });
}
