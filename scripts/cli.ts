import { parseArgs } from 'node:util';
import { mintToken } from '../api/auth';
import { Code } from '../domain/schemas/common';
import { Username } from '../domain/schemas/people';
import type { UseCaseContext } from '../usecases/context';
import { createPerson, reinvitePerson } from '../usecases/people';
import { createDb, type Db } from '../src/db';
import { loadDemo } from './demo';
import { withDatabase } from './localDb';

const USAGE = `usage:
  npm run cli -- init --office <code> --name <name> [--admin <username>]
                                                        create a root office if missing, and its first admin (default
                                                        <code>-admin) with an invitation link; prints the office token last
  npm run cli -- token --office|--unit|--observer <code> mint a token for an existing principal; prints it last
  npm run cli -- demo                                    load the demo dataset (idempotent); prints its people's sign-in details and its tokens`;

async function principalId(db: Db, kind: 'office' | 'unit' | 'observer', code: string): Promise<string> {
  const row =
    kind === 'office' ? await db.office.findUnique({ where: { code } }) : kind === 'unit' ? await db.unit.findUnique({ where: { code } }) : await db.observer.findUnique({ where: { code } });
  if (!row) throw new Error(`no ${kind} with code ${code}`);
  return row.id;
}

/** Where invitation links point: DUBAN_PUBLIC_URL, else the API's own address. */
const publicUrl = () => process.env.DUBAN_PUBLIC_URL ?? `http://${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? 3000}`;

/** The root office's first admin, with a fresh invitation link unless they have set a password already. */
async function firstAdmin(db: Db, office: { id: string; code: string; path: string }, username: string): Promise<string> {
  const name = Username.parse(username);
  const existing = await db.person.findUnique({ where: { username: name } });
  if (existing?.passwordHash) return `admin ${name} has a password already`;
  const actor = { kind: 'office' as const, office, actor: 'cli', capabilities: ['admin', 'supervisor'] as const };
  const ctx = { db, config: { DUBAN_PUBLIC_URL: publicUrl() } } as unknown as UseCaseContext;
  const invitation = existing
    ? await reinvitePerson(ctx, actor, existing.id, publicUrl())
    : await createPerson(ctx, actor, { name: `${office.code} 管理员`, username: name, role: 'admin' }, publicUrl());
  return `invitation for admin ${name} (valid until ${invitation.expiresAt}): ${invitation.invitationUrl}`;
}

async function run(command: string | undefined, args: string[], db: Db): Promise<void> {
  const { values } = parseArgs({ args, options: { office: { type: 'string' }, unit: { type: 'string' }, observer: { type: 'string' }, name: { type: 'string' }, label: { type: 'string' }, admin: { type: 'string' } } });
  switch (command) {
    case 'init': {
      const code = Code.parse(values.office);
      if (!values.name) throw new Error('--name is required');
      const existing = await db.office.findUnique({ where: { code } });
      const office = existing ?? (await db.office.create({ data: { code, name: values.name, level: 'province', path: `/${code}/` } }));
      console.log(existing ? `office ${code} exists` : `created root office ${code} ${values.name}`);
      const admin = await firstAdmin(db, office, values.admin ?? `${code}-admin`.toLowerCase());
      console.log(admin);
      console.log(await mintToken(db, { kind: 'office', id: office.id }, values.label ?? 'cli init'));
      return;
    }
    case 'token': {
      const kind = (['office', 'unit', 'observer'] as const).find((k) => values[k]);
      if (!kind) throw new Error('one of --office, --unit or --observer is required');
      const id = await principalId(db, kind, Code.parse(values[kind]));
      console.log(await mintToken(db, { kind, id }, values.label ?? 'cli token'));
      return;
    }
    case 'demo': {
      const demo = await loadDemo(db);
      for (const p of demo.people) console.log(`person ${p.username}\t${p.role} at ${p.at}\tpassword ${demo.password}`);
      for (const [who, token] of Object.entries(demo.tokens)) console.log(`${who}\t${token}`);
      return;
    }
    default:
      throw new Error(USAGE);
  }
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  await withDatabase(async (url) => {
    const db = createDb(url, 2);
    try {
      await run(command, args, db);
    } finally {
      await db.$disconnect();
    }
  });
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
