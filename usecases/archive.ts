import { PassThrough, Readable } from 'node:stream';
import yazl from 'yazl';
import { unitWhere, visibleRound } from '../access/visibility';
import { BlobMissing } from '../blobs';
import { archiveSegment } from '../domain/files';
import type { Actor, UseCaseContext } from './context';
import { hashing } from './files';

export interface ManifestEntry {
  unitCode: string;
  unitName: string;
  taskCode: string;
  taskTitle: string;
  submissionId: string;
  submissionStatus: string;
  title: string;
  name: string;
  path: string;
  size: number;
  sha256: string;
  /** ok: the bytes in the archive hash to sha256; corrupt or missing: they do not, or there are none. */
  check: 'ok' | 'corrupt' | 'missing';
}

const MANIFEST_HEADERS = ['单位代码', '单位', '任务代码', '任务', '证明材料', '文件名', '路径', '大小', 'sha256', '审核状态', '校验'];
const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** "name.pdf", then "name (2).pdf", ... within one folder. */
function uniqueIn(taken: Set<string>, name: string): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  let candidate = name;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** Every evidence file of the round's submissions in the caller's subtree, one folder per unit and task. */
async function manifestOf({ db }: UseCaseContext, actor: Actor, roundId: string): Promise<ManifestEntry[]> {
  const uses = await db.evidenceUse.findMany({
    where: { submission: { task: { roundId, unit: unitWhere(actor) } } },
    include: {
      file: true,
      submission: { select: { id: true, status: true, submittedAt: true, evidence: true, task: { select: { id: true, code: true, title: true, unit: { select: { code: true, name: true } } } } } },
    },
  });
  uses.sort((a, b) => {
    const ta = a.submission.task;
    const tb = b.submission.task;
    return ta.unit.code.localeCompare(tb.unit.code) || ta.code.localeCompare(tb.code) || a.submission.submittedAt.getTime() - b.submission.submittedAt.getTime() || a.position - b.position;
  });
  const folders = new Map<string, Set<string>>();
  const seen = new Set<string>();
  const entries: ManifestEntry[] = [];
  for (const use of uses) {
    const { task } = use.submission;
    if (seen.has(`${task.id}:${use.fileId}`)) continue;
    seen.add(`${task.id}:${use.fileId}`);
    const folder = `${archiveSegment(`${task.unit.code} ${task.unit.name}`)}/${archiveSegment(`${task.code} ${task.title}`)}`;
    if (!folders.has(folder)) folders.set(folder, new Set(['manifest.csv', 'manifest.json']));
    const name = uniqueIn(folders.get(folder)!, use.file.name);
    const item = (use.submission.evidence as Array<{ title?: string }>)[use.position];
    entries.push({
      unitCode: task.unit.code, unitName: task.unit.name, taskCode: task.code, taskTitle: task.title, submissionId: use.submission.id, submissionStatus: use.submission.status,
      title: item?.title ?? '', name: use.file.name, path: `${folder}/${name}`, size: use.file.size, sha256: use.file.sha256, check: 'missing',
    });
  }
  return entries;
}

function manifestCsv(entries: ManifestEntry[]): Buffer {
  const rows = entries.map((e) => [e.unitCode, e.unitName, e.taskCode, e.taskTitle, e.title, e.name, e.path, String(e.size), e.sha256, e.submissionStatus, e.check]);
  return Buffer.from(`\uFEFF${[MANIFEST_HEADERS, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`, 'utf8');
}

/**
 * GET /rounds/{id}/evidence.zip: streams a zip of the round's evidence files, read from the
 * blob store one at a time, then manifest.csv and manifest.json, which say for each file
 * whether its bytes matched its recorded hash while they were written.
 */
export async function roundEvidenceArchive(ctx: UseCaseContext, actor: Actor, roundId: string) {
  const round = await visibleRound(ctx.db, actor, roundId);
  const entries = await manifestOf(ctx, actor, round.id);
  return {
    filename: `证明材料-${archiveSegment(round.title)}-${round.period}.zip`,
    entries: entries.length,
    stream(): Readable {
      const zip = new yazl.ZipFile();
      const checks: Array<Promise<void>> = [];
      for (const entry of entries) {
        // Evidence is mostly compressed already (pictures, video, PDF, Office); storing it costs no CPU.
        zip.addReadStreamLazy(entry.path, { compress: false }, (cb) => {
          ctx.blobs.get(entry.sha256).then(
            (source) => {
              const { stream, verified } = hashing(source, entry.sha256);
              checks.push(verified.then((ok) => void (entry.check = ok ? 'ok' : 'corrupt'), () => void (entry.check = 'corrupt')));
              cb(null, stream);
            },
            (err: Error) => {
              if (!(err instanceof BlobMissing)) return cb(err, undefined as never);
              cb(null, Readable.from([]));
            },
          );
        });
      }
      const manifest = async () => {
        await Promise.all(checks);
        return entries;
      };
      zip.addReadStreamLazy('manifest.csv', (cb) => void manifest().then((e) => cb(null, Readable.from([manifestCsv(e)])), (err: Error) => cb(err, undefined as never)));
      zip.addReadStreamLazy('manifest.json', (cb) => void manifest().then((e) => cb(null, Readable.from([Buffer.from(JSON.stringify({ roundId: round.id, title: round.title, period: round.period, files: e }, null, 2))])), (err: Error) => cb(err, undefined as never)));
      zip.end();
      const out = new PassThrough();
      zip.on('error', (err: Error) => out.destroy(err));
      zip.outputStream.pipe(out);
      return out;
    },
  };
}
