/** The sampling thread of ProcSampler (proc.ts): reads /proc every interval, off the benchmark's event loop. */
import { workerData } from 'node:worker_threads';
import { sampleInto, type ProcThreadData } from './proc';

const { watched, intervalMs, peaks } = workerData as ProcThreadData;
let ticks = 0;
setInterval(() => sampleInto(watched, peaks, ++ticks % 5 === 0), intervalMs);
