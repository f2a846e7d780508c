import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { signalProvisionalUnits } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 minutes',
  // It heartbeats per unit signalled, so a crashed worker's run is picked up again within seconds.
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

/**
 * After a year's calendar is published, tells every open unit workflow that holds a task
 * planned on a provisional calendar to plan it again. Each unit does its own re-planning,
 * as the only writer of its tasks.
 */
export async function replanOnPublishedCalendar({ year }: { year: number }): Promise<{ units: number }> {
  return signalProvisionalUnits({ year });
}
