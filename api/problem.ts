import type { ErrorRequestHandler, RequestHandler } from 'express';
import { InvalidInput } from '../domain/errors';
import type { Logger } from '../src/logger';

export type { FieldProblem as FieldError } from '../domain/errors';
import type { FieldProblem as FieldError } from '../domain/errors';

/** Every error the API answers with; the middleware below renders it as RFC 9457 problem+json. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail ?? title);
  }
  get type() {
    return `https://duban.dev/problems/${this.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) => new AppError(400, 'Invalid request', detail, errors);
export const unauthorized = () => new AppError(401, 'Unauthorized', 'a valid bearer token is required');
export const forbidden = (detail = 'your role may not take this action') => new AppError(403, 'Forbidden', detail);
export const notFound = (what: string) => new AppError(404, 'Not found', `${what} not found`);
export const conflict = (detail: string) => new AppError(409, 'Conflict', detail);
export const gone = (detail: string) => new AppError(410, 'Gone', detail);
export const unprocessable = (detail: string, errors?: FieldError[]) => new AppError(422, 'Unprocessable', detail, errors);

export function sendProblem(res: Parameters<RequestHandler>[1], err: AppError) {
  res
    .status(err.status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: err.type, title: err.title, status: err.status, detail: err.message, ...(err.errors ? { errors: err.errors } : {}) }));
}

export const notFoundHandler: RequestHandler = (req) => {
  throw notFound(`route ${req.method} ${req.path}`);
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof AppError) return sendProblem(res, err);
    if (err instanceof InvalidInput) return sendProblem(res, badRequest(err.message, err.errors));
    // body-parser's errors carry a status and a type; malformed JSON is the common one.
    if (err && typeof err === 'object' && 'type' in err && err.type === 'entity.parse.failed') {
      return sendProblem(res, badRequest('the body is not valid JSON', [{ path: '', message: String((err as Error).message), in: 'body' }]));
    }
    if (err && typeof err === 'object' && 'status' in err && typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
      return sendProblem(res, new AppError(err.status, 'Invalid request', String((err as Error).message)));
    }
    logger.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
    return sendProblem(res, new AppError(500, 'Internal error', 'the server could not complete the request'));
  };
}
