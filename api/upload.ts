import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Request } from 'express';
import { ErrorCode } from '../domain/errors';
import { safeFileName } from '../domain/files';
import { AppError, badRequest } from './problem';

/** An upload written to a temporary file, hashed on the way; the caller keeps or removes it. */
export interface Received {
  path: string;
  name: string;
  size: number;
  sha256: string;
}

const missingFile = (detail: string) => badRequest(detail, [{ path: 'file', message: detail, in: 'body', code: 'required' }], ErrorCode.FileMissing);
export const tooLarge = (max: number) => new AppError(413, ErrorCode.FileTooLarge, 'File too large', `the file is larger than ${max} bytes`);

// Past this much more than the limit a refused upload is no longer read to its end: the connection is cut.
const DRAIN_FACTOR = 4;

/**
 * Streams the multipart part `file` of a request to a fresh file in `dir`, hashing and counting
 * as it goes; nothing of it is held in memory. A refused, malformed or interrupted upload leaves
 * no file behind.
 */
export async function receiveFile(req: Request, opts: { dir: string; maxBytes: number }): Promise<Received> {
  // Listened for from the first moment: a client gone while the folder is made would otherwise never be heard of.
  const interrupted = untilInterrupted(req);
  interrupted.catch(() => undefined);
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: opts.maxBytes, fields: 20, parts: 40, fieldSize: 64 * 1024 } });
  } catch {
    throw missingFile('send multipart/form-data with one part named "file"');
  }
  await fs.promises.mkdir(opts.dir, { recursive: true });
  const target = path.join(opts.dir, `${randomUUID()}.part`);
  let received: Received | undefined;
  let out: fs.WriteStream | undefined;
  let writing: Promise<void> | undefined;
  let truncated = false;
  let seen = 0;

  const done = new Promise<void>((resolve, reject) => {
    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || writing) {
        stream.resume();
        return;
      }
      const hash = createHash('sha256');
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          size += chunk.length;
          cb(null, chunk);
        },
      });
      stream.on('limit', () => (truncated = true));
      out = fs.createWriteStream(target, { flags: 'wx', mode: 0o600 });
      writing = pipeline(stream, meter, out).then(() => {
        received = { path: target, name: safeFileName(info.filename), size, sha256: hash.digest('hex') };
      });
      writing.catch(reject);
    });
    parser.on('close', () => resolve());
    parser.on('error', reject);
  });

  // A refused upload is read to its end so the client hears the refusal, unless it goes on far too long.
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > opts.maxBytes * DRAIN_FACTOR + 1024 * 1024) req.destroy();
  });
  req.pipe(parser);

  try {
    await Promise.race([done, interrupted]);
    await writing;
    if (truncated) throw tooLarge(opts.maxBytes);
    if (!received) throw missingFile('the form has no part named "file"');
    if (received.size === 0) throw missingFile('the file is empty');
    return received;
  } catch (err) {
    req.unpipe(parser);
    parser.destroy();
    await discard(out, target);
    if (err instanceof AppError) throw err;
    throw badRequest(`the upload could not be read: ${(err as Error).message}`, undefined, ErrorCode.MalformedBody);
  }
}

/** Rejects once the request is closed before its body was read to the end, or at once if it was already. */
function untilInterrupted(req: Request): Promise<never> {
  return new Promise((_, reject) => {
    const refuse = () => reject(badRequest('the upload was interrupted', undefined, ErrorCode.MalformedBody));
    if (req.destroyed && !req.complete) refuse();
    else req.once('close', () => !req.complete && refuse());
  });
}

/**
 * Removes a refused upload's file. The file is closed first: a file still being opened when the upload is refused
 * would otherwise be created after its removal, and stay.
 */
async function discard(out: fs.WriteStream | undefined, target: string) {
  if (out && !out.closed) {
    await new Promise<void>((resolve) => {
      out.once('close', () => resolve());
      out.destroy();
    });
  }
  await fs.promises.rm(target, { force: true });
}

/** A spreadsheet or other small upload read whole, for the directory import. */
export interface Upload {
  name: string;
  bytes: Buffer;
}

const uploadTooLarge = (maxBytes: number) => new AppError(413, ErrorCode.PayloadTooLarge, 'Payload too large', `the file is larger than ${Math.floor(maxBytes / 1024 / 1024)} MB`);
const missingPart = (field: string) => badRequest(`send multipart/form-data with one part named ${field}`, [{ path: field, message: 'required', in: 'body', code: 'required' }]);

/**
 * Reads the one file part `field` of a multipart/form-data request into memory, up to
 * `maxBytes`; a larger one is refused as soon as it passes the limit, and nothing of it is kept. A client gone
 * before the body ends gets its request refused, not left waiting.
 */
export function readUpload(req: Request, field: string, maxBytes: number): Promise<Upload> {
  if (!req.is('multipart/form-data')) {
    return Promise.reject(new AppError(415, ErrorCode.UnsupportedMediaType, 'Unsupported media type', `send multipart/form-data with one part named ${field}`));
  }
  const declared = Number(req.get('content-length'));
  // Room for the part's headers and boundaries around the file itself.
  if (Number.isFinite(declared) && declared > maxBytes + 64 * 1024) {
    req.resume();
    return Promise.reject(uploadTooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    untilInterrupted(req).catch(reject);
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 20, parts: 21 } });
    } catch (err) {
      reject(badRequest(`the multipart body cannot be read: ${(err as Error).message}`, undefined, ErrorCode.MalformedBody));
      return;
    }
    let upload: Upload | undefined;
    let failure: AppError | undefined;
    parser.on('file', (name, stream, info) => {
      if (name !== field || upload) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        failure = uploadTooLarge(maxBytes);
        chunks.length = 0;
      });
      stream.on('end', () => {
        if (!failure) upload = { name: info.filename ?? field, bytes: Buffer.concat(chunks) };
      });
    });
    parser.on('error', (err: Error) => reject(badRequest(`the multipart body cannot be read: ${err.message}`, undefined, ErrorCode.MalformedBody)));
    parser.on('close', () => {
      if (failure) reject(failure);
      else if (!upload) reject(missingPart(field));
      else resolve(upload);
    });
    req.pipe(parser);
  });
}
