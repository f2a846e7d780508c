import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchBackdatedRound } from './support/backdated';
import { sql } from './support/db';
import { readDocxBytes } from './support/docx';
import { createOffice, createTaskTemplate, createUnit, root, type Office, type Unit } from './support/fixtures';
import { api, expectProblem, expectStatus, request } from './support/http';
import { waitFor } from './support/poll';
import { waitForRound } from './support/rounds';
import { stack } from './support/stack';

// A public notice goes to the root office; its event carries the round's 督查通报 as that office
// reads it. The rounds here are backdated (see escalations.test.ts): every step of the default
// ladder lies in the past, so the worker fires all five, public notice included, at once.

interface Attachment { name: string; contentType: string; sha256: string; size: number; url: string }
interface Event { id: string; kind: string; data: { roundId: string; unitCode: string }; attachments?: Attachment[] }

const events: Event[] = [];
let server: http.Server;
let hookUrl: string;
let webhookId: string;
let cityA: Office, cityB: Office;
let uA: Unit, uB: Unit, other: Unit;
/** Launched by the root for uA (cityA) and uB (cityB). */
let round: string;
/** Launched by cityB for `other` at the same time: nothing of it belongs in the first round's bulletin. */
let otherRound: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      events.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Event);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oa`;
  webhookId = expectStatus(await root().post('/webhooks', { url: hookUrl, kinds: ['escalation.public_notice'] }), 201).id;

  [cityA, cityB] = await Promise.all([createOffice(root(), 'city'), createOffice(root(), 'city')]);
  [uA, uB, other] = await Promise.all([createUnit(cityA.api, cityA.code), createUnit(cityB.api, cityB.code), createUnit(cityB.api, cityB.code)]);
  const { code: template } = await createTaskTemplate(root());
  const backdated = { launchedDaysAgo: 90, dueDaysAgo: 60, templateCodes: [template] };
  round = await launchBackdatedRound({ ...backdated, officeCode: stack().rootOffice, unitCodes: [uA.code, uB.code] });
  otherRound = await launchBackdatedRound({ ...backdated, officeCode: cityB.code, unitCodes: [other.code] });
  for (const [id, tasks] of [[round, 2], [otherRound, 1]] as const) {
    await waitForRound(root(), id, (r) => r.counts.escalated === tasks, 'every task at public notice');
  }
}, 180_000);

afterAll(async () => {
  // The root office is shared by every file: its webhook must not outlive this one.
  if (webhookId) await root().post(`/webhooks/${webhookId}/deactivate`);
  for (const id of [round, otherRound].filter(Boolean)) await root().post(`/rounds/${id}/cancel`);
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const noticesOf = (roundId: string) => events.filter((e) => e.kind === 'escalation.public_notice' && e.data.roundId === roundId);

describe('a public notice carries the 督查通报', () => {
  it('when a round\'s ladder reaches public notice, then the webhook receives the bulletin as an attachment that downloads and opens as a docx naming only the units of the round as the root office sees it', async () => {
    const notices = await waitFor(async () => noticesOf(round), (n) => n.length === 2, 'both public notices of the round', 90_000);
    for (const notice of notices) {
      expect(notice.attachments).toEqual([
        { name: '督查通报-2026Q4.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size: expect.any(Number), url: expect.stringContaining(`/api/v1/notifications/`) },
      ]);
    }
    const [attachment] = notices[0].attachments!;
    const url = new URL(attachment.url);
    expect(url.pathname).toBe(`/api/v1/notifications/${encodeURIComponent(notices[0].id)}/attachments/${attachment.sha256}`);

    // The receiver fetches it with the root office's token, as an OA system holding one would.
    const reply = await request('GET', url.pathname, { token: stack().rootToken });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('wordprocessingml');
    expect(reply.headers.get('etag')).toBe(`"${attachment.sha256}"`);
    expect(reply.bytes.length).toBe(attachment.size);
    expect(createHash('sha256').update(reply.bytes).digest('hex')).toBe(attachment.sha256);

    const doc = await readDocxBytes(reply.bytes);
    expect(doc.text).toContain('关于2026年第四季度逾期任务督查情况的通报');
    const unitsTable = doc.tables.find((t) => t[0][0] === '单位' && t[0][2] === '灯色')!;
    expect(unitsTable.slice(1).map((r) => r[0]).sort()).toEqual([uA.name, uB.name].sort());
    expect(doc.text).toContain('通报');
    expect(doc.text).not.toContain(other.name);
    expect(doc.text).not.toContain(other.code);

    // The record holds the same attachment for the event.
    const rows = await sql<{ sha256: string; name: string }>('SELECT sha256, name FROM notification_attachments WHERE notification_id = $1', [notices[0].id]);
    expect(rows).toEqual([{ sha256: attachment.sha256, name: attachment.name }]);
  });

  it('when the other round reaches public notice, then its bulletin names its own unit and none of the first round\'s', async () => {
    const [notice] = await waitFor(async () => noticesOf(otherRound), (n) => n.length === 1, 'the other round\'s public notice', 90_000);
    const reply = await request('GET', new URL(notice.attachments![0].url).pathname, { token: stack().rootToken });
    const doc = await readDocxBytes(reply.bytes);
    expect(doc.text).toContain(other.name);
    expect(doc.text).not.toContain(uA.name);
    expect(doc.text).not.toContain(uB.name);
  });

  it('when an office below the addressee, a unit, or anyone asks for an attachment the event does not carry, then 404 or 403 and no bytes', async () => {
    const [notice] = noticesOf(round);
    const path = new URL(notice.attachments![0].url).pathname.replace('/api/v1', '');
    // The bulletin covers the root's whole subtree: a city office below it may not read it.
    expectProblem(await cityA.api.get(path), 404);
    const unitToken = expectStatus(await cityA.api.post('/tokens', { kind: 'unit', code: uA.code }), 201).token as string;
    expectProblem(await api(unitToken).get(path), 403);
    expectProblem(await root().get(path.replace(/[0-9a-f]{64}$/, '0'.repeat(64))), 404);
    expectProblem(await root().get(path.replace('/notifications/', '/notifications/ping:unknown')), 404);
    // A malformed hash names nothing that exists.
    expectProblem(await root().get(path.replace(/[0-9a-f]{64}$/, 'not-a-hash')), 404);
  });
});
