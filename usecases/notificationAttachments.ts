import type { Calendars } from '../activities/calendar';
import { governs } from '../access/visibility';
import { notFound } from '../api/problem';
import { DOCX_TYPE } from '../documents/docx';
import { keepBytes } from '../store/files';
import type { BlobStore } from '../blobs';
import type { Actor, ReadContext, UseCaseContext } from './context';
import { bulletin } from './documents';

/** What an event's `attachments` hold: the document's name and type, its sha256 and where to fetch it. */
export interface AttachmentView {
  name: string;
  contentType: string;
  sha256: string;
  size: number;
  url: string;
}

/** Events whose notice carries the round's 督查通报. */
export const BULLETIN_KINDS: readonly string[] = ['escalation.public_notice'];

export const attachmentPath = (notificationId: string, sha256: string) => `/api/v1/notifications/${encodeURIComponent(notificationId)}/attachments/${sha256}`;

interface Deps extends ReadContext {
  blobs: BlobStore;
  calendars: Calendars;
  /** The API's address as receivers reach it, without a trailing slash. */
  publicUrl: string;
}

interface EventRow {
  id: string;
  kind: string;
  officeId: string | null;
  roundId: string | null;
  createdAt: Date;
}

/**
 * The documents an event carries, made on its first delivery: a public notice carries the
 * 督查通报 of its round as the office it is addressed to reads it (that office's subtree, nothing
 * beyond). A bulletin of the same round and office whose reads began after this event was
 * recorded already shows it, so a mass deadline's notices share one document instead of each
 * building its own. Built here, in the delivery activity; workflows never see it.
 */
export async function eventAttachments(deps: Deps, event: EventRow): Promise<AttachmentView[]> {
  const { db } = deps;
  let rows = await db.notificationAttachment.findMany({ where: { notificationId: event.id }, orderBy: { position: 'asc' } });
  if (rows.length === 0 && BULLETIN_KINDS.includes(event.kind) && event.roundId && event.officeId) {
    const { roundId, officeId } = event;
    const shared = await db.notificationAttachment.findFirst({ where: { roundId, officeId, builtAt: { gte: event.createdAt } }, orderBy: { builtAt: 'desc' } });
    const doc = shared ?? (await buildBulletin(deps, roundId, officeId));
    await db.notificationAttachment.createMany({
      skipDuplicates: true,
      data: [{ notificationId: event.id, position: 0, name: doc.name, contentType: doc.contentType, sha256: doc.sha256, size: doc.size, roundId, officeId, builtAt: doc.builtAt }],
    });
    // Two deliveries of one event may build at once; both send what was recorded first.
    rows = await db.notificationAttachment.findMany({ where: { notificationId: event.id }, orderBy: { position: 'asc' } });
  }
  return rows.map((a) => ({ name: a.name, contentType: a.contentType, sha256: a.sha256, size: a.size, url: `${deps.publicUrl}${attachmentPath(event.id, a.sha256)}` }));
}

async function buildBulletin(deps: Deps, roundId: string, officeId: string) {
  const builtAt = new Date();
  const office = await deps.db.office.findUniqueOrThrow({ where: { id: officeId }, select: { id: true, code: true, path: true } });
  const reader: Actor = { kind: 'office', office, actor: `office:${office.code}` };
  const doc = await bulletin(deps, deps.calendars, reader, roundId, builtAt.getTime());
  const { sha256, size } = await keepBytes(deps.db, deps.blobs, doc.body);
  return { name: doc.filename, contentType: DOCX_TYPE, sha256, size, builtAt };
}

/**
 * An attachment's bytes for an office at or above the event's target office (whose subtree
 * the document covers); anyone else, and any attachment the event does not carry: 404.
 */
export async function openAttachment({ db, blobs }: UseCaseContext, actor: Actor, notificationId: string, sha256: string) {
  const row = await db.notificationAttachment.findFirst({ where: { notificationId, sha256 } });
  const office = row && (await db.office.findUnique({ where: { id: row.officeId }, select: { path: true } }));
  if (!row || !office || !governs(actor, office.path)) throw notFound('attachment');
  return { attachment: row, open: () => blobs.get(row.sha256) };
}
