import { isGrpcServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ErrorCode } from '../domain/errors';
import { AppError } from './problem';

/** Seconds a client is asked to wait before it sends the same request again. */
export const RETRY_AFTER_SECONDS = 5;

export const serviceUnavailable = (detail: string) =>
  new AppError(503, ErrorCode.Unavailable, 'Service unavailable', detail, undefined, { 'Retry-After': String(RETRY_AFTER_SECONDS) });

// Prisma's codes for a database it cannot reach, that closed the connection, whose pool ran dry, or in which a
// transaction ran out of its time (P2028: the work was rolled back, so the same request may be sent again).
const PRISMA_UNREACHABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
// What the PostgreSQL driver adapter reports when the server is not there.
const ADAPTER_UNREACHABLE = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
// Node's socket errors, for code that talks to PostgreSQL through `pg` directly.
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
// gRPC answers that mean Temporal is not reachable or did not answer in time: nothing was decided.
const GRPC_UNAVAILABLE = new Set<number>([14 /* UNAVAILABLE */, 4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */]);

/** A PostgreSQL SQLSTATE of class 08 (connection exception) or 57P0x (shutdown, crash, starting up). */
const unavailableSqlState = (code: unknown) => typeof code === 'string' && (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-4]$/.test(code));

function oneUnavailable(err: object): 'database' | 'temporal' | undefined {
  const e = err as { code?: unknown; kind?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } }; message?: unknown };
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return 'temporal';
  if (isGrpcServiceError(err) && GRPC_UNAVAILABLE.has(err.code)) return 'temporal';
  if (typeof e.code === 'string' && PRISMA_UNREACHABLE.has(e.code)) return 'database';
  const adapter = e.meta?.driverAdapterError?.cause;
  if (adapter && (ADAPTER_UNREACHABLE.has(String(adapter.kind)) || unavailableSqlState(adapter.code))) return 'database';
  if (typeof e.kind === 'string' && ADAPTER_UNREACHABLE.has(e.kind)) return 'database';
  if (unavailableSqlState(e.code) || (typeof e.code === 'string' && SOCKET_ERRORS.has(e.code))) return 'database';
  if (typeof e.message === 'string' && /Connection terminated|timeout exceeded when trying to connect/.test(e.message)) return 'database';
  return undefined;
}

/**
 * The 503 for an error that means PostgreSQL or Temporal is down or did not answer in time (looked for
 * along the error's causes), so that a client retries instead of reading a 500; undefined for any other.
 */
export function asUnavailable(err: unknown): AppError | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const which = oneUnavailable(e);
    if (which === 'database') return serviceUnavailable('the database is not available; retry later');
    if (which === 'temporal') return serviceUnavailable('the workflow service did not answer in time; retry later with the same request');
  }
  return undefined;
}
