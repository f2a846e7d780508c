import { parseArgs } from 'node:util';
import { mintToken } from '../api/auth';
import { Code } from '../domain/schemas/common';
import { createDb, type Db } from '../src/db';
import { loadDemo } from './demo';
import { withDatabase } from './localDb';

const USAGE = `usage:
  npm run cli -- init --office <code> --name <name>     create a root office if missing; prints its token last
  npm run cli -- token --office|--unit|--observer <code> mint a token for an existing principal; prints it last
  npm run cli -- demo                                    load the demo dataset (idempotent); prints its tokens`;

async function principalId(db: Db, kind: 'office' | 'unit' | 'observer', code: string): Promise<string> {
  const row =
    kind === 'office' ? await db.office.findUnique({ where: { code } }) : kind === 'unit' ? await db.unit.findUnique({ where: { code } }) : await db.observer.findUnique({ where: { code } });
  if (!row) throw new Error(`no ${kind} with code ${code}`);
  return row.id;
}

async function run(command: string | undefined, args: string[], db: Db): Promise<void> {
  const { values } = parseArgs({ args, options: { office: { type: 'string' }, unit: { type: 'string' }, observer: { type: 'string' }, name: { type: 'string' }, label: { type: 'string' } } });
  switch (command) {
    case 'init': {
      const code = Code.parse(values.office);
      if (!values.name) throw new Error('--name is required');
      const existing = await db.office.findUnique({ where: { code } });
      const office = existing ?? (await db.office.create({ data: { code, name: values.name, level: 'province', path: `/${code}/` } }));
      console.log(existing ? `office ${code} exists` : `created root office ${code} ${values.name}`);
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
