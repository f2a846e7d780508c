import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import yauzl from 'yauzl';
import { request, type Api, type Reply } from './http';
import { stack } from './stack';

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Each call gives different bytes, so no two tests share a blob by accident. */
export const samplePdf = () => Buffer.from(`%PDF-1.4\n% ${randomBytes(8).toString('hex')}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
export const sampleText = () => Buffer.from(`工作总结 ${randomBytes(8).toString('hex')}\r\n一、组织建设情况\r\n`);
/** A 1x1 PNG with a random text chunk after its image data. */
export function samplePng(): Buffer {
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
  return Buffer.concat([png, randomBytes(8)]);
}
/** The start of a Linux executable and of a Windows one: refused whatever their names say. */
export const sampleElf = () => Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), randomBytes(2048)]);
export const sampleExe = () => Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), randomBytes(1024)]);

/** POST /files with one part `file` of these bytes under this name. */
export function upload(by: Api, bytes: Uint8Array, name: string, type = 'application/octet-stream'): Promise<Reply> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  return request('POST', '/api/v1/files', { token: by.token, body: form });
}

/** Sends a raw body to POST /files and answers the status, or null when the connection was cut first. */
export function rawUpload(token: string, body: Buffer, opts: { boundary: string; contentLength?: number; cutAfter?: number }): Promise<number | null> {
  const url = new URL(`${stack().baseUrl}/api/v1/files`);
  return new Promise((resolve) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${opts.boundary}`, 'content-length': String(opts.contentLength ?? body.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? null));
      },
    );
    req.on('error', () => resolve(null));
    if (opts.cutAfter !== undefined) {
      req.write(body.subarray(0, opts.cutAfter), () => setImmediate(() => {
        req.destroy();
        resolve(null);
      }));
    } else req.end(body);
  });
}

export function multipartBody(boundary: string, name: string, bytes: Buffer, close = true): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    bytes,
    Buffer.from(close ? `\r\n--${boundary}--\r\n` : ''),
  ]);
}

/** Every entry of a zip, read whole (test archives are small). */
export async function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(bytes, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))));
  const entries = new Map<string, Buffer>();
  return new Promise((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve(entries));
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          entries.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}
