import { Prisma } from '../../generated/prisma/client';
import { CreateObserverBody, CreateOfficeBody, CreateTokenBody, CreateUnitBody, ListObserversQuery, ListUnitsQuery, ObserverView, OfficeView, TokenView, UnitView } from '../../domain/schemas/directory';
import { z } from '../../domain/schemas/common';
import { OFFICE_LEVELS } from '../../domain/vocabulary';
import type { Db } from '../../src/db';
import { mintToken, type Principal } from '../auth';
import { badRequest, conflict, forbidden, notFound } from '../problem';
import type { Routes } from '../route';
import { officePath, unitWhere, visibleOffice, visibleUnit } from '../scope';

/** Turns a unique-key violation into 409 naming the field. */
export async function uniquely<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw conflict(`${what} already exists`);
    throw err;
  }
}

const officeView = (o: { code: string; name: string; level: (typeof OFFICE_LEVELS)[number]; parent?: { code: string } | null }) => ({ code: o.code, name: o.name, level: o.level, parentCode: o.parent?.code ?? null });

export function directoryRoutes(routes: Routes, { db }: { db: Db }) {
  routes
    .add({
      method: 'post', path: '/offices', summary: 'Add an office below one in your subtree', tags: ['Directory'], roles: ['office'], body: CreateOfficeBody, status: 201, response: OfficeView, errors: [409],
      handler: async ({ body, principal }) => {
        const parent = await visibleOffice(db, principal, body.parentCode ?? principal.office!.code);
        if (OFFICE_LEVELS.indexOf(body.level) <= OFFICE_LEVELS.indexOf(parent.level)) {
          throw badRequest('an office must sit below its parent', [{ path: 'level', message: `must be below the parent's level (${parent.level})`, in: 'body' }]);
        }
        const office = await uniquely(`office ${body.code}`, () =>
          db.office.create({ data: { code: body.code, name: body.name, level: body.level, parentId: parent.id, path: `${parent.path}${body.code}/` }, include: { parent: true } }),
        );
        return officeView(office);
      },
    })
    .add({
      method: 'get', path: '/offices', summary: 'Offices in your subtree', tags: ['Directory'], roles: ['office'], response: z.array(OfficeView),
      handler: async ({ principal }) => {
        const offices = await db.office.findMany({ where: { path: { startsWith: officePath(principal) } }, include: { parent: true }, orderBy: { path: 'asc' } });
        return offices.map(officeView);
      },
    })
    .add({
      method: 'post', path: '/units', summary: 'Add a pilot unit to an office in your subtree', tags: ['Directory'], roles: ['office'], body: CreateUnitBody, status: 201, response: UnitView, errors: [409],
      handler: async ({ body, principal }) => {
        const office = await visibleOffice(db, principal, body.officeCode);
        await uniquely(`unit ${body.code}`, () => db.unit.create({ data: { code: body.code, name: body.name, kind: body.kind, officeId: office.id } }));
        return body;
      },
    })
    .add({
      method: 'get', path: '/units', summary: 'Pilot units in your subtree', tags: ['Directory'], roles: ['office'], query: ListUnitsQuery, response: z.array(UnitView),
      handler: async ({ query, principal }) => {
        const office = query.officeCode ? await visibleOffice(db, principal, query.officeCode) : null;
        const units = await db.unit.findMany({
          where: { AND: [unitWhere(principal), office ? { officeId: office.id } : {}] },
          include: { office: { select: { code: true } } },
          orderBy: { code: 'asc' },
        });
        return units.map((u) => ({ code: u.code, name: u.name, kind: u.kind, officeCode: u.office.code }));
      },
    })
    .add({
      method: 'post', path: '/observers', summary: 'Appoint a reform observer at a unit in your subtree', tags: ['Directory'], roles: ['office'], body: CreateObserverBody, status: 201, response: ObserverView, errors: [409],
      handler: async ({ body, principal }) => {
        const unit = await visibleUnit(db, principal, body.unitCode);
        await uniquely(`observer ${body.code}`, () => db.observer.create({ data: { code: body.code, name: body.name, role: body.role, unitId: unit.id } }));
        return body;
      },
    })
    .add({
      method: 'get', path: '/observers', summary: 'Reform observers in your subtree', tags: ['Directory'], roles: ['office'], query: ListObserversQuery, response: z.array(ObserverView),
      handler: async ({ query, principal }) => {
        const unit = query.unitCode ? await visibleUnit(db, principal, query.unitCode) : null;
        const observers = await db.observer.findMany({
          where: { unit: unitWhere(principal), ...(unit ? { unitId: unit.id } : {}) },
          include: { unit: { select: { code: true } } },
          orderBy: { code: 'asc' },
        });
        return observers.map((o) => ({ code: o.code, name: o.name, role: o.role, unitCode: o.unit.code }));
      },
    })
    .add({
      method: 'post', path: '/tokens', summary: 'Mint a token for a unit, an observer or an office below yours', tags: ['Directory'], roles: ['office'], body: CreateTokenBody, status: 201, response: TokenView,
      handler: async ({ body, principal }) => {
        const target = await tokenTarget(db, principal, body.kind, body.code);
        return { token: await mintToken(db, target, body.label ?? `minted by ${principal.actor}`), kind: body.kind, code: body.code };
      },
    });
}

async function tokenTarget(db: Db, principal: Principal, kind: 'office' | 'unit' | 'observer', code: string) {
  if (kind === 'unit') return { kind, id: (await visibleUnit(db, principal, code)).id };
  if (kind === 'observer') {
    const observer = await db.observer.findFirst({ where: { code, unit: unitWhere(principal) } });
    if (!observer) throw notFound(`observer ${code}`);
    return { kind, id: observer.id };
  }
  const office = await visibleOffice(db, principal, code);
  if (office.id === principal.office!.id) throw forbidden('an office may mint tokens only for offices below it');
  return { kind, id: office.id };
}
