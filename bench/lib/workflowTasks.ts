import fs from 'node:fs';

/**
 * What a worker's log says about its workflow tasks: the SDK warns of every task it held longer than 5 s
 * (TMPRL1104, with the task's attempt and duration) and of every completion the server refused because the
 * task had timed out meanwhile ("Task not found when completing"); a task at attempt 2 or more ran again.
 */
export function workflowTaskWarnings(logFile: string) {
  const text = fs.readFileSync(logFile, 'utf8').replace(/\u001b\[[0-9;]*m/g, '');
  let heldOver5s = 0;
  let retried = 0;
  let longestMs = 0;
  for (const line of text.split('\n')) {
    if (!line.includes('TMPRL1104')) continue;
    heldOver5s++;
    if (Number(/attempt=(\d+)/.exec(line)?.[1] ?? 1) > 1) retried++;
    longestMs = Math.max(longestMs, Number(/workflow_task_duration=(\d+)/.exec(line)?.[1] ?? 0));
  }
  const lateCompletionsRefused = text.split('Task not found when completing').length - 1;
  return { heldOver5s, retried, lateCompletionsRefused, longestHeldSeconds: longestMs / 1000 };
}
