// Replays every committed workflow history (tests/replay/histories, recorded by record.ts)
// against the current workflow code: a change that would break running workflows when it is
// deployed fails here. See README.md in this folder.
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import * as workflows from '../../workflows';
import { bundleWorkflows, quietRuntime, workflowBundle } from '../workflows/support/bundle';

quietRuntime();

const HISTORIES = path.join(__dirname, 'histories');
const files = fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.json')).sort();

/**
 * The files hold JSON.stringify(await handle.fetchHistory()). They are read back with the
 * generated History.fromObject rather than historyFromJSON: in this install @temporalio/common
 * and @temporalio/proto each carry their own protobufjs copy, and historyFromJSON fails with
 * "type must be a Type".
 */
function loadHistory(file: string): temporal.api.history.v1.History {
  return temporal.api.history.v1.History.fromObject(JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8')));
}

const workflowTypeOf = (history: temporal.api.history.v1.IHistory) => history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;

describe('replay of recorded histories', () => {
  test('when the histories folder is read, then every workflow type the worker registers has a recording', () => {
    const recorded = new Set(files.map((f) => workflowTypeOf(loadHistory(f))));
    expect(Object.keys(workflows).filter((type) => !recorded.has(type))).toEqual([]);
  });

  test('when the histories folder is read, then a run that continued as new is among them', () => {
    const continued = files.filter((f) => loadHistory(f).events?.some((e) => e.workflowExecutionContinuedAsNewEventAttributes));
    expect(continued).not.toEqual([]);
  });

  test.each(files)('when %s is replayed against the current workflow code, then it replays without non-determinism', async (file) => {
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle(), replayName: file }, loadHistory(file), file)).resolves.toBeUndefined();
  });

  test('when a history is replayed against a copy of superviseUnit that calls an extra activity before issuing, then replay throws DeterminismViolationError', async () => {
    const changed = await bundleWorkflows(require.resolve('./fixtures/changed-workflows'));
    const replay = Worker.runReplayHistory({ workflowBundle: changed }, loadHistory('superviseUnit-lifecycle.json'), 'superviseUnit-lifecycle');
    const err = await replay.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeterminismViolationError);
    expect((err as Error).message).toMatch(/issueTaskList/);
  });
});
