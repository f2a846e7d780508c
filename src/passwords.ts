import fs from 'node:fs';
import path from 'node:path';
import { hash, verify } from '@node-rs/argon2';
import type { FieldProblem } from '../domain/errors';

/**
 * Passwords: Argon2id (the library's default algorithm) with OWASP's minimum parameters
 * (19 MiB, 2 passes, 1 lane), stored as a PHC string, so a later change of parameters still
 * verifies the hashes made before it.
 */
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

export const hashPassword = (password: string) => hash(password, OPTIONS);

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** A hash of nothing anyone knows, verified against when the username is unknown, so both failures take as long. */
export const dummyHash = () => (dummy ??= hashPassword(`no one ${Math.random()}`));

/** The common-passwords list, lower-cased: leaked-password rankings plus the patterns typical in China (123456, woaini1314, qq号码...). */
export const COMMON_PASSWORDS_FILE = path.join(__dirname, '..', 'domain', 'data', 'common-passwords.txt');
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(fs.readFileSync(COMMON_PASSWORDS_FILE, 'utf8').split('\n').map((l) => l.trim().toLowerCase()).filter((l) => l && !l.startsWith('#')));
  return common;
}

/** What is wrong with a new password, as field problems on `password` (none: acceptable). */
export function passwordProblems(password: string, username?: string): FieldProblem[] {
  const problem = (code: string, message: string): FieldProblem[] => [{ path: 'password', message, in: 'body', code }];
  if ([...password].length < MIN_PASSWORD_LENGTH) return problem('too_short', `at least ${MIN_PASSWORD_LENGTH} characters`);
  if (commonPasswords().has(password.toLowerCase())) return problem('common', 'one of the most common passwords; choose another');
  if (new Set(password).size < 4) return problem('repetitive', 'too few different characters');
  if (username && password.toLowerCase().includes(username.toLowerCase())) return problem('contains_username', 'must not contain the username');
  return [];
}
