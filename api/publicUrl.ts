import type { Request } from 'express';
import type { Config } from '../src/config';

/**
 * The address people reach the pages at, for links the API hands out (personal links,
 * invitations): DUBAN_PUBLIC_URL when set, as it should be behind a proxy; otherwise the
 * request's own scheme and host.
 */
export function publicBase(config: Pick<Config, 'DUBAN_PUBLIC_URL'>, req: Request): string {
  return (config.DUBAN_PUBLIC_URL ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`).replace(/\/+$/, '');
}
