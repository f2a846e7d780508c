import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ErrorCode, InvalidInput, type FieldProblem } from '../domain/errors';
import type { Logger } from '../src/logger';
import { asUnavailable } from './unavailable';

export type { FieldProblem as FieldError } from '../domain/errors';
type FieldError = FieldProblem;

/** Every error the API answers with; the middleware below renders it as RFC 9457 problem+json. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly title: string,
    detail?: string,
    readonly errors?: FieldError[],
    /** Extra response headers, e.g. Allow or Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
  }
  get type() {
    return `https://duban.dev/problems/${this.code.toLowerCase().replace(/_/g, '-')}`;
  }
}

export const badRequest = (detail: string, errors?: FieldError[], code: ErrorCode = ErrorCode.InvalidInput) => new AppError(400, code, 'Invalid request', detail, errors);
export const unauthorized = () => new AppError(401, ErrorCode.Unauthenticated, 'Unauthorized', 'a valid bearer token or session is required');
export const forbidden = (detail = 'your role may not take this action') => new AppError(403, ErrorCode.Forbidden, 'Forbidden', detail);
/** "Absent" and "not yours" read the same: the detail names the kind of thing, never whether it exists. */
export const notFound = (what: string) => new AppError(404, ErrorCode.NotFound, 'Not found', `${what} not found`);
export const conflict = (code: ErrorCode, detail: string) => new AppError(409, code, 'Conflict', detail);
export const gone = (code: ErrorCode, detail: string) => new AppError(410, code, 'Gone', detail);
export const unprocessable = (code: ErrorCode, detail: string, errors?: FieldError[]) => new AppError(422, code, 'Unprocessable', detail, errors);
export const unsupportedMediaType = (detail: string) => new AppError(415, ErrorCode.UnsupportedMediaType, 'Unsupported media type', detail);
export const methodNotAllowed = (allow: string[]) =>
  new AppError(405, ErrorCode.MethodNotAllowed, 'Method not allowed', `this path offers ${allow.join(', ')}`, undefined, { Allow: allow.join(', ') });

export function sendProblem(res: Parameters<RequestHandler>[1], err: AppError) {
  for (const [name, value] of Object.entries(err.headers ?? {})) res.set(name, value);
  res
    .status(err.status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: err.type, title: err.title, status: err.status, code: err.code, detail: err.message, ...(err.errors ? { errors: err.errors } : {}) }));
}

export const notFoundHandler: RequestHandler = () => {
  throw notFound('resource');
};

/** body-parser's and multipart parsers' own errors carry a status and a type. */
function fromParserError(err: unknown): AppError | undefined {
  if (!err || typeof err !== 'object' || !('status' in err) || typeof err.status !== 'number' || err.status < 400 || err.status >= 500) return undefined;
  const type = 'type' in err ? String(err.type) : '';
  const message = String((err as unknown as Error).message);
  if (type === 'entity.parse.failed') return badRequest('the body is not valid JSON', [{ path: '', message, in: 'body', code: 'invalid_json' }], ErrorCode.MalformedBody);
  if (err.status === 413) return new AppError(413, ErrorCode.PayloadTooLarge, 'Payload too large', message);
  if (err.status === 415) return new AppError(415, ErrorCode.UnsupportedMediaType, 'Unsupported media type', message);
  return badRequest(message, [{ path: '', message, in: 'body' }], ErrorCode.MalformedBody);
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof AppError) return sendProblem(res, err);
    if (err instanceof InvalidInput) return sendProblem(res, badRequest(err.message, err.errors));
    const parser = fromParserError(err);
    if (parser) return sendProblem(res, parser);
    const unavailable = asUnavailable(err);
    if (unavailable) {
      logger.warn({ err: { message: (err as Error).message }, method: req.method, url: req.originalUrl }, 'answered 503: a backing service is unavailable');
      return sendProblem(res, unavailable);
    }
    logger.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
    return sendProblem(res, new AppError(500, ErrorCode.Internal, 'Internal error', 'the server could not complete the request'));
  };
}
