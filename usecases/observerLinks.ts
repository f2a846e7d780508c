import QRCode from 'qrcode';
import { hashToken, newToken } from '../api/auth';
import { visibleObserver, visibleUnit } from '../access/visibility';
import type { Actor, UseCaseContext } from './context';

/** The label a personal link's token carries in the token list. */
export const PERSONAL_LINK_LABEL = 'personal link';

/** Where a personal link lands: the pages' own route, with the token as the last path segment. */
export const personalLinkUrl = (base: string, token: string) => `${base.replace(/\/+$/, '')}/#/o/${token}`;

interface Issued {
  observerCode: string;
  observerName: string;
  unitCode: string;
  url: string;
  token: string;
  issuedAt: string;
}

/**
 * Issues an observer's personal link: a new bearer token for that observer alone, whose URL opens
 * their questionnaires. The token behind the previous link is revoked in the same transaction, and
 * the observer row is locked first so two offices issuing at once still leave exactly one link.
 */
async function issue(ctx: UseCaseContext, actor: Actor, observer: { id: string; code: string; name: string; unit: { code: string } }, base: string): Promise<Issued> {
  const token = newToken();
  const now = new Date();
  await ctx.db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ link_token_id: string | null }[]>`SELECT link_token_id FROM observers WHERE id = ${observer.id}::uuid FOR UPDATE`;
    if (locked?.link_token_id) {
      await tx.apiToken.updateMany({ where: { id: locked.link_token_id, revokedAt: null }, data: { revokedAt: now } });
    }
    const created = await tx.apiToken.create({
      data: { tokenHash: hashToken(token), kind: 'observer', observerId: observer.id, label: PERSONAL_LINK_LABEL },
    });
    await tx.observer.update({ where: { id: observer.id }, data: { linkTokenId: created.id } });
    await tx.auditEntry.create({
      data: { actor: actor.actor, action: 'observer.link', subject: `observer:${observer.code}`, detail: { revoked: locked?.link_token_id ?? null } },
    });
  });
  return { observerCode: observer.code, observerName: observer.name, unitCode: observer.unit.code, url: personalLinkUrl(base, token), token, issuedAt: now.toISOString() };
}

/** POST /observers/{code}/link: one observer's new personal link. */
export async function issueObserverLink(ctx: UseCaseContext, actor: Actor, code: string, base: string) {
  const observer = await visibleObserver(ctx.db, actor, code);
  const { url, token, issuedAt } = await issue(ctx, actor, observer, base);
  return { observerCode: observer.code, url, token, issuedAt };
}

/** The QR code of a link, as an SVG document the pages show as an image and print. */
const qrSvg = (url: string) => QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });

/**
 * POST /units/{code}/observer-links: a new personal link for every observer of one unit, each with
 * its QR code, for a sheet the office prints and hands out. Every earlier link of those observers
 * stops working.
 */
export async function issueUnitObserverLinks(ctx: UseCaseContext, actor: Actor, unitCode: string, base: string) {
  const unit = await visibleUnit(ctx.db, actor, unitCode);
  const observers = await ctx.db.observer.findMany({ where: { unitId: unit.id }, orderBy: { code: 'asc' }, include: { unit: { select: { code: true } } } });
  const links = [];
  for (const observer of observers) {
    const issued = await issue(ctx, actor, observer, base);
    links.push({ ...issued, qrSvg: await qrSvg(issued.url) });
  }
  return { unitCode: unit.code, unitName: unit.name, officeName: unit.office.name, links };
}
