import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

export interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}

export interface DmmfDatamodel {
  models: DmmfModel[];
  enums: { name: string; dbName?: string | null; values: { name: string; dbName: string | null }[] }[];
  indexes: { model: string; type: 'id' | 'unique' | 'normal' | 'fulltext'; fields: { name: string }[] }[];
}

/**
 * The datamodel exactly as Prisma parses it: runs `prisma generate` with a one-off generator on a copy of the
 * schema, because the schema parser only ships as wasm inside the Prisma CLI bundle.
 */
export function loadDatamodel(schemaFile = path.join(root, 'prisma/schema.prisma')): DmmfDatamodel {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-dmmf-'));
  try {
    const out = path.join(dir, 'datamodel.json');
    const generator = path.join(__dirname, 'dmmf-generator.js');
    const schema = `${fs.readFileSync(schemaFile, 'utf8')}
generator duban_dmmf {
  provider = ${JSON.stringify(`node ${generator}`)}
  output   = ${JSON.stringify(out)}
}
`;
    fs.writeFileSync(path.join(dir, 'schema.prisma'), schema);
    execFileSync(
      process.execPath,
      [path.join(root, 'node_modules/prisma/build/index.js'), 'generate', '--schema', path.join(dir, 'schema.prisma'), '--generator', 'duban_dmmf'],
      {
        cwd: root,
        stdio: 'pipe',
        env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      },
    );
    return JSON.parse(fs.readFileSync(out, 'utf8')) as DmmfDatamodel;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
