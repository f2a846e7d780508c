import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { asUnavailable } from '../../api/unavailable';

// Shapes as Prisma 7 with @prisma/adapter-pg, pg and the Temporal client raise them (recorded against real servers).
const prisma = (code: string, cause?: object) => Object.assign(new Error('Invalid `prisma.x()` invocation'), { name: 'PrismaClientKnownRequestError', code, meta: cause ? { driverAdapterError: { name: 'DriverAdapterError', cause } } : {} });
const grpc = (code: number) => Object.assign(new Error('grpc'), { code, details: 'x', metadata: {} });

describe('which errors mean a backing service is unavailable', () => {
  test.each([
    ['PostgreSQL not reachable (P1001)', prisma('P1001', { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 })],
    ['a connection cut by a shutdown during a raw query (P2010, 57P01)', prisma('P2010', { kind: 'postgres', code: '57P01', originalCode: '57P01' })],
    ['the database starting up (57P03)', prisma('P2010', { kind: 'postgres', code: '57P03' })],
    ['the pool timed out (P2024)', prisma('P2024')],
    ['a transaction ran out of its time and was rolled back (P2028)', prisma('P2028')],
    ['pg: connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['Temporal unreachable, as the cause of a ServiceError', Object.assign(new Error('Workflow Update failed'), { cause: grpc(14) })],
    ['a workflow call past its deadline', new WorkflowUpdateRPCTimeoutOrCancelledError('timeout', { cause: grpc(4) })],
  ])('when the error is %s, then the answer is 503 UNAVAILABLE with Retry-After', (_name, err) => {
    const problem = asUnavailable(err);
    expect({ status: problem?.status, code: problem?.code, retryAfter: Number(problem?.headers?.['Retry-After']) > 0 }).toEqual({ status: 503, code: 'UNAVAILABLE', retryAfter: true });
  });

  test.each([
    ['a unique violation', prisma('P2002')],
    ['a record not found', prisma('P2025')],
    ['a constraint error from PostgreSQL', prisma('P2010', { kind: 'postgres', code: '23505' })],
    ['a gRPC NOT_FOUND', grpc(5)],
    ['a plain error', new Error('boom')],
    ['not an error at all', 'boom'],
  ])('when the error is %s, then it is not called unavailable', (_name, err) => {
    expect(asUnavailable(err)).toBeUndefined();
  });
});
