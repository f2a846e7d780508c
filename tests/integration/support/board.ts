import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { createCalendar, readCalendarFile } from '../../../activities/calendar';
import { DEFAULT_BOARD_RULE } from '../../../domain/board';
import { DEFAULT_ESCALATION_POLICY } from '../../../domain/escalation';
import { DEFAULT_RUBRIC } from '../../../domain/scoring';
import { addCalendarDays, shanghaiDate } from '../../../domain/time';
import { roundWorkflowId } from '../../../workflows/contracts';
import { sql } from './db';
import { createOffice, createTaskTemplate, createUnitWithToken, root, type Office, type Unit } from './fixtures';
import { expectStatus, type Api } from './http';
import { waitFor } from './poll';
import { getRound } from './rounds';
import { stack } from './stack';
import { myTask, submitTask } from './tasks';

export interface BoardRound {
  id: string;
  city: Office;
  sibling: Office;
  /** red (an overdue task), yellow (a task returned), blue (a task due tomorrow's working day), green. */
  units: { red: Unit & { api: Api }; yellow: Unit & { api: Api }; blue: Unit & { api: Api }; green: Unit & { api: Api } };
  /** A unit of the sibling office, in the same round: red, and never visible to the city office. */
  foreign: Unit & { api: Api };
  templates: { overdue: string; soon: string; later: string };
}

/**
 * A round recorded as POST /rounds records it, except that one task was due yesterday (the API
 * refuses a past due date): launched a day ago, closing in 29 days, so nothing is behind on time
 * alone. Then, over HTTP, submissions, an acceptance, a return and a waiver give each city unit
 * one light. The dates are all relative to the day the test runs.
 */
export async function seedBoardRound(): Promise<BoardRound> {
  const province = root();
  const city = await createOffice(province, 'city');
  const sibling = await createOffice(province, 'city');
  const make = () => createUnitWithToken(city.api, city.code);
  const units = { red: await make(), yellow: await make(), blue: await make(), green: await make() };
  const foreign = await createUnitWithToken(sibling.api, sibling.code);
  const overdue = await createTaskTemplate(province);
  const soon = await createTaskTemplate(province);
  const later = await createTaskTemplate(province);

  const today = shanghaiDate(Date.now());
  const calendar = createCalendar(readCalendarFile(stack().env.DUBAN_CALENDAR_FILE));
  const id = randomUUID();
  const launchedAt = new Date(Date.now() - 86_400_000);
  const closesAt = new Date(Date.now() + 29 * 86_400_000);
  const spec = {
    tasks: [
      { templateCode: overdue.code, dueDate: addCalendarDays(today, -1) },
      { templateCode: soon.code, dueDate: calendar.shift(today, 1).date },
      { templateCode: later.code, dueDate: addCalendarDays(today, 20) },
    ],
    escalationPolicy: DEFAULT_ESCALATION_POLICY,
    rubric: DEFAULT_RUBRIC,
    board: DEFAULT_BOARD_RULE,
  };
  const all = [...Object.values(units), foreign];
  await sql(
    `INSERT INTO rounds (id, office_id, title, period, status, spec, launched_at, closes_at, unit_count)
     SELECT $1::uuid, id, '2026年11月产改重点任务专项督查', '2026-11', 'open', $2::jsonb, $3, $4, $5 FROM offices WHERE code = $6`,
    [id, JSON.stringify(spec), launchedAt, closesAt, all.length, stack().rootOffice],
  );
  await sql(`INSERT INTO round_units (round_id, unit_id) SELECT $1::uuid, id FROM units WHERE code = ANY($2)`, [id, all.map((u) => u.code)]);
  const connection = await Connection.connect({ address: stack().env.TEMPORAL_ADDRESS });
  try {
    await new Client({ connection }).workflow.start('superviseRound', {
      taskQueue: stack().taskQueue,
      workflowId: roundWorkflowId(id),
      args: [{ roundId: id, closesAt: closesAt.toISOString(), unitCount: all.length }],
    });
  } finally {
    await connection.close();
  }
  // Every unit's overdue task turns overdue as soon as its list is issued.
  await waitFor(() => getRound(province, id), (r) => r.counts.issued === all.length * 3 && r.counts.overdue === all.length, 'every task issued and the overdue ones overdue');

  const submit = async (unit: Unit & { api: Api }, template: string) => {
    const task = await myTask(unit.api, id, template);
    return expectStatus(await submitTask(unit.api, task.id, `${id}-${task.id}`), 201).submissionId as string;
  };
  const review = async (submissionId: string, decision: 'accept' | 'return') =>
    expectStatus(await city.api.post(`/submissions/${submissionId}/review`, decision === 'accept' ? { decision, score: 90 } : { decision, comment: '佐证材料不全，请补充' }), 200);

  // yellow: its overdue task done and accepted, its later task returned for rework
  await review(await submit(units.yellow, overdue.code), 'accept');
  await review(await submit(units.yellow, later.code), 'return');
  // blue: its overdue task submitted (awaiting review), its later task waived; one task due on the next working day
  await submit(units.blue, overdue.code);
  const blueLater = await myTask(units.blue.api, id, later.code);
  expectStatus(await city.api.post(`/tasks/${blueLater.id}/waive`, { reason: '该企业已纳入省级示范点，免于本项' }), 200);
  // green: everything it had due is done
  await review(await submit(units.green, overdue.code), 'accept');
  await review(await submit(units.green, soon.code), 'accept');
  await waitFor(() => getRound(province, id), (r) => r.counts.overdue === 2, 'the submitted overdue tasks no longer overdue');
  return { id, city, sibling, units, foreign, templates: { overdue: overdue.code, soon: soon.code, later: later.code } };
}
