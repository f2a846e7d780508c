export { superviseRound } from './superviseRound';
export { superviseUnit } from './superviseUnit';
export { deliverWebhook } from './deliverWebhook';
export { runQuestionnaireWindow } from './runQuestionnaireWindow';
export { launchProgrammeRound } from './launchProgrammeRound';
export { replanOnPublishedCalendar } from './replanOnPublishedCalendar';
export { sweepUnusedFiles } from './sweepUnusedFiles';
