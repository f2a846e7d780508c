import { shanghaiDate } from '../../domain/time';
import { createOffice, createTaskTemplate, createUnitWithToken, mintToken, root } from './support/fixtures';
import { api, expectProblem, expectStatus } from './support/http';
import { getRound, launchRound, waitUntilIssued } from './support/rounds';
import { myTask, submitAndAccept, submitTask } from './support/tasks';

// Completion over a round's life: per day, the tasks of the caller's subtree submitted and accepted by then.
interface Progress { roundId: string; tasks: number; days: Array<{ date: string; submitted: number; accepted: number }> }

test('when units of a city and of a county below it submit and get accepted, then each office reads its own subtree\'s completion day by day, and no one else reads it', async () => {
  const city = await createOffice(root(), 'city');
  const county = await createOffice(city.api, 'county', city.code);
  const sibling = await createOffice(root(), 'city');
  const [u1, u2] = [await createUnitWithToken(city.api, city.code), await createUnitWithToken(city.api, city.code)];
  const u3 = await createUnitWithToken(city.api, county.code);
  const template = await createTaskTemplate(city.api, { evidence: ['summary'] });
  const roundId = await launchRound(city.api, [u1.code, u2.code, u3.code], [template.code]);
  await waitUntilIssued(city.api, roundId);

  await submitAndAccept(u1.api, city.api, roundId, template.code, 90);
  expectStatus(await submitTask(u2.api, (await myTask(u2.api, roundId, template.code)).id, 'progress-u2'), 201);
  await submitAndAccept(u3.api, city.api, roundId, template.code, 80);

  const round = await getRound(city.api, roundId);
  const cityView: Progress = expectStatus(await city.api.get(`/rounds/${roundId}/progress`), 200);
  expect(cityView.tasks).toBe(3);
  expect(cityView.days[0].date).toBe(shanghaiDate(new Date(round.launchedAt)));
  expect(cityView.days.at(-1)).toMatchObject({ submitted: 3, accepted: 2 });
  // Cumulative: no day has more than the next.
  for (let i = 1; i < cityView.days.length; i++) {
    expect(cityView.days[i].submitted).toBeGreaterThanOrEqual(cityView.days[i - 1].submitted);
    expect(cityView.days[i].accepted).toBeGreaterThanOrEqual(cityView.days[i - 1].accepted);
  }

  const countyView: Progress = expectStatus(await county.api.get(`/rounds/${roundId}/progress`), 200);
  expect(countyView.tasks).toBe(1);
  expect(countyView.days.at(-1)).toMatchObject({ submitted: 1, accepted: 1 });

  expectProblem(await sibling.api.get(`/rounds/${roundId}/progress`), 404);
  expectProblem(await u1.api.get(`/rounds/${roundId}/progress`), 403);
  expectProblem(await api(await mintToken(city.api, 'unit', u2.code)).get(`/rounds/${roundId}/progress`), 403);
});
