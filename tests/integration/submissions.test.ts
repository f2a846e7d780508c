import { createOffice, createTaskTemplate, createUnitWithToken, root } from './support/fixtures';
import { expectProblem, expectStatus } from './support/http';
import { launchRound, waitUntilIssued } from './support/rounds';
import { SUMMARY, myTask, submitTask } from './support/tasks';

describe('reading a submission', () => {
  it('when its unit or an office above reads it, then they see the summary and evidence; another unit and a sibling office get 404', async () => {
    const city = await createOffice(root(), 'city');
    const sibling = await createOffice(root(), 'city');
    const [a, b] = [await createUnitWithToken(city.api, city.code), await createUnitWithToken(city.api, city.code)];
    const template = await createTaskTemplate(city.api, { evidence: ['summary'] });
    const roundId = await launchRound(city.api, [a.code, b.code], [template.code]);
    await waitUntilIssued(city.api, roundId);
    const task = await myTask(a.api, roundId, template.code);
    const { submissionId } = expectStatus(await submitTask(a.api, task.id, 'read-1', [SUMMARY]), 201);

    const own = expectStatus(await a.api.get(`/submissions/${submissionId}`), 200);
    expect(own).toMatchObject({ id: submissionId, taskId: task.id, unitCode: a.code, status: 'pending', evidence: [SUMMARY] });
    expect(expectStatus(await city.api.get(`/submissions/${submissionId}`), 200).summary).toBe(own.summary);
    expectProblem(await b.api.get(`/submissions/${submissionId}`), 404);
    expectProblem(await sibling.api.get(`/submissions/${submissionId}`), 404);
  });
});
