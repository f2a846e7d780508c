import { pipeline } from 'node:stream/promises';
import contentDisposition from 'content-disposition';
import { dispositionOf } from '../../domain/files';
import { IdParams, z } from '../../domain/schemas/common';
import { FileDetail, FileIdParams, FileView, MyFilesQuery } from '../../domain/schemas/files';
import { uploadDir } from '../../blobs';
import { roundEvidenceArchive } from '../../usecases/archive';
import type { UseCaseContext } from '../../usecases/context';
import { addFile, getFile, myFiles, openFileContent } from '../../usecases/files';
import type { Routes } from '../route';
import { receiveFile } from '../upload';

// A stored file is never rendered as part of the app: no scripts, no plugins, no framing elsewhere.
const FILE_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'";

export function fileRoutes(routes: Routes, ctx: UseCaseContext) {
  routes
    .add({
      method: 'post', path: '/files', summary: 'Upload an evidence file (multipart/form-data, one part "file"); judged by content, kept by its sha256', tags: ['Evidence files'], roles: ['unit'],
      multipart: { field: 'file', description: 'The file; PDF, pictures, Office documents, plain text, zip or short video' }, status: 201, response: FileView, errors: [413, 415],
      handler: async ({ principal, req }) => addFile(ctx, principal, await receiveFile(req, { dir: uploadDir(ctx.config), maxBytes: ctx.config.DUBAN_FILE_MAX_BYTES })),
    })
    .add({
      method: 'get', path: '/me/files', summary: 'Your unit\'s files, newest first, to reuse as evidence', tags: ['Evidence files'], roles: ['unit'],
      query: MyFilesQuery, response: z.array(FileView),
      handler: ({ query, principal }) => myFiles(ctx, principal, query),
    })
    .add({
      method: 'get', path: '/files/{id}', summary: 'A file\'s metadata: the uploading unit, or an office whose subtree holds it', tags: ['Evidence files'], roles: ['unit', 'office'],
      params: FileIdParams, response: FileDetail,
      handler: ({ params, principal }) => getFile(ctx, principal, params.id),
    })
    .add({
      method: 'get', path: '/files/{id}/content', summary: 'The file\'s bytes, checked against their sha256 (ETag) before they are sent; pictures and PDFs inline, the rest as attachment', tags: ['Evidence files'],
      roles: ['unit', 'office'], params: FileIdParams, produces: '*/*', errors: [409],
      handler: async ({ params, principal, req, res }) => {
        const { file, open } = await openFileContent(ctx, principal, params.id);
        const etag = `"${file.sha256}"`;
        res.set({ ETag: etag, 'Cache-Control': 'private, no-cache', 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': FILE_CSP, 'Cross-Origin-Resource-Policy': 'same-origin' });
        if (req.fresh) {
          res.status(304).end();
          return;
        }
        const stream = await open();
        res.status(200).set({
          'Content-Type': file.contentType,
          'Content-Length': String(file.size),
          'Content-Disposition': contentDisposition(file.name, { type: dispositionOf(file.contentType) }),
        });
        await pipeline(stream, res);
      },
    })
    .add({
      method: 'get', path: '/rounds/{id}/evidence.zip', tags: ['Evidence files'], roles: ['office'], params: IdParams, produces: 'application/zip',
      summary: 'Every evidence file of the round in your subtree, in folders per unit and task, with manifest.csv and manifest.json (unit, task, file, sha256, check); streamed',
      handler: async ({ params, principal, res }) => {
        const archive = await roundEvidenceArchive(ctx, principal, params.id);
        res.status(200).type('application/zip').set({ 'Content-Disposition': contentDisposition(archive.filename), 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'private, no-store' });
        await pipeline(archive.stream(), res);
      },
    });
}
