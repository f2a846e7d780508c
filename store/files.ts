import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BlobStore } from '../blobs';
import type { Db } from '../src/db';

export interface NewFile {
  unitId: string;
  name: string;
  size: number;
  contentType: string;
  sha256: string;
  uploadedBy: string;
}

/**
 * Keeps an upload: marks its blob as wanted (so a sweep running now leaves it), stores the
 * bytes unless the same content is already there, then records the file. A sweep that got to
 * the blob first holds its row locked until the bytes are gone, so this waits and stores anew.
 */
export async function keepFile(db: Db, blobs: BlobStore, file: NewFile, tempPath: string) {
  await db.$executeRaw`
    INSERT INTO blobs (sha256, size) VALUES (${file.sha256}, ${file.size})
    ON CONFLICT (sha256) DO UPDATE SET touched_at = now()`;
  await blobs.put(file.sha256, tempPath, file.size);
  return db.evidenceFile.create({ data: file });
}

/**
 * Keeps bytes the product made (a document an event carries) as a blob, marked as wanted first
 * as an upload is; the caller records what names it. Returns the content's sha256.
 */
export async function keepBytes(db: Db, blobs: BlobStore, bytes: Buffer): Promise<{ sha256: string; size: number }> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await db.$executeRaw`
    INSERT INTO blobs (sha256, size) VALUES (${sha256}, ${bytes.length})
    ON CONFLICT (sha256) DO UPDATE SET touched_at = now()`;
  if (!(await blobs.has(sha256))) {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'duban-blob-'));
    try {
      const file = path.join(dir, sha256);
      await fs.promises.writeFile(file, bytes);
      await blobs.put(sha256, file, bytes.length);
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  }
  return { sha256, size: bytes.length };
}

export interface SweepResult {
  files: number;
  blobs: number;
}

/**
 * Removes files that no submission names and that were uploaded (or last named) before
 * `before`, then the blobs no file and no event's attachment names any more. Each blob is removed from the store while
 * its row is locked, so an upload of the same content waits and stores it again.
 */
export async function sweepUnusedFiles(db: Db, blobs: BlobStore, before: Date, batch = 500): Promise<SweepResult> {
  let files = 0;
  for (;;) {
    const n = await db.$executeRaw`
      DELETE FROM evidence_files f WHERE f.id IN (
        SELECT id FROM evidence_files
        WHERE COALESCE(claimed_at, created_at) < ${before}
          AND NOT EXISTS (SELECT 1 FROM evidence_uses u WHERE u.file_id = evidence_files.id)
        LIMIT ${batch})`;
    files += n;
    if (n < batch) break;
  }
  const candidates = await db.$queryRaw<Array<{ sha256: string }>>`
    SELECT b.sha256 FROM blobs b
    WHERE b.touched_at < ${before} AND NOT EXISTS (SELECT 1 FROM evidence_files f WHERE f.sha256 = b.sha256)
      AND NOT EXISTS (SELECT 1 FROM notification_attachments a WHERE a.sha256 = b.sha256)`;
  let removed = 0;
  for (const { sha256 } of candidates) {
    const gone = await db.$transaction(
      async (tx) => {
        const [row] = await tx.$queryRaw<Array<{ sha256: string }>>`
          SELECT sha256 FROM blobs WHERE sha256 = ${sha256} AND touched_at < ${before}
            AND NOT EXISTS (SELECT 1 FROM evidence_files f WHERE f.sha256 = blobs.sha256)
            AND NOT EXISTS (SELECT 1 FROM notification_attachments a WHERE a.sha256 = blobs.sha256)
          FOR UPDATE`;
        if (!row) return false;
        await blobs.delete(sha256);
        await tx.$executeRaw`DELETE FROM blobs WHERE sha256 = ${sha256}`;
        return true;
      },
      { timeout: 60_000 },
    );
    if (gone) removed++;
  }
  return { files, blobs: removed };
}

/** The files a submission names, in its evidence order, as audit entries record them. */
export async function submissionFiles(db: Db, submissionId: string) {
  const uses = await db.evidenceUse.findMany({ where: { submissionId }, include: { file: true }, orderBy: { position: 'asc' } });
  return uses.map((u) => ({ position: u.position, fileId: u.fileId, name: u.file.name, size: u.file.size, sha256: u.file.sha256 }));
}

/** For each accepted task of a unit in a round, the files of the submission that was accepted. */
export async function acceptedTaskFiles(db: Db, roundId: string, unitId: string) {
  const submissions = await db.submission.findMany({
    where: { status: 'accepted', task: { roundId, unitId, status: 'accepted' } },
    select: { id: true, task: { select: { code: true, title: true } }, files: { orderBy: { position: 'asc' }, select: { file: { select: { id: true, name: true, size: true, sha256: true } } } } },
    orderBy: { task: { code: 'asc' } },
  });
  return submissions.map((s) => ({ taskCode: s.task.code, taskTitle: s.task.title, submissionId: s.id, files: s.files.map((u) => u.file) }));
}
