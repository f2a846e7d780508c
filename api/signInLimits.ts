import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Options } from 'express-rate-limit';
import type { Config } from '../src/config';
import type { Db } from '../src/db';
import { normalizeUsername } from '../usecases/sessions';
import { AppError, sendProblem } from './problem';
import { ErrorCode } from '../domain/errors';

/**
 * Failed sign-ins are limited per username (whether or not it exists, so a 429 tells nothing
 * about it) and per client address. Only failures count (a 401); past a limit every attempt,
 * even with the right password, gets 429 with Retry-After until the window ends. Windows are
 * fixed: attempts made while locked out do not lengthen the lockout, so no rate of attempts can
 * lock a person out for longer than one window at a time.
 *
 * The counts are kept in this process's memory: with several API processes, each counts its own.
 */
export function signInLimits(config: Config, db: Db): RequestHandler[] {
  const windowMs = Math.round(config.DUBAN_LOGIN_WINDOW_MINUTES * 60_000);
  const usernameOf = (body: unknown) => {
    const u = (body as { username?: unknown } | undefined)?.username;
    return typeof u === 'string' ? normalizeUsername(u).slice(0, 200) : '';
  };
  const limiter = (scope: 'username' | 'address', limit: number, keyGenerator: Options['keyGenerator']) => {
    // The end of the window each key was last recorded as locked out until, so one lockout is audited once.
    const audited = new Map<string, number>();
    return rateLimit({
      windowMs,
      limit,
      keyGenerator,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      // Only wrong credentials count; malformed requests and successes do not.
      requestWasSuccessful: (_req, res) => res.statusCode !== 401,
      skipSuccessfulRequests: true,
      handler: async (req, res, _next, options) => {
        const info = (req as unknown as { rateLimit: { used: number; limit: number; resetTime?: Date } }).rateLimit;
        const retryAfter = Math.max(1, Math.ceil(((info.resetTime?.getTime() ?? Date.now() + options.windowMs) - Date.now()) / 1000));
        const key = String(await keyGenerator!(req, res));
        const until = info.resetTime?.getTime() ?? 0;
        if (audited.get(key) !== until) {
          if (audited.size > 10_000) audited.clear();
          audited.set(key, until);
          const subject = scope === 'username' ? `username:${usernameOf(req.body)}` : `address:${req.ip}`;
          await db.auditEntry.create({ data: { actor: 'anonymous', action: 'auth.lockout', subject, detail: { scope, address: req.ip ?? null, failures: info.limit, until: info.resetTime?.toISOString() ?? null } } }).catch(() => undefined);
        }
        sendProblem(res, new AppError(429, ErrorCode.RateLimited, 'Too many requests', `too many failed sign-ins; try again in ${retryAfter} s`, undefined, { 'Retry-After': String(retryAfter) }));
      },
    });
  };
  return [
    limiter('address', config.DUBAN_LOGIN_MAX_FAILURES_PER_ADDRESS, (req) => ipKeyGenerator(req.ip ?? '')),
    limiter('username', config.DUBAN_LOGIN_MAX_FAILURES_PER_USER, (req) => `u:${usernameOf(req.body)}`),
  ];
}
