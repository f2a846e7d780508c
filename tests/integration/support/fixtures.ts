import { randomBytes } from 'node:crypto';
import { api, expectStatus, type Api } from './http';
import { stack } from './stack';

const run = randomBytes(3).toString('hex');
let serial = 0;

/** A code no other test file or earlier run uses. */
export const uniqueCode = (prefix: string) => `${prefix}-${run}-${++serial}`;

/** The root office created by the global setup. */
export const root = (): Api => api(stack().rootToken);

export async function mintToken(by: Api, kind: 'office' | 'unit' | 'observer', code: string): Promise<string> {
  return expectStatus(await by.post('/tokens', { kind, code }), 201).token;
}

export interface Office {
  code: string;
  api: Api;
}

/** An office below `parentCode` (default: the caller's own office), with a token of its own. */
export async function createOffice(by: Api, level: 'city' | 'county' | 'town', parentCode?: string): Promise<Office> {
  const code = uniqueCode(level);
  expectStatus(await by.post('/offices', { code, name: `${code} 产改办`, level, ...(parentCode ? { parentCode } : {}) }), 201);
  return { code, api: api(await mintToken(by, 'office', code)) };
}

export interface Unit {
  code: string;
  name: string;
}

export async function createUnit(by: Api, officeCode: string, prefix = 'unit'): Promise<Unit> {
  const code = uniqueCode(prefix);
  const name = `试点企业 ${code}`;
  expectStatus(await by.post('/units', { code, name, kind: 'state_owned', officeCode }), 201);
  return { code, name };
}

/** A unit and an API client holding its token. */
export async function createUnitWithToken(by: Api, officeCode: string): Promise<Unit & { api: Api }> {
  const unit = await createUnit(by, officeCode);
  return { ...unit, api: api(await mintToken(by, 'unit', unit.code)) };
}

export interface TemplateOptions {
  evidence?: string[];
  weight?: number;
  dueWorkingDays?: number;
}

export async function createTaskTemplate(by: Api, opts: TemplateOptions = {}): Promise<{ code: string; weight: number; dueWorkingDays: number; evidence: string[] }> {
  const template = { code: uniqueCode('tpl'), evidence: opts.evidence ?? [], weight: opts.weight ?? 10, dueWorkingDays: opts.dueWorkingDays ?? 10 };
  expectStatus(await by.post('/task-templates', { ...template, category: '思想引领', title: `任务 ${template.code}` }), 201);
  return template;
}
