import { Page, Uuid, z } from './common';

export const FileView = z
  .object({
    id: Uuid,
    name: z.string().openapi({ description: 'The name the unit gave, made safe (no folders or control characters)' }),
    size: z.number().int().openapi({ description: 'Bytes' }),
    contentType: z.string().openapi({ description: 'Judged from the content, not from the name' }),
    sha256: z.string().openapi({ description: 'Lower-case hex SHA-256 of the bytes; also the ETag of GET /files/{id}/content' }),
    createdAt: z.string(),
  })
  .openapi('File');

export const FileDetail = FileView.extend({ unitCode: z.string() }).openapi('FileDetail');

export const MyFilesQuery = Page.extend({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export const FileIdParams = z.object({ id: Uuid });
