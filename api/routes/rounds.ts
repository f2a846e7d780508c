import { setTimeout } from 'node:timers/promises';
import { IdParams, z } from '../../domain/schemas/common';
import { RoundUnitParams } from '../../domain/schemas/evaluation';
import { AddUnitTaskBody, LaunchRoundBody, ListEscalationsQuery, ListRoundsQuery, ListTasksQuery, RoundView } from '../../domain/schemas/rounds';
import { TaskView } from '../../domain/schemas/tasks';
import type { UseCaseContext } from '../../usecases/context';
import { addUnitTask } from '../../usecases/tailoring';
import { cancelRound, closeRound, getRound, launchRound, listEscalations, listRoundTasks, listRounds } from '../../usecases/rounds';
import type { ApiServices, Routes } from '../route';
import { warmBoard } from '../../usecases/board';

/** How long a launch's answer waits for its board's counts to be loaded, at most. */
const WARM_WAIT_MS = 1_000;

export function roundRoutes(routes: Routes, ctx: UseCaseContext, { boards }: ApiServices) {
  routes
    .add({
      method: 'post', path: '/rounds', summary: 'Launch a supervision round; send Idempotency-Key to retry safely', tags: ['Rounds'], roles: ['office'], act: 'supervisor', body: LaunchRoundBody, status: 202,
      response: z.object({ id: z.string(), status: z.literal('open') }), errors: [409],
      handler: async ({ body, principal, idempotencyKey, req, res }) => {
        // The launching office opens the round's board next. Its counts are loaded from as soon as the round is
        // recorded, while its workflow starts (so the load reads the round before its lists are written), and the
        // answer waits for the rest of that load, for at most WARM_WAIT_MS: the board is then ready when it opens.
        let warming: Promise<void> | undefined;
        const warm = (round: { id: string; unitCount: number }) => {
          warming = warmBoard(ctx.db, boards, principal, round).catch((err: unknown) => req.log.warn({ err, roundId: round.id }, 'the new round\'s board could not be warmed'));
        };
        const launched = await launchRound(ctx, principal, body, idempotencyKey, warm);
        if (warming) await Promise.race([warming, setTimeout(WARM_WAIT_MS, undefined, { ref: false })]);
        res.location(`/api/v1/rounds/${launched.id}`);
        return { id: launched.id, status: launched.status };
      },
    })
    .add({
      method: 'get', path: '/rounds', summary: 'Rounds you launched or that include your units; counts cover only what you may see', tags: ['Rounds'], roles: ['office', 'unit'], query: ListRoundsQuery, response: z.array(RoundView),
      handler: ({ query, principal }) => listRounds(ctx, principal, query),
    })
    .add({
      method: 'get', path: '/rounds/{id}', summary: 'A round with its counts', tags: ['Rounds'], roles: ['office', 'unit'], params: IdParams, response: RoundView,
      handler: ({ params, principal }) => getRound(ctx, principal, params.id),
    })
    .add({
      method: 'post', path: '/rounds/{id}/close', summary: 'Close a round now and freeze its evaluation', tags: ['Rounds'], roles: ['office'], act: 'supervisor', params: IdParams, status: 202, errors: [409],
      response: z.object({ id: z.string(), status: z.literal('closing') }),
      handler: ({ params, principal }) => closeRound(ctx, principal, params.id),
    })
    .add({
      method: 'post', path: '/rounds/{id}/cancel', summary: 'Cancel a round: every timer stops and no evaluation is made', tags: ['Rounds'], roles: ['office'], act: 'supervisor', params: IdParams, status: 202, errors: [409],
      response: z.object({ id: z.string(), status: z.literal('cancelled') }),
      handler: ({ params, principal }) => cancelRound(ctx, principal, params.id),
    })
    .add({
      method: 'get', path: '/rounds/{id}/tasks', summary: 'Tasks of a round, for the units you may see', tags: ['Rounds'], roles: ['office', 'unit'], params: IdParams, query: ListTasksQuery, response: z.array(TaskView),
      handler: ({ params, query, principal }) => listRoundTasks(ctx, principal, params.id, query),
    })
    .add({
      method: 'post', path: '/rounds/{id}/units/{code}/tasks', tags: ['Rounds'], roles: ['office'], act: 'supervisor', params: RoundUnitParams, body: AddUnitTaskBody, status: 201, response: TaskView, errors: [409],
      summary: 'Add a task to one unit of an open round (一企一特色): its ladder covers it like any other; a task for a template already in the list: 409',
      handler: ({ params, body, principal }) => addUnitTask(ctx, principal, params.id, params.code, body),
    })
    .add({
      method: 'get', path: '/rounds/{id}/escalations', summary: 'Ladder steps that fired, addressed to your office or any below it', tags: ['Rounds'], roles: ['office', 'unit'], params: IdParams, query: ListEscalationsQuery,
      handler: ({ params, query, principal }) => listEscalations(ctx, principal, params.id, query),
    });
}
