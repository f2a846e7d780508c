// `npm run bench -- [name] [options]`: runs one benchmark from bench/. With no name it issues a round:
// `issue-round` on the dev-server stack, or `national` with `--cluster` (the same round on the cluster stack,
// with the ceilings of its servers), so `npm run bench -- --units 20000 --tasks 30 --cluster` is the national run.
import { main as apiLoad } from '../bench/api-load';
import { main as board } from '../bench/board';
import { main as boardRefresh } from '../bench/board-refresh';
import { main as evidence } from '../bench/evidence';
import { main as directoryImport } from '../bench/import';
import { main as issueRound } from '../bench/issue-round';
import { main as massDeadline } from '../bench/mass-deadline';
import { main as national } from '../bench/national';
import { main as wakeStorm } from '../bench/wake-storm';

const benchmarks: Record<string, (argv: string[]) => Promise<number>> = { 'issue-round': issueRound, 'mass-deadline': massDeadline, import: directoryImport, evidence, board, 'board-refresh': boardRefresh, national, 'api-load': apiLoad, 'wake-storm': wakeStorm };

const argv = process.argv.slice(2);
const name = argv[0] && !argv[0].startsWith('-') ? argv.shift()! : argv.includes('--cluster') ? 'national' : 'issue-round';
const bench = benchmarks[name];
if (!bench) {
  console.error(`unknown benchmark ${name}; known: ${Object.keys(benchmarks).join(', ')}`);
  process.exit(2);
}
bench(argv).then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(e.stack ?? e.message);
    process.exit(1);
  },
);
