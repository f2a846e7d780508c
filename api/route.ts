import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, Response, Router } from 'express';
import { z, type ZodType } from 'zod';
import { Problem } from '../domain/schemas/common';
import type { PrincipalKind } from '../domain/vocabulary';
import { mayAct, roleForbidden, type Act } from '../access/roles';
import type { Principal } from './auth';
import { badRequest, forbidden, methodNotAllowed, notFound, unsupportedMediaType, type FieldError } from './problem';
import type { BoardSource } from '../usecases/board';
import type { Lap } from '../usecases/context';
import { ServerTiming } from './serverTiming';

type Method = 'get' | 'post' | 'put' | 'delete';

/** What an API process's routes share beyond the use-case context: state kept in this process. */
export interface ApiServices {
  /** The board counts kept for large scopes (usecases/boardSnapshots.ts). */
  boards: BoardSource;
}
const Empty = z.object({});
type Out<T> = T extends ZodType ? z.output<T> : Record<string, never>;

export interface RouteSpec<P extends ZodType | undefined, Q extends ZodType | undefined, B extends ZodType | undefined> {
  method: Method;
  /** OpenAPI-style path, e.g. /rounds/{id}. */
  path: string;
  summary: string;
  tags: string[];
  /** The principal kinds that may call it; any other gets 403. */
  roles: readonly PrincipalKind[];
  /**
   * For an office caller: the role capability the action needs (access/roles.ts); an office
   * caller without it gets 403 ROLE_FORBIDDEN. Reads leave it out (every office role reads);
   * every change an office may make must declare it, or the route table refuses to mount.
   */
  act?: Act;
  /** Called without credentials (signing in, accepting an invitation); `principal` is then absent. */
  public?: true;
  params?: P;
  query?: Q;
  body?: B;
  status?: number;
  response?: ZodType;
  /** A non-JSON success body, e.g. text/csv; the handler then writes the response itself. */
  produces?: string;
  /**
   * A multipart/form-data body with one file part of this name: no JSON body is parsed, and the
   * handler reads the raw request (see upload.ts).
   */
  multipart?: { field: string; description: string };
  /** Documented error statuses beyond 400/401/403. */
  errors?: number[];
  /** Reads an optional Idempotency-Key header: a retry with the same key returns the first result. */
  idempotent?: boolean;
  /** `lap` marks the end of a phase of the handler's work in the answer's Server-Timing header (serverTiming.ts). */
  handler: (input: { params: Out<P>; query: Out<Q>; body: Out<B>; principal: Principal; idempotencyKey?: string; req: Request; res: Response; lap: Lap }) => Promise<unknown>;
}

/** One row of the route table: what exists, and who may call it. */
export interface RouteEntry {
  method: Method;
  path: string;
  roles: readonly PrincipalKind[];
  act?: Act;
  public?: true;
}

const IdempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/, '1-200 printable ASCII characters');

/** application/json or any application/*+json, with or without parameters such as charset. */
const isJson = (contentType: string | undefined) => /^application\/([\w.-]+\+)?json$/i.test((contentType ?? '').split(';')[0].trim());

/** Express reads `?a=1&a=2` as an array; a field given twice is refused rather than one value picked. */
function repeatedQueryFields(schema: ZodType | undefined, query: Record<string, unknown>): FieldError[] {
  const declared = schema && 'shape' in schema ? Object.keys(schema.shape as object) : [];
  return declared.filter((name) => Array.isArray(query[name])).map((name) => ({ path: name, message: 'given more than once', in: 'query', code: 'duplicate' }));
}

function issuesOf(error: z.ZodError, where: FieldError['in']): FieldError[] {
  return error.issues.map((i) => ({ path: i.path.join('.') || (where === 'body' ? '' : String(where)), message: i.message, in: where, code: i.code }));
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input; errors[] names each field',
  401: 'Missing or unknown token or session (UNAUTHENTICATED), or a wrong username or password (LOGIN_FAILED)',
  403: 'The role may not take this action (FORBIDDEN, ROLE_FORBIDDEN), or a session\'s change lacks X-CSRF-Token (CSRF_MISSING, CSRF_INVALID)',
  429: 'Too many failed attempts; Retry-After says when to try again',
  404: 'Not found or not visible to the caller',
  409: 'Conflicts with the current state',
  410: 'The window has closed',
  413: 'The body or upload is larger than the server takes',
  415: 'The body is not application/json, or the upload not of a type the endpoint reads',
  422: 'Well-formed but not acceptable, e.g. missing required evidence',
};

const multipartBody = ({ field, description }: { field: string; description: string }) => ({
  required: true,
  content: { 'multipart/form-data': { schema: { type: 'object' as const, required: [field], properties: { [field]: { type: 'string' as const, format: 'binary', description } } } } },
});

/**
 * Mounts routes on an Express router and documents them in an OpenAPI registry from the
 * same zod schemas that validate each request, so the contract cannot drift from the code.
 */
export class Routes {
  private readonly entries: RouteEntry[] = [];

  constructor(
    private readonly router: Router,
    private readonly registry: OpenAPIRegistry,
    /** Where routes that need no credentials are mounted (before authentication). */
    private readonly openRouter?: Router,
  ) {}

  /** Every route mounted so far. */
  get table(): readonly RouteEntry[] {
    return this.entries;
  }

  /** After the last route: a method a path does not offer answers 405 with Allow. */
  finish(): void {
    const byPath = new Map<string, Method[]>();
    for (const e of this.entries) byPath.set(e.path, [...(byPath.get(e.path) ?? []), e.method]);
    for (const [path, methods] of byPath) {
      const allow = [...methods.flatMap((m) => (m === 'get' ? ['GET', 'HEAD'] : [m.toUpperCase()])), 'OPTIONS'];
      this.router.all(path.replace(/\{(\w+)\}/g, ':$1'), (req, res) => {
        if (req.method !== 'OPTIONS') throw methodNotAllowed(allow);
        res.set('Allow', allow.join(', ')).status(204).end();
      });
    }
  }

  add<P extends ZodType | undefined = undefined, Q extends ZodType | undefined = undefined, B extends ZodType | undefined = undefined>(spec: RouteSpec<P, Q, B>): this {
    const status = spec.status ?? 200;
    if (spec.method !== 'get' && spec.roles.includes('office') && !spec.act && !spec.public) {
      throw new Error(`${spec.method.toUpperCase()} ${spec.path} changes state for offices: declare the role it needs with \`act\``);
    }
    if (spec.public && !this.openRouter) throw new Error(`${spec.path} is public but no open router was given`);
    const config: RouteConfig = {
      method: spec.method,
      path: spec.path,
      summary: spec.summary,
      tags: spec.tags,
      security: spec.public ? [] : [{ bearer: [] }, { session: [] }],
      ...(spec.act && spec.act !== 'anyone' ? { 'x-duban-act': spec.act, description: `Office callers need the ${spec.act} role.` } : {}),
      request: {
        ...(spec.idempotent ? { headers: z.object({ 'Idempotency-Key': IdempotencyKey.optional() }) as never } : {}),
        ...(spec.params ? { params: spec.params as never } : {}),
        ...(spec.query ? { query: spec.query as never } : {}),
        ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } }, required: true } } : {}),
        ...(spec.multipart ? { body: multipartBody(spec.multipart) } : {}),
      },
      responses: {
        [status]: {
          description: 'Success',
          ...(spec.produces ? { content: { [spec.produces]: { schema: { type: 'string' } } } } : spec.response ? { content: { 'application/json': { schema: spec.response } } } : {}),
        },
        ...Object.fromEntries(
          [400, ...(spec.public ? [] : [401, 403]), 404, ...(spec.body ? [413, 415] : []), ...(spec.errors ?? [])].map((code) => [code, { description: ERROR_TEXT[code] ?? 'Error', content: { 'application/problem+json': { schema: Problem } } }]),
        ),
      },
    };
    this.registry.registerPath(config);
    this.entries.push({ method: spec.method, path: spec.path, roles: spec.roles, act: spec.act, public: spec.public });

    const expressPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    (spec.public ? this.openRouter! : this.router)[spec.method](expressPath, async (req, res) => {
      const principal = req.principal!;
      if (!spec.public) {
        if (!spec.roles.includes(principal.kind)) throw forbidden(`a ${principal.kind} token may not call ${spec.method.toUpperCase()} ${spec.path}`);
        if (!mayAct(principal, spec.act)) throw roleForbidden(`${spec.method.toUpperCase()} ${spec.path} needs the ${spec.act} role`);
      }
      const errors: FieldError[] = [];
      const parse = <T extends ZodType | undefined>(schema: T, value: unknown, where: FieldError['in']) => {
        const result = (schema ?? Empty).safeParse(value ?? {});
        if (!result.success) errors.push(...issuesOf(result.error, where));
        return result.data as Out<T>;
      };
      const params = parse(spec.params, req.params, 'params') as Out<P>;
      // A malformed id names nothing that exists.
      if (errors.length > 0) throw notFound('resource');
      // Checked before the body is read for fields, so a form or text body is not refused as "fields missing".
      if (spec.body && !spec.multipart && !isJson(req.get('content-type'))) throw unsupportedMediaType(`send the body as application/json, not ${req.get('content-type') ?? 'without a Content-Type'}`);
      const duplicates = repeatedQueryFields(spec.query, req.query);
      errors.push(...duplicates);
      const query = (duplicates.length > 0 ? undefined : parse(spec.query, req.query, 'query')) as Out<Q>;
      const body = (spec.body && !spec.multipart ? parse(spec.body, req.body, 'body') : undefined) as Out<B>;
      const idempotencyKey = spec.idempotent ? req.get('idempotency-key') : undefined;
      if (idempotencyKey !== undefined && !IdempotencyKey.safeParse(idempotencyKey).success) {
        errors.push({ path: 'Idempotency-Key', message: '1-200 printable ASCII characters', in: 'header', code: 'invalid_format' });
      }
      if (errors.length > 0) throw badRequest(`${errors.length} field(s) are invalid: ${errors.map((e) => e.path || '(body)').join(', ')}`, errors);
      const timing = new ServerTiming(req);
      timing.lap('request');
      const result = await spec.handler({ params, query, body, principal, idempotencyKey, req, res, lap: timing.lap });
      timing.lap('answer');
      timing.apply(res);
      if (!res.headersSent) res.status(status).json(result);
    });
    return this;
  }
}
