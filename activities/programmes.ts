import { ApplicationFailure } from '@temporalio/activity';
import { ErrorCode, failureType, InvalidInput } from '../domain/errors';
import { LaunchRoundBody } from '../domain/schemas/rounds';
import type { ProgrammeRoundTemplate } from '../domain/schemas/programmes';
import { periodLabel } from '../domain/time';
import { uuidFromKey } from '../src/ids';
import { launchRound } from '../usecases/launch';
import type { ProgrammeRunResult } from '../workflows/contracts';
import type { ActivityDeps } from './deps';
import { NOTICE_TIME } from './planning';
import type { z } from 'zod';

const DAY_MS = 86_400_000;
const DEFAULT_OPEN_DAYS: Record<string, number> = { month: 30, quarter: 91, year: 365 };

export function createProgrammeActivities({ db, client, taskQueue, minResponses, noticeSpreadMinutes, noticeTime = NOTICE_TIME }: ActivityDeps) {
  return {
    async launchProgrammeRun({ programmeId, runId, at, by }: { programmeId: string; runId: string; at: number; by?: string }): Promise<ProgrammeRunResult> {
      const programme = await db.programme.findUniqueOrThrow({ where: { id: programmeId }, include: { office: true } });
      const period = periodLabel(at, programme.every);
      const roundId = uuidFromKey(`programme-run:${runId}`);
      if (programme.overlap === 'skip') {
        const open = await db.round.findFirst({ where: { programmeId, status: { in: ['open', 'closing'] }, id: { not: roundId } }, select: { id: true, period: true } });
        if (open) return { roundId: null, period, skipped: `round ${open.id} (${open.period}) is still open` };
      }
      const template = programme.roundSpec as unknown as z.infer<typeof ProgrammeRoundTemplate>;
      const { closesAfterDays, title, ...round } = template;
      const days = closesAfterDays ?? DEFAULT_OPEN_DAYS[programme.every] ?? 30;
      const body = LaunchRoundBody.safeParse({ ...round, title: `${title ?? programme.title}（${period}）`, period, closesAt: new Date(at + days * DAY_MS).toISOString() });
      if (!body.success) throw ApplicationFailure.nonRetryable(`programme ${programmeId} has an invalid round template: ${body.error.message}`, failureType(ErrorCode.ProgrammeInvalid));
      try {
        await launchRound({ db, client, taskQueue, settings: { minObserversForUnit: minResponses, noticeSpreadMinutes, noticeTime } }, { kind: 'office', office: programme.office, actor: by ?? 'schedule' }, body.data, roundId, programmeId);
      } catch (err) {
        if (err instanceof InvalidInput) throw ApplicationFailure.nonRetryable(`${err.message}: ${JSON.stringify(err.errors)}`, failureType(ErrorCode.ProgrammeInvalid));
        throw err;
      }
      return { roundId, period };
    },
  };
}
