import { Prisma } from '../generated/prisma/client';
import { conflict } from '../api/problem';
import { ErrorCode } from '../domain/errors';
import type { CreateObserverBody, CreateOfficeBody, CreateUnitBody } from '../domain/schemas/directory';
import { OFFICE_LEVELS } from '../domain/vocabulary';
import { badRequest } from '../api/problem';
import { observerWhere, officeWhere, unitWhere, visibleOffice, visibleUnit } from '../access/visibility';
import type { Actor, UseCaseContext } from './context';

/** Turns a unique-key violation into 409 ALREADY_EXISTS naming what was taken. */
export async function uniquely<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw conflict(ErrorCode.AlreadyExists, `${what} already exists`);
    throw err;
  }
}

const officeView = (o: { code: string; name: string; level: (typeof OFFICE_LEVELS)[number]; parent?: { code: string } | null }) => ({ code: o.code, name: o.name, level: o.level, parentCode: o.parent?.code ?? null });

/** An office sits strictly below its parent's level (province → city → county → town). */
export async function createOffice({ db }: UseCaseContext, actor: Actor, body: CreateOfficeBody) {
  const parent = await visibleOffice(db, actor, body.parentCode ?? actor.office!.code);
  if (OFFICE_LEVELS.indexOf(body.level) <= OFFICE_LEVELS.indexOf(parent.level)) {
    throw badRequest('an office must sit below its parent', [{ path: 'level', message: `must be below the parent's level (${parent.level})`, in: 'body', code: 'level_not_below_parent' }]);
  }
  const office = await uniquely(`office ${body.code}`, () =>
    db.office.create({ data: { code: body.code, name: body.name, level: body.level, parentId: parent.id, path: `${parent.path}${body.code}/` }, include: { parent: true } }),
  );
  return officeView(office);
}

export async function listOffices({ db }: UseCaseContext, actor: Actor) {
  const offices = await db.office.findMany({ where: officeWhere(actor), include: { parent: true }, orderBy: { path: 'asc' } });
  return offices.map(officeView);
}

export async function createUnit({ db }: UseCaseContext, actor: Actor, body: CreateUnitBody) {
  const office = await visibleOffice(db, actor, body.officeCode);
  await uniquely(`unit ${body.code}`, () => db.unit.create({ data: { code: body.code, name: body.name, kind: body.kind, officeId: office.id } }));
  return body;
}

export async function listUnits({ db }: UseCaseContext, actor: Actor, query: { officeCode?: string }) {
  const office = query.officeCode ? await visibleOffice(db, actor, query.officeCode) : null;
  const units = await db.unit.findMany({
    where: { AND: [unitWhere(actor), office ? { officeId: office.id } : {}] },
    include: { office: { select: { code: true } } },
    orderBy: { code: 'asc' },
  });
  return units.map((u) => ({ code: u.code, name: u.name, kind: u.kind, officeCode: u.office.code }));
}

export async function createObserver({ db }: UseCaseContext, actor: Actor, body: CreateObserverBody) {
  const unit = await visibleUnit(db, actor, body.unitCode);
  await uniquely(`observer ${body.code}`, () => db.observer.create({ data: { code: body.code, name: body.name, role: body.role, unitId: unit.id } }));
  return body;
}

export async function listObservers({ db }: UseCaseContext, actor: Actor, query: { unitCode?: string }) {
  const unit = query.unitCode ? await visibleUnit(db, actor, query.unitCode) : null;
  const observers = await db.observer.findMany({
    where: { AND: [observerWhere(actor), unit ? { unitId: unit.id } : {}] },
    include: { unit: { select: { code: true } } },
    orderBy: { code: 'asc' },
  });
  return observers.map((o) => ({ code: o.code, name: o.name, role: o.role, unitCode: o.unit.code }));
}
