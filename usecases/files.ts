import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromFile } from 'file-type';
import { fileWhere, visibleFile } from '../access/visibility';
import { AppError, conflict } from '../api/problem';
import type { Received } from '../api/upload';
import { BlobMissing, type BlobStore } from '../blobs';
import { ErrorCode, InvalidInput, type FieldProblem } from '../domain/errors';
import { judgeContentType } from '../domain/files';
import type { EvidenceItem } from '../domain/schemas/tasks';
import type { z } from '../domain/schemas/common';
import { keepFile } from '../store/files';
import type { Db } from '../src/db';
import type { Actor, UseCaseContext } from './context';

type FileRow = { id: string; name: string; size: number; contentType: string; sha256: string; createdAt: Date };

export const fileView = (f: FileRow) => ({ id: f.id, name: f.name, size: f.size, contentType: f.contentType, sha256: f.sha256, createdAt: f.createdAt.toISOString() });

async function headOf(file: string, bytes = 4096): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Judges a received upload by its content and keeps it; the temporary file is gone either way. */
export async function addFile(ctx: UseCaseContext, actor: Actor, upload: Received) {
  try {
    const contentType = judgeContentType(await fileTypeFromFile(upload.path), await headOf(upload.path), upload.name);
    if (!contentType) throw new AppError(415, ErrorCode.FileType, 'Unsupported file type', 'allowed: PDF, pictures, Office documents, plain text, zip and short videos (judged by content, not by name)');
    const file = await keepFile(ctx.db, ctx.blobs, { unitId: actor.unit!.id, name: upload.name, size: upload.size, contentType, sha256: upload.sha256, uploadedBy: actor.actor }, upload.path);
    return fileView(file);
  } finally {
    await fs.promises.rm(upload.path, { force: true });
  }
}

export async function getFile({ db }: UseCaseContext, actor: Actor, id: string) {
  const file = await visibleFile(db, actor, id);
  return { ...fileView(file), unitCode: file.unit.code };
}

export async function myFiles({ db }: UseCaseContext, actor: Actor, query: { limit: number; offset: number }) {
  const files = await db.evidenceFile.findMany({ where: fileWhere(actor), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: query.limit, skip: query.offset });
  return files.map(fileView);
}

/** A stream of the blob that fails if its bytes do not hash to `sha256`; `verified` says how it ended. */
export function hashing(source: Readable, sha256: string): { stream: Readable; verified: Promise<boolean> } {
  const hash = createHash('sha256');
  const out = new PassThrough();
  source.on('data', (chunk: Buffer) => hash.update(chunk));
  const verified = pipeline(source, out).then(() => hash.digest('hex') === sha256);
  verified.catch(() => undefined);
  return { stream: out, verified };
}

const corrupt = (name: string) => conflict(ErrorCode.FileCorrupt, `the stored bytes of "${name}" no longer match its recorded sha256; it is not served`);

/** Reads the whole blob once to check it against its hash, without holding it. */
export async function verifyBlob(blobs: BlobStore, file: { sha256: string; name: string }): Promise<void> {
  const source = await blobs.get(file.sha256).catch((err) => {
    throw err instanceof BlobMissing ? corrupt(file.name) : err;
  });
  const hash = createHash('sha256');
  for await (const chunk of source) hash.update(chunk as Buffer);
  if (hash.digest('hex') !== file.sha256) throw corrupt(file.name);
}

/**
 * The file and a stream of its verified bytes: they are read once against the recorded hash
 * before anything is sent, so a damaged file is refused rather than served.
 */
export async function openFileContent(ctx: UseCaseContext, actor: Actor, id: string) {
  const file = await visibleFile(ctx.db, actor, id);
  return {
    file,
    open: async () => {
      await verifyBlob(ctx.blobs, file);
      return ctx.blobs.get(file.sha256);
    },
  };
}

/**
 * Checks that every evidence item naming a file names one of the unit's own, and returns the
 * items with the file's hash filled in; the files are marked as claimed so the sweep spares
 * them while the submission is recorded. Nothing is marked when any item is wrong.
 */
export async function resolveEvidenceFiles(db: Db, unitId: string, evidence: z.infer<typeof EvidenceItem>[]) {
  const ids = [...new Set(evidence.flatMap((e) => (e.fileId ? [e.fileId] : [])))];
  if (ids.length === 0) return evidence;
  const files = new Map((await db.evidenceFile.findMany({ where: { id: { in: ids }, unitId }, select: { id: true, sha256: true } })).map((f) => [f.id, f]));
  const errors: FieldProblem[] = [];
  evidence.forEach((e, i) => {
    if (!e.fileId) return;
    const file = files.get(e.fileId);
    if (!file) errors.push({ path: `evidence.${i}.fileId`, message: 'no file of yours has this id', in: 'body', code: 'unknown' });
    else if (e.sha256 && e.sha256 !== file.sha256) errors.push({ path: `evidence.${i}.sha256`, message: 'does not match the file', in: 'body', code: 'mismatch' });
  });
  if (errors.length > 0) throw new InvalidInput(`${errors.length} evidence item(s) name files that cannot be used`, errors);
  await db.evidenceFile.updateMany({ where: { id: { in: ids }, unitId }, data: { claimedAt: new Date() } });
  return evidence.map((e) => (e.fileId ? { ...e, sha256: files.get(e.fileId)!.sha256 } : e));
}
