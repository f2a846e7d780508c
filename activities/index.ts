import type { ActivityDeps } from './deps';
import { createCalendarReplanActivities } from './calendarReplan';
import { createFileActivities } from './files';
import { createIssuingActivities } from './issuing';
import { createProgrammeActivities } from './programmes';
import { createQuestionnaireActivities } from './questionnaires';
import { createRoundActivities } from './rounds';
import { createTaskActivities } from './tasks';
import { createWebhookActivities } from './webhooks';

export type { ActivityDeps } from './deps';

/** Every activity the worker registers, built once with its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createIssuingActivities(deps),
    ...createTaskActivities(deps),
    ...createRoundActivities(deps),
    ...createWebhookActivities(deps),
    ...createQuestionnaireActivities(deps),
    ...createProgrammeActivities(deps),
    ...createCalendarReplanActivities(deps),
    ...createFileActivities(deps),
  };
}
