import busboy from 'busboy';
import type { Request } from 'express';
import { ErrorCode } from '../domain/errors';
import { AppError, badRequest } from './problem';

export interface Upload {
  name: string;
  bytes: Buffer;
}

const tooLarge = (maxBytes: number) => new AppError(413, ErrorCode.PayloadTooLarge, 'Payload too large', `the file is larger than ${Math.floor(maxBytes / 1024 / 1024)} MB`);
const missing = (field: string) => badRequest(`send multipart/form-data with one part named ${field}`, [{ path: field, message: 'required', in: 'body', code: 'required' }]);

/**
 * Reads the one file part `field` of a multipart/form-data request into memory, up to
 * `maxBytes`; a larger one is refused as soon as it passes the limit, and nothing of it is kept.
 */
export function readUpload(req: Request, field: string, maxBytes: number): Promise<Upload> {
  if (!req.is('multipart/form-data')) {
    return Promise.reject(new AppError(415, ErrorCode.UnsupportedMediaType, 'Unsupported media type', `send multipart/form-data with one part named ${field}`));
  }
  const declared = Number(req.get('content-length'));
  // Room for the part's headers and boundaries around the file itself.
  if (Number.isFinite(declared) && declared > maxBytes + 64 * 1024) {
    req.resume();
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
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
        failure = tooLarge(maxBytes);
        chunks.length = 0;
      });
      stream.on('end', () => {
        if (!failure) upload = { name: info.filename ?? field, bytes: Buffer.concat(chunks) };
      });
    });
    parser.on('error', (err: Error) => reject(badRequest(`the multipart body cannot be read: ${err.message}`, undefined, ErrorCode.MalformedBody)));
    parser.on('close', () => {
      if (failure) reject(failure);
      else if (!upload) reject(missing(field));
      else resolve(upload);
    });
    req.pipe(parser);
  });
}
