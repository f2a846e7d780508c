import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, Response, Router } from 'express';
import { z, type ZodType } from 'zod';
import { Problem } from '../domain/schemas/common';
import type { PrincipalKind } from '../domain/vocabulary';
import type { Principal } from './auth';
import { badRequest, forbidden, methodNotAllowed, notFound, type FieldError } from './problem';

type Method = 'get' | 'post' | 'put' | 'delete';
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
  params?: P;
  query?: Q;
  body?: B;
  /** A multipart/form-data body that the handler streams itself; here only to be documented. */
  multipart?: ZodType;
  status?: number;
  response?: ZodType;
  /** A non-JSON success body, e.g. text/csv; the handler then writes the response itself. */
  produces?: string;
  /** Documented error statuses beyond 400/401/403. */
  errors?: number[];
  /** Reads an optional Idempotency-Key header: a retry with the same key returns the first result. */
  idempotent?: boolean;
  handler: (input: { params: Out<P>; query: Out<Q>; body: Out<B>; principal: Principal; idempotencyKey?: string; req: Request; res: Response }) => Promise<unknown>;
}

/** One row of the route table: what exists, and who may call it. */
export interface RouteEntry {
  method: Method;
  path: string;
  roles: readonly PrincipalKind[];
}

const IdempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/, '1-200 printable ASCII characters');

function issuesOf(error: z.ZodError, where: FieldError['in']): FieldError[] {
  return error.issues.map((i) => ({ path: i.path.join('.') || (where === 'body' ? '' : String(where)), message: i.message, in: where, code: i.code }));
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input; errors[] names each field',
  401: 'Missing or unknown token',
  403: 'The role may not take this action',
  404: 'Not found or not visible to the caller',
  409: 'Conflicts with the current state',
  410: 'The window has closed',
  413: 'The upload is larger than the limit',
  415: 'The content is not of an allowed type',
  422: 'Well-formed but not acceptable, e.g. missing required evidence',
};

/**
 * Mounts routes on an Express router and documents them in an OpenAPI registry from the
 * same zod schemas that validate each request, so the contract cannot drift from the code.
 */
export class Routes {
  private readonly entries: RouteEntry[] = [];

  constructor(
    private readonly router: Router,
    private readonly registry: OpenAPIRegistry,
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
      const allow = methods.flatMap((m) => (m === 'get' ? ['GET', 'HEAD'] : [m.toUpperCase()]));
      this.router.all(path.replace(/\{(\w+)\}/g, ':$1'), () => {
        throw methodNotAllowed(allow);
      });
    }
  }

  add<P extends ZodType | undefined = undefined, Q extends ZodType | undefined = undefined, B extends ZodType | undefined = undefined>(spec: RouteSpec<P, Q, B>): this {
    const status = spec.status ?? 200;
    const config: RouteConfig = {
      method: spec.method,
      path: spec.path,
      summary: spec.summary,
      tags: spec.tags,
      security: [{ bearer: [] }],
      request: {
        ...(spec.idempotent ? { headers: z.object({ 'Idempotency-Key': IdempotencyKey.optional() }) as never } : {}),
        ...(spec.params ? { params: spec.params as never } : {}),
        ...(spec.query ? { query: spec.query as never } : {}),
        ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } }, required: true } } : {}),
        ...(spec.multipart ? { body: { content: { 'multipart/form-data': { schema: spec.multipart } }, required: true } } : {}),
      },
      responses: {
        [status]: {
          description: 'Success',
          ...(spec.produces ? { content: { [spec.produces]: { schema: { type: 'string' } } } } : spec.response ? { content: { 'application/json': { schema: spec.response } } } : {}),
        },
        ...Object.fromEntries(
          [400, 401, 403, 404, ...(spec.errors ?? [])].map((code) => [code, { description: ERROR_TEXT[code] ?? 'Error', content: { 'application/problem+json': { schema: Problem } } }]),
        ),
      },
    };
    this.registry.registerPath(config);
    this.entries.push({ method: spec.method, path: spec.path, roles: spec.roles });

    const expressPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    this.router[spec.method](expressPath, async (req, res) => {
      const principal = req.principal!;
      if (!spec.roles.includes(principal.kind)) throw forbidden(`a ${principal.kind} token may not call ${spec.method.toUpperCase()} ${spec.path}`);
      const errors: FieldError[] = [];
      const parse = <T extends ZodType | undefined>(schema: T, value: unknown, where: FieldError['in']) => {
        const result = (schema ?? Empty).safeParse(value ?? {});
        if (!result.success) errors.push(...issuesOf(result.error, where));
        return result.data as Out<T>;
      };
      const params = parse(spec.params, req.params, 'params') as Out<P>;
      // A malformed id names nothing that exists.
      if (errors.length > 0) throw notFound('resource');
      const query = parse(spec.query, req.query, 'query') as Out<Q>;
      const body = (spec.body ? parse(spec.body, req.body, 'body') : undefined) as Out<B>;
      const idempotencyKey = spec.idempotent ? req.get('idempotency-key') : undefined;
      if (idempotencyKey !== undefined && !IdempotencyKey.safeParse(idempotencyKey).success) {
        errors.push({ path: 'Idempotency-Key', message: '1-200 printable ASCII characters', in: 'header', code: 'invalid_format' });
      }
      if (errors.length > 0) throw badRequest(`${errors.length} field(s) are invalid: ${errors.map((e) => e.path || '(body)').join(', ')}`, errors);
      const result = await spec.handler({ params, query, body, principal, idempotencyKey, req, res });
      if (!res.headersSent) res.status(status).json(result);
    });
    return this;
  }
}
