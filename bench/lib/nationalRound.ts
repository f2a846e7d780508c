import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { UNIT_KINDS } from '../../domain/vocabulary';
import { roundWorkflowId, unitWorkflowId } from '../../workflows/contracts';
import { type Api, eachLimited } from './api';

const log = (message: string) => console.error(`[bench] ${message}`);
const seconds = (ms: number) => Math.round(ms) / 1000;

/** The directory through the API: templates one by one, units as one spreadsheet import per 5,000. */
export async function directoryThroughApi(api: Api, baseUrl: string, token: string, units: number, tasks: number) {
  const started = Date.now();
  const templateCodes = Array.from({ length: tasks }, (_, i) => `nat-t${String(i + 1).padStart(3, '0')}`);
  await eachLimited(templateCodes, 4, async (code, i) => {
    await api.post('/api/v1/task-templates', { code, category: '基准', title: `基准任务 ${i + 1}`, evidence: ['summary'], weight: 1 + (i % 10), dueWorkingDays: 5 + (i % 20) }, [409]);
  });
  const unitCodes = Array.from({ length: units }, (_, i) => `nat-u${String(i + 1).padStart(6, '0')}`);
  for (let i = 0; i < units; i += 5000) {
    const csv = `code,name,kind,officeCode\n${unitCodes.slice(i, i + 5000).map((c, j) => `${c},基准单位 ${i + j + 1},${UNIT_KINDS[(i + j) % UNIT_KINDS.length]},bench`).join('\n')}\n`;
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'units.csv');
    const res = await fetch(`${baseUrl}/api/v1/imports?kind=units`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`import: ${res.status} ${await res.text()}`);
  }
  log(`created ${units} units (import) and ${tasks} task templates through the API in ${seconds(Date.now() - started)} s`);
  return { unitCodes, templateCodes };
}

/**
 * The largest history among the round's workflows, and how many units have each history length: a unit nobody wrote
 * to has 1 event while its first workflow task waits for its first step (DUBAN_DEFER_UNIT_FIRST_TASK), or 5 once
 * running (started, its first workflow task scheduled, started and completed, its timer), so a longer one shows a
 * retried workflow task. SQL visibility reports `historyLength` 0 for a running workflow, so
 * each unit's history length comes from describing it (16 at a time).
 */
export async function largestHistories(client: Client, roundId: string, unitCodes: string[], writtenTo: Set<string>) {
  const round = (await client.workflow.getHandle(roundWorkflowId(roundId)).describe()).historyLength;
  let largestUnit = 0;
  let units = 0;
  const unitsByLength: Record<number, number> = {};
  const retried: string[] = [];
  await eachLimited(unitCodes, 16, async (code) => {
    const { historyLength } = await client.workflow.getHandle(unitWorkflowId(roundId, code)).describe();
    units++;
    largestUnit = Math.max(largestUnit, historyLength);
    unitsByLength[historyLength] = (unitsByLength[historyLength] ?? 0) + 1;
    if (historyLength !== 1 && historyLength !== 5 && !writtenTo.has(code)) retried.push(code);
  });
  // What happened to the first few units nobody wrote to whose history is neither of the usual 1 and 5 events.
  const unusual: Record<string, string[]> = {};
  for (const code of retried.slice(0, 3)) {
    const history = await client.workflow.getHandle(unitWorkflowId(roundId, code)).fetchHistory();
    unusual[code] = (history.events ?? []).map((e) => {
      const type = temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType);
      const detail = e.workflowTaskFailedEventAttributes?.cause ?? e.workflowTaskTimedOutEventAttributes?.timeoutType;
      return detail === undefined || detail === null ? type : `${type} (${detail})`;
    });
  }
  return { round, largestUnit, units, unitsByLength, unitsDeferred: unitsByLength[1] ?? 0, unitsNotWrittenToWithMoreEvents: retried.length, unusual };
}
