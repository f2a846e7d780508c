import pg from 'pg';
import { loadDatamodel, type DmmfDatamodel, type DmmfField, type DmmfModel } from '../../scripts/stack/datamodel';
import { applyMigrations } from '../../scripts/stack/migrate';
import { createScratchDatabase, requireDatabaseUrl, type ScratchDatabase } from '../support/scratch-database';

// Postgres type names (pg_type.typname) that Prisma Migrate creates for each native type and each default.
const NATIVE_TYPES: Record<string, string> = {
  Uuid: 'uuid', Text: 'text', VarChar: 'varchar', Char: 'bpchar', Timestamptz: 'timestamptz', Timestamp: 'timestamp',
  Date: 'date', Time: 'time', Timetz: 'timetz', Json: 'json', JsonB: 'jsonb', Integer: 'int4', SmallInt: 'int2',
  BigInt: 'int8', DoublePrecision: 'float8', Real: 'float4', Decimal: 'numeric', Boolean: 'bool', ByteA: 'bytea',
};
const DEFAULT_TYPES: Record<string, string> = {
  String: 'text', Int: 'int4', BigInt: 'int8', Float: 'float8', Decimal: 'numeric', Boolean: 'bool',
  DateTime: 'timestamp', Json: 'jsonb', Bytes: 'bytea',
};
const FK_ACTIONS: Record<string, string> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };

interface Column { table: string; column: string; dataType: string; udt: string; nullable: boolean; precision: number | null }

let scratch: ScratchDatabase;
let dm: DmmfDatamodel;
let db: {
  tables: string[];
  columns: Column[];
  enums: Map<string, string[]>;
  indexes: string[];
  foreignKeys: string[];
};

const tableOf = (m: DmmfModel) => m.dbName ?? m.name;
const columnOf = (f: DmmfField) => f.dbName ?? f.name;
const modelNamed = (name: string) => dm.models.find((m) => m.name === name)!;
const columnsOf = (m: DmmfModel, fields: string[]) => fields.map((n) => columnOf(m.fields.find((f) => f.name === n)!));
const enumDbName = (name: string) => { const e = dm.enums.find((x) => x.name === name)!; return e.dbName ?? e.name; };

function expectedType(f: DmmfField): { udt: string; precision: number | null } {
  if (f.kind === 'enum') return { udt: enumDbName(f.type), precision: null };
  const udt = f.nativeType ? NATIVE_TYPES[f.nativeType[0]] ?? f.nativeType[0].toLowerCase() : DEFAULT_TYPES[f.type];
  const isTime = f.type === 'DateTime' && udt !== 'date';
  return { udt, precision: isTime ? Number(f.nativeType?.[1][0] ?? 3) : null };
}

async function introspect(url: string): Promise<typeof db> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async <T extends pg.QueryResultRow>(sql: string) => (await client.query<T>(sql)).rows;
    const tables = await q<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const columns = await q<Column>(`
      SELECT table_name AS "table", column_name AS "column", data_type AS "dataType", udt_name AS udt,
             is_nullable = 'YES' AS nullable, datetime_precision AS precision
      FROM information_schema.columns WHERE table_schema = 'public'`);
    const enums = await q<{ name: string; labels: string[] }>(`
      SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`);
    const indexes = await q<{ key: string }>(`
      SELECT c.relname || '|' || CASE WHEN i.indisprimary THEN 'id' WHEN i.indisunique THEN 'unique' ELSE 'normal' END
             || '|' || string_agg(a.attname, ',' ORDER BY k.ord) AS key
      FROM pg_index i
      JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE n.nspname = 'public' AND c.relname <> '_prisma_migrations'
      GROUP BY i.indexrelid, c.relname, i.indisprimary, i.indisunique`);
    const cols = (rel: string, keys: string) =>
      `(SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(${keys}) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.attnum)`;
    const foreignKeys = await q<{ fk: string; del: string; upd: string }>(`
      SELECT c.relname || '(' || ${cols('con.conrelid', 'con.conkey')} || ') -> ' || rc.relname || '('
             || ${cols('con.confrelid', 'con.confkey')} || ')' AS fk, con.confdeltype::text AS del, con.confupdtype::text AS upd
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class rc ON rc.oid = con.confrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE con.contype = 'f' AND n.nspname = 'public'`);
    return {
      tables: tables.map((t) => t.name),
      columns,
      enums: new Map(enums.map((e) => [e.name, e.labels])),
      indexes: indexes.map((i) => i.key),
      foreignKeys: foreignKeys.map((f) => `${f.fk} ${FK_ACTIONS[f.del]}/${FK_ACTIONS[f.upd]}`),
    };
  } finally {
    await client.end();
  }
}

/** Problems in both directions, so a failure names what is missing and what is extra. */
function compareSets(expected: string[], actual: string[]): string[] {
  return [
    ...expected.filter((x) => !actual.includes(x)).map((x) => `missing in database: ${x}`),
    ...actual.filter((x) => !expected.includes(x)).map((x) => `not in schema.prisma: ${x}`),
  ];
}

beforeAll(async () => {
  scratch = await createScratchDatabase(requireDatabaseUrl(), 'duban_drift');
  await applyMigrations(scratch.url, () => undefined);
  dm = loadDatamodel();
  db = await introspect(scratch.url);
});

afterAll(async () => {
  await scratch?.drop();
});

describe('schema drift between prisma/migrations and prisma/schema.prisma', () => {
  test('when the migrations are applied to an empty database, then each model has its table and no other table exists', () => {
    expect(compareSets([...dm.models.map(tableOf), '_prisma_migrations'], db.tables)).toEqual([]);
  });

  test('when the migrations are applied, then each scalar field has a column of its type, nullability and list-ness, and no other column exists', () => {
    const problems: string[] = [];
    const expectedColumns: string[] = [];
    for (const model of dm.models) {
      for (const field of model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum')) {
        const name = `${tableOf(model)}.${columnOf(field)}`;
        expectedColumns.push(name);
        const col = db.columns.find((c) => `${c.table}.${c.column}` === name);
        if (!col) continue;
        const want = expectedType(field);
        const isList = col.dataType === 'ARRAY';
        const udt = isList ? col.udt.replace(/^_/, '') : col.udt;
        if (isList !== field.isList) problems.push(`${name}: list in schema ${field.isList}, in database ${isList}`);
        if (udt !== want.udt) problems.push(`${name}: type in schema ${want.udt}, in database ${udt}`);
        if (want.precision !== null && col.precision !== want.precision) {
          problems.push(`${name}: precision in schema ${want.precision}, in database ${col.precision}`);
        }
        // Prisma Migrate creates scalar-list columns without NOT NULL.
        const nullable = field.isList || !field.isRequired;
        if (col.nullable !== nullable) problems.push(`${name}: nullable in schema ${nullable}, in database ${col.nullable}`);
      }
    }
    const actualColumns = db.columns.filter((c) => c.table !== '_prisma_migrations').map((c) => `${c.table}.${c.column}`);
    expect([...compareSets(expectedColumns, actualColumns), ...problems]).toEqual([]);
  });

  test('when the migrations are applied, then each enum exists with the same values in the same order', () => {
    const expected = new Map(dm.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)]));
    expect(Object.fromEntries(db.enums)).toEqual(Object.fromEntries(expected));
  });

  test('when the migrations are applied, then each @id, @unique, @@id, @@unique and @@index has its index and no other index exists', () => {
    const expected = dm.indexes.map((i) => {
      const model = modelNamed(i.model);
      return `${tableOf(model)}|${i.type}|${columnsOf(model, i.fields.map((f) => f.name)).join(',')}`;
    });
    expect(compareSets(expected, db.indexes)).toEqual([]);
  });

  test('when the migrations are applied, then each relation has its foreign key with Prisma referential actions', () => {
    const expected = dm.models.flatMap((model) =>
      model.fields
        .filter((f) => f.kind === 'object' && f.relationFromFields?.length)
        .map((f) => {
          const target = modelNamed(f.type);
          const from = columnsOf(model, f.relationFromFields!).join(',');
          const required = f.relationFromFields!.every((n) => model.fields.find((x) => x.name === n)!.isRequired);
          const onDelete = f.relationOnDelete ?? (required ? 'Restrict' : 'SetNull');
          const onUpdate = f.relationOnUpdate ?? 'Cascade';
          return `${tableOf(model)}(${from}) -> ${tableOf(target)}(${columnsOf(target, f.relationToFields!).join(',')}) ${onDelete}/${onUpdate}`;
        }),
    );
    expect(compareSets(expected, db.foreignKeys)).toEqual([]);
  });
});
