import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOffice, createTaskTemplate, createUnitWithToken, root, type Office, type Unit } from './support/fixtures';
import { expectProblem, expectStatus, type Api } from './support/http';
import { sleep, waitFor } from './support/poll';
import { launchRound, waitForRound, waitUntilIssued } from './support/rounds';

// A receiver on 127.0.0.1 that the worker posts to, as an OA system would run one.
interface Received { status: number; body: string; headers: http.IncomingHttpHeaders; at: number }
interface Receiver { url: string; requests: Received[]; close(): Promise<void> }

/** Answers 503 to the first `failures` requests and 200 afterwards, recording each. */
async function startReceiver(failures = 0): Promise<Receiver> {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = requests.length < failures ? 503 : 200;
      requests.push({ status, body: Buffer.concat(chunks).toString('utf8'), headers: req.headers, at: Date.now() });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'busy');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/duban`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Whether `header` is a valid `t=<unix>,v1=<hex>` signature of `body` with `secret`. */
function verifies(header: string | undefined, body: string, secret: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2], 'hex'));
}

interface Delivery { eventId: string; kind: string; attempts: number; deliveredAt: string | null; lastError: string | null; queuedAt: string }
const deliveries = async (by: Api, id: string): Promise<Delivery[]> => expectStatus(await by.get(`/webhooks/${id}/deliveries`), 200);
const accepted = (r: Receiver, eventId?: string) => r.requests.filter((q) => q.status === 200 && (!eventId || q.headers['x-duban-event-id'] === eventId));

const SECRET = 'a-shared-secret-of-32-characters';
let city: Office, sibling: Office;
let unit: Unit & { api: Api };
const receivers: Receiver[] = [];

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  sibling = await createOffice(root(), 'city');
  unit = await createUnitWithToken(city.api, city.code);
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

describe('webhooks', () => {
  let receiver: Receiver;
  let id: string;

  test('when an office registers a webhook, then it answers 201 with the secret', async () => {
    receiver = await startReceiver(2);
    receivers.push(receiver);
    const created = expectStatus(await city.api.post('/webhooks', { url: receiver.url, secret: SECRET }), 201);
    expect(created).toEqual({ id: expect.any(String), officeCode: city.code, url: receiver.url, kinds: [], includeSubtree: false, active: true, secret: SECRET });
    id = created.id;
    const listed = expectStatus(await city.api.get('/webhooks'), 200);
    expect(listed).toContainEqual({ id, officeCode: city.code, url: receiver.url, kinds: [], includeSubtree: false, active: true });
  });

  test('when a ping meets a receiver that answers 503 twice, then it is retried with the same event id until accepted, signed with the secret', async () => {
    const started = Date.now();
    const { eventId } = expectStatus(await city.api.post(`/webhooks/${id}/ping`), 202);
    expect(eventId).toEqual(expect.any(String));
    await waitFor(async () => accepted(receiver).length, (n) => n > 0, 'the receiver to accept a delivery', 60_000);
    await sleep(1000);

    expect(receiver.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(receiver.requests.map((r) => r.headers['x-duban-event-id'])).toEqual([eventId, eventId, eventId]);
    // Retries back off: 2 s after the first refusal, 4 s after the second (allowing for scheduling slack).
    const [t0, t1, t2] = receiver.requests.map((r) => r.at);
    expect(t1 - t0).toBeGreaterThanOrEqual(1500);
    expect(t2 - t1).toBeGreaterThanOrEqual(3000);
    expect(t2 - started).toBeLessThan(30_000);

    for (const r of receiver.requests) {
      expect(r.headers['content-type']).toContain('application/json');
      expect(r.headers['x-duban-event-kind']).toBe('ping');
      expect(verifies(r.headers['x-duban-signature'] as string, r.body, SECRET)).toBe(true);
      expect(verifies(r.headers['x-duban-signature'] as string, r.body, 'another-secret-of-some-length')).toBe(false);
      const t = Number(/^t=(\d+)/.exec(r.headers['x-duban-signature'] as string)![1]);
      expect(Math.abs(t * 1000 - r.at)).toBeLessThan(60_000);
    }
    const body = JSON.parse(receiver.requests[2].body);
    expect(body).toEqual({ id: eventId, kind: 'ping', createdAt: expect.any(String), data: expect.objectContaining({ webhookId: id }) });

    const delivery = (await deliveries(city.api, id)).find((d) => d.eventId === eventId);
    expect(delivery).toMatchObject({ eventId, kind: 'ping', attempts: 3, deliveredAt: expect.any(String), lastError: null });
  });

  test('when a second ping is sent to a receiver that now answers 200, then it is delivered once', async () => {
    const before = receiver.requests.length;
    const { eventId } = expectStatus(await city.api.post(`/webhooks/${id}/ping`), 202);
    await waitFor(async () => accepted(receiver, eventId).length, (n) => n > 0, 'the second ping', 30_000);
    await sleep(3000);
    expect(receiver.requests.slice(before).map((r) => [r.status, r.headers['x-duban-event-id']])).toEqual([[200, eventId]]);
    expect((await deliveries(city.api, id)).find((d) => d.eventId === eventId)).toMatchObject({ attempts: 1, deliveredAt: expect.any(String), lastError: null });
  });

  test('when the webhook is deactivated, then later pings are not delivered', async () => {
    expect(expectStatus(await city.api.post(`/webhooks/${id}/deactivate`), 200)).toMatchObject({ id, active: false });
    const before = receiver.requests.length;
    expectStatus(await city.api.post(`/webhooks/${id}/ping`), 202);
    await sleep(5000);
    expect(receiver.requests.length).toBe(before);
    expect((await deliveries(city.api, id)).every((d) => d.deliveredAt !== null)).toBe(true);
  });

  test('when the url is not http(s) or the secret is short, then it answers 400 naming the field', async () => {
    const before = expectStatus(await city.api.get('/webhooks'), 200);
    expectProblem(await city.api.post('/webhooks', { url: 'ftp://oa.example.gov.cn/duban', secret: SECRET }), 400, ['url']);
    expectProblem(await city.api.post('/webhooks', { url: 'not a url', secret: SECRET }), 400, ['url']);
    expectProblem(await city.api.post('/webhooks', { url: receiver.url, secret: 'short' }), 400, ['secret']);
    expect(expectStatus(await city.api.get('/webhooks'), 200)).toEqual(before);
  });

  test('when a sibling office or a unit uses the webhook, then the sibling gets 404 and the unit 403', async () => {
    expectProblem(await sibling.api.get(`/webhooks/${id}/deliveries`), 404);
    expectProblem(await sibling.api.post(`/webhooks/${id}/ping`), 404);
    expectProblem(await sibling.api.post(`/webhooks/${id}/deactivate`), 404);
    expect(expectStatus(await sibling.api.get('/webhooks'), 200).map((w: { id: string }) => w.id)).not.toContain(id);
    expectProblem(await unit.api.get('/webhooks'), 403);
    expectProblem(await unit.api.post('/webhooks', { url: receiver.url, secret: SECRET }), 403);
    expectProblem(await unit.api.get(`/webhooks/${id}/deliveries`), 403);
    expectProblem(await unit.api.post(`/webhooks/${id}/ping`), 403);
  });
});

describe('round.closed events', () => {
  test('when a round of the office is closed, then its webhook receives one round.closed event with the round id', async () => {
    const office = await createOffice(root(), 'city');
    const member = await createUnitWithToken(office.api, office.code);
    const template = (await createTaskTemplate(office.api)).code;
    const receiver = await startReceiver();
    receivers.push(receiver);
    const { id, secret } = expectStatus(await office.api.post('/webhooks', { url: receiver.url, kinds: ['round.closed'] }), 201);
    expect(secret).toEqual(expect.any(String));

    const roundId = await launchRound(office.api, [member.code], [template]);
    await waitUntilIssued(office.api, roundId);
    expectStatus(await office.api.post(`/rounds/${roundId}/close`), 202);
    await waitForRound(office.api, roundId, (r) => r.status === 'closed', 'closed');
    await waitFor(async () => accepted(receiver).length, (n) => n > 0, 'the round.closed event', 60_000);
    await sleep(3000);

    expect(receiver.requests).toHaveLength(1);
    const [req] = receiver.requests;
    expect(req.headers['x-duban-event-kind']).toBe('round.closed');
    expect(verifies(req.headers['x-duban-signature'] as string, req.body, secret)).toBe(true);
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({ id: req.headers['x-duban-event-id'], kind: 'round.closed', data: { roundId } });
    expect((await deliveries(office.api, id)).filter((d) => d.kind === 'round.closed')).toEqual([expect.objectContaining({ eventId: body.id, attempts: 1, lastError: null })]);
  });
});
