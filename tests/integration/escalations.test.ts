import { launchBackdatedRound } from './support/backdated';
import { createOffice, createTaskTemplate, createUnitWithToken, root, type Office, type Unit } from './support/fixtures';
import { expectProblem, expectStatus, type Api } from './support/http';
import { getRound, waitForRound } from './support/rounds';
import { stack } from './support/stack';

// Every round here was launched 90 days ago with its tasks due 60 days ago, so each unit's whole
// default ladder (reminder -3, overdue 0, supervision +3, escalated +7, public notice +15 working
// days) lies in the past and the worker fires all five steps as soon as the list is issued.
//
// The tree: root (province) > cityA > countyA; root > cityB. u1 belongs to cityA itself, u2 to
// countyA, uB to cityB. A step goes to the unit's own office, `escalated` to that office's
// parent and `public_notice` to the root.

interface EscalationView {
  level: string;
  unitCode: string;
  taskCode: string;
  targetOfficeCode: string;
  cycle: number;
}

type UnitClient = Unit & { api: Api };

let cityA: Office, countyA: Office, cityB: Office;
let u1: UnitClient, u2: UnitClient, uB: UnitClient;
let t1: string, t2: string;
/** Launched by cityA for u1 and u2: nothing of it is in cityB's subtree. */
let cityRound: string;
/** Launched by the root for u1 and uB: both cities see it, each only its own part. */
let provinceRound: string;

const LEVELS = ['reminder', 'overdue', 'supervision', 'escalated', 'public_notice'];

const escalations = async (by: Api, roundId: string, query = ''): Promise<EscalationView[]> => expectStatus(await by.get(`/rounds/${roundId}/escalations${query}`), 200);

/** (unit, level, target) of each step, sorted, to compare whole lists at once. */
const steps = (rows: EscalationView[]) => rows.map((e) => `${e.unitCode} ${e.taskCode} ${e.level} -> ${e.targetOfficeCode}`).sort();

/** The steps each task of `unit` fires, with the office each one is addressed to. */
function ladder(unit: Unit, templates: string[], own: string, parent: string, levels = LEVELS): string[] {
  const target = (level: string) => (level === 'escalated' ? parent : level === 'public_notice' ? stack().rootOffice : own);
  return templates.flatMap((t) => levels.map((level) => `${unit.code} ${t} ${level} -> ${target(level)}`));
}

/** Counts as GET /rounds/{id} shows them, next to what the same caller can list as tasks. */
async function countsAgainstTasks(by: Api, roundId: string) {
  const { counts } = await getRound(by, roundId);
  const tasks: Array<{ status: string; escalationLevel: string | null }> = expectStatus(await by.get(`/rounds/${roundId}/tasks`), 200);
  return {
    counts: { tasks: counts.tasks, issued: counts.issued, overdue: counts.overdue, escalated: counts.escalated },
    listed: {
      tasks: tasks.length,
      issued: tasks.length,
      overdue: tasks.filter((t) => t.status === 'overdue').length,
      escalated: tasks.filter((t) => t.escalationLevel === 'escalated' || t.escalationLevel === 'public_notice').length,
    },
  };
}

beforeAll(async () => {
  [cityA, cityB] = await Promise.all([createOffice(root(), 'city'), createOffice(root(), 'city')]);
  countyA = await createOffice(cityA.api, 'county');
  [u1, u2, uB] = await Promise.all([createUnitWithToken(cityA.api, cityA.code), createUnitWithToken(cityA.api, countyA.code), createUnitWithToken(cityB.api, cityB.code)]);
  [t1, t2] = await Promise.all([createTaskTemplate(root()), createTaskTemplate(root())]).then((ts) => ts.map((t) => t.code));

  const backdated = { launchedDaysAgo: 90, dueDaysAgo: 60 };
  cityRound = await launchBackdatedRound({ ...backdated, officeCode: cityA.code, unitCodes: [u1.code, u2.code], templateCodes: [t1, t2] });
  provinceRound = await launchBackdatedRound({ ...backdated, officeCode: stack().rootOffice, unitCodes: [u1.code, uB.code], templateCodes: [t1] });
  // escalationLevel is raised after the step records are written, in the same batch.
  for (const [id, tasks] of [[cityRound, 4], [provinceRound, 2]] as const) {
    await waitForRound(root(), id, (r) => r.counts.issued === tasks && r.counts.escalated === tasks, 'every task at public notice');
  }
});

afterAll(async () => {
  // Stops the rounds' workflows; a failure above must not leave them to later files.
  for (const id of [cityRound, provinceRound].filter(Boolean)) await root().post(`/rounds/${id}/cancel`);
});

describe('escalations of a city round, as each office level and the unit see them', () => {
  test('when the root office lists the escalations, then it sees every step of every unit, each addressed as the ladder says', async () => {
    const rows = await escalations(root(), cityRound);
    expect(steps(rows)).toEqual([...ladder(u1, [t1, t2], cityA.code, stack().rootOffice), ...ladder(u2, [t1, t2], countyA.code, cityA.code)].sort());
    expect(rows.every((e) => e.cycle === 0)).toBe(true);
    expect(await countsAgainstTasks(root(), cityRound)).toEqual({ counts: { tasks: 4, issued: 4, overdue: 4, escalated: 4 }, listed: { tasks: 4, issued: 4, overdue: 4, escalated: 4 } });
  });

  test('when the city lists the escalations, then it sees the steps addressed to itself and to its county, not those reported to the root', async () => {
    const rows = await escalations(cityA.api, cityRound);
    expect(steps(rows)).toEqual(
      [...ladder(u1, [t1, t2], cityA.code, '', ['reminder', 'overdue', 'supervision']), ...ladder(u2, [t1, t2], countyA.code, cityA.code, ['reminder', 'overdue', 'supervision', 'escalated'])].sort(),
    );
    expect(await escalations(cityA.api, cityRound, '?level=public_notice')).toEqual([]);
    expect(steps(await escalations(cityA.api, cityRound, '?level=escalated'))).toEqual(ladder(u2, [t1, t2], countyA.code, cityA.code, ['escalated']).sort());
    // Its own unit u1 was reported to the root: the count and the task list say so, the step itself is the root's.
    expect(await countsAgainstTasks(cityA.api, cityRound)).toEqual({ counts: { tasks: 4, issued: 4, overdue: 4, escalated: 4 }, listed: { tasks: 4, issued: 4, overdue: 4, escalated: 4 } });
  });

  test('when the county lists the escalations, then it sees only the steps addressed to itself, and counts only its own unit', async () => {
    expect(steps(await escalations(countyA.api, cityRound))).toEqual(ladder(u2, [t1, t2], countyA.code, '', ['reminder', 'overdue', 'supervision']).sort());
    expect(await countsAgainstTasks(countyA.api, cityRound)).toEqual({ counts: { tasks: 2, issued: 2, overdue: 2, escalated: 2 }, listed: { tasks: 2, issued: 2, overdue: 2, escalated: 2 } });
  });

  test('when the sibling city asks for the round, its escalations or one of its units, then each answers 404', async () => {
    expectProblem(await cityB.api.get(`/rounds/${cityRound}`), 404);
    expectProblem(await cityB.api.get(`/rounds/${cityRound}/escalations`), 404);
    expectProblem(await cityB.api.get(`/rounds/${cityRound}/escalations?level=escalated`), 404);
    expectProblem(await cityA.api.get(`/rounds/${cityRound}/escalations?unitCode=${uB.code}`), 404);
  });

  test('when a unit lists the escalations, then it sees every step about its own tasks, whoever they were addressed to, and nothing of the other unit', async () => {
    expect(steps(await escalations(u1.api, cityRound))).toEqual(ladder(u1, [t1, t2], cityA.code, stack().rootOffice).sort());
    expect(steps(await escalations(u2.api, cityRound, '?level=escalated'))).toEqual(ladder(u2, [t1, t2], countyA.code, cityA.code, ['escalated']).sort());
    expectProblem(await u1.api.get(`/rounds/${cityRound}/escalations?unitCode=${u2.code}`), 404);
    expect(await countsAgainstTasks(u1.api, cityRound)).toEqual({ counts: { tasks: 2, issued: 2, overdue: 2, escalated: 2 }, listed: { tasks: 2, issued: 2, overdue: 2, escalated: 2 } });
    expect((await getRound(u1.api, cityRound)).counts.units).toBe(1);
  });

  test('when a unit of the sibling city asks for the round or its escalations, then both answer 404', async () => {
    expectProblem(await uB.api.get(`/rounds/${cityRound}`), 404);
    expectProblem(await uB.api.get(`/rounds/${cityRound}/escalations`), 404);
  });
});

describe('escalations of a province round spanning two cities', () => {
  test('when each city lists the escalations, then it sees only the steps addressed within its subtree and counts only its own unit', async () => {
    expect(steps(await escalations(cityA.api, provinceRound))).toEqual(ladder(u1, [t1], cityA.code, '', ['reminder', 'overdue', 'supervision']).sort());
    expect(steps(await escalations(cityB.api, provinceRound))).toEqual(ladder(uB, [t1], cityB.code, '', ['reminder', 'overdue', 'supervision']).sort());
    expect(await escalations(cityB.api, provinceRound, '?level=escalated')).toEqual([]);
    expectProblem(await cityB.api.get(`/rounds/${provinceRound}/escalations?unitCode=${u1.code}`), 404);
    for (const city of [cityA, cityB]) {
      expect((await getRound(city.api, provinceRound)).counts.units).toBe(1);
      expect(await countsAgainstTasks(city.api, provinceRound)).toEqual({ counts: { tasks: 1, issued: 1, overdue: 1, escalated: 1 }, listed: { tasks: 1, issued: 1, overdue: 1, escalated: 1 } });
    }
  });

  test('when the root lists the escalated and public notice steps, then both cities\' units reported to it are there', async () => {
    const reported = [...(await escalations(root(), provinceRound, '?level=escalated')), ...(await escalations(root(), provinceRound, '?level=public_notice'))];
    expect(steps(reported)).toEqual([...ladder(u1, [t1], cityA.code, stack().rootOffice, ['escalated', 'public_notice']), ...ladder(uB, [t1], cityB.code, stack().rootOffice, ['escalated', 'public_notice'])].sort());
    expect(await countsAgainstTasks(root(), provinceRound)).toEqual({ counts: { tasks: 2, issued: 2, overdue: 2, escalated: 2 }, listed: { tasks: 2, issued: 2, overdue: 2, escalated: 2 } });
  });
});
