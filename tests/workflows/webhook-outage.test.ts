// A webhook receiver that refuses connections for hours holds back only its own queue: another
// receiver of the same office gets every event at once, and the one that was down gets its own
// in order, exactly once, within one maximum retry interval of coming back. Run on the
// time-skipping test server with the real deliverWebhook workflow, the real deliverPending
// activity posting over HTTP to receivers on 127.0.0.1, and events queued through
// enqueueNotifications as the activities queue them.
import http from 'node:http';
import net from 'node:net';
import { tsToMs } from '@temporalio/common/lib/time';
import { DefaultLogger, Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import { signature } from '../../activities/webhooks';
import { ErrorCode, failureType } from '../../domain/errors';
import { webhookWorkflowId } from '../../workflows/contracts';
import { eventually, useWorkflowHarness, type Scenario } from './support/harness';

// The worker logs each refused attempt with its stack: expected here, dozens of them, so only
// those are left out (before the harness installs its own quiet runtime, which then stands aside).
Runtime.install({
  logger: new (class extends DefaultLogger {
    override log(level: LogLevel, message: string, meta?: LogMetadata): void {
      if (message === 'Activity failed' && (meta?.error as { type?: string } | undefined)?.type === failureType(ErrorCode.WebhookDelivery)) return;
      super.log(level, message, meta);
    }
  })('WARN'),
});

const h = useWorkflowHarness();

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** deliverWebhook's retry policy for deliverPending: initial 2 s, coefficient 2, at most 10 min. */
const RETRY = { initialMs: 2 * SECOND, coefficient: 2, maximumMs: 10 * MINUTE };

/**
 * How many attempts a delivery can have made `elapsedMs` after its first one: attempt k+1
 * starts min(2 s · 2^(k-1), 10 min) after attempt k fails, so attempt k+1 is due
 * S_k = Σ_{i<k} min(2 s · 2^i, 10 min) after the first (2, 6, 14, …, 1022 s, then every 600 s).
 * Each attempt also takes a little real time, so this is an upper bound. The time-skipping server
 * keeps it exactly (44 refusals in 6 h): it puts an activity's retry on the same self-advancing
 * clock as workflow timers, and from the moment that timer fires until the attempt's failure is
 * reported it stops skipping, so every attempt runs at its own instant (temporalio/sdk-java,
 * temporal-test-server TestWorkflowMutableStateImpl.addActivityRetryTimer).
 */
function attemptsWithin(elapsedMs: number): number {
  let attempts = 0;
  for (let due = 0, interval = RETRY.initialMs; due <= elapsedMs; due += interval, interval = Math.min(interval * RETRY.coefficient, RETRY.maximumMs)) attempts++;
  return attempts;
}

/** Workflow time within which a receiver that answers gets an event queued for it. */
const PROMPTLY_MS = 30 * SECOND;
/** What the scenario allows on top of a computed instant: a minute of workflow time. */
const SLACK_MS = MINUTE;

interface Received {
  eventId: string;
  kind: string;
  body: string;
  signature: string;
}

/** A receiver on a fixed 127.0.0.1 port that can be switched off (connections refused) and on again. */
class Receiver {
  readonly requests: Received[] = [];
  private server?: http.Server;

  private constructor(readonly port: number) {}

  /** Listens on a port the system just handed out. */
  static async start(): Promise<Receiver> {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const receiver = new Receiver(port);
    await receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/duban`;
  }

  get eventIds(): string[] {
    return this.requests.map((r) => r.eventId);
  }

  async up(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({
          eventId: String(req.headers['x-duban-event-id']),
          kind: String(req.headers['x-duban-event-kind']),
          body: Buffer.concat(chunks).toString('utf8'),
          signature: String(req.headers['x-duban-signature']),
        });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.server = server;
  }

  /** Stops listening and drops kept-alive connections: from now on a connection to the port is refused. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Whether a TCP connection to the port is refused right now. */
  refuses(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect(this.port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
    });
  }
}

/** Whether `r` carries a valid `t=<unix>,v1=<hex>` signature of its body with `secret`, as a receiver checks it. */
function signedWith(secret: string, r: Received): boolean {
  const m = /^t=(\d+),v1=[0-9a-f]{64}$/.exec(r.signature);
  return m !== null && signature(secret, Number(m[1]), r.body) === r.signature;
}

describe('a webhook receiver that refuses connections for hours', () => {
  const receivers: Receiver[] = [];
  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.down();
  });

  test('when receiver A is down for 6 hours while events keep coming, then receiver B of the same office gets each at once and in order, A gets none and its retries follow the backoff, and within 10 minutes of coming back A gets all its events exactly once, in order, signed, with one small workflow history', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const p = s.prefix;
    const office = await s.db.office.create({ data: { code: `city-${p}`, name: `市产改办 ${p}`, level: 'city', path: `/city-${p}/` } });
    const a = await Receiver.start();
    const b = await Receiver.start();
    receivers.push(a, b);
    const secretA = `secret-a-${p}-0123456789abcdef`;
    const secretB = `secret-b-${p}-0123456789abcdef`;
    const hookA = await s.db.webhook.create({ data: { officeId: office.id, url: a.url, secret: secretA, kinds: [] } });
    const hookB = await s.db.webhook.create({ data: { officeId: office.id, url: b.url, secret: secretB, kinds: [] } });

    // Event ids sort in creation order, so events queued in one call (one created_at) keep it too.
    const queued: string[] = [];
    /** Queues events now, the product's way; both webhooks want every event of the office. */
    async function enqueue(...seqs: number[]): Promise<number> {
      const ids = seqs.map((n) => `outage:${p}:${String(n).padStart(2, '0')}`);
      const at = await s.now();
      const deliveries = await s.enqueue(ids.map((id) => ({ id, kind: 'test.event', targetOfficeId: office.id, payload: { seq: id } })));
      expect(deliveries).toBe(2 * ids.length);
      queued.push(...ids);
      return at;
    }
    /** B has every event queued so far, once each, in order, within PROMPTLY_MS of workflow time after `since`. */
    async function bPromptly(since: number): Promise<void> {
      await eventually(() => expect(b.eventIds).toEqual(queued));
      expect((await s.now()) - since).toBeLessThan(PROMPTLY_MS);
    }
    const rowsOf = (webhookId: string) =>
      s.db.notificationDelivery.findMany({ where: { webhookId }, include: { notification: { select: { createdAt: true } } }, orderBy: [{ notification: { createdAt: 'asc' } }, { notificationId: 'asc' }] });
    const attemptsOfA = async () => (await rowsOf(hookA.id)).reduce((sum, r) => sum + r.attempts, 0);

    // Both up: the first two events, ten minutes apart, reach both at once.
    let since = await enqueue(1);
    await bPromptly(since);
    await eventually(() => expect(a.eventIds).toEqual(queued));
    await s.sleepUntil(since + 10 * MINUTE);
    since = await enqueue(2);
    await bPromptly(since);
    await eventually(() => expect(a.eventIds).toEqual(queued));
    await s.sleepUntil(since + 10 * MINUTE);

    // A goes down: its port refuses connections.
    await a.down();
    expect(await a.refuses()).toBe(true);
    const aHad = a.eventIds.length;
    const downAt = await enqueue(3);
    await bPromptly(downAt);
    // A's first attempt at event 3 is refused (the attempt is counted on its row).
    await eventually(async () => expect((await rowsOf(hookA.id)).find((r) => r.notificationId === queued[2])?.attempts).toBeGreaterThanOrEqual(1));

    /** A has had nothing since it went down; its refusals so far are within the backoff's bounds. */
    async function aRefusedWithinBackoff(): Promise<number> {
      const before = await s.now();
      const attempts = await attemptsOfA();
      const after = await s.now();
      expect(a.eventIds).toHaveLength(aHad);
      // The first refusal came at or after downAt; each attempt was due S_k after it, and the
      // clock has not stood still: at most attemptsWithin(after - downAt), at least every
      // attempt due by (before - downAt - PROMPTLY_MS - SLACK_MS).
      const refused = attempts - 2; // events 1 and 2 took one attempt each
      expect(refused).toBeLessThanOrEqual(attemptsWithin(after - downAt));
      expect(refused).toBeGreaterThanOrEqual(attemptsWithin(before - downAt - PROMPTLY_MS - SLACK_MS));
      const rows = await rowsOf(hookA.id);
      // Only the oldest undelivered event is tried: the queue behind it waits, untouched.
      expect(rows.map((r) => ({ id: r.notificationId, attempts: r.attempts, delivered: r.deliveredAt !== null }))).toEqual(
        queued.map((id, i) => ({ id, attempts: i < 2 ? 1 : i === 2 ? refused : 0, delivered: i < 2 })),
      );
      expect(rows[2].lastError).toEqual(expect.any(String));
      return refused;
    }

    // Through six hours of outage, new events keep coming: B gets each at once, A none.
    const checkpoints = [
      { after: 30 * MINUTE, seqs: [4] },
      { after: 2 * HOUR, seqs: [5, 6] },
      { after: 4 * HOUR, seqs: [7] },
      { after: 5 * HOUR, seqs: [8] },
    ];
    const refusals: number[] = [];
    for (const { after, seqs } of checkpoints) {
      await s.sleepUntil(downAt + after);
      refusals.push(await aRefusedWithinBackoff());
      since = await enqueue(...seqs);
      await bPromptly(since);
    }
    await s.sleepUntil(downAt + 6 * HOUR);
    refusals.push(await aRefusedWithinBackoff());
    // Retries went on through the outage, ever more slowly but never stopping: 44 due in 6 hours
    // (10 within the first 1022 s, then one per 10 minutes), not one per second nor a handful.
    expect(attemptsWithin(6 * HOUR)).toBe(44);
    expect(refusals[refusals.length - 1]).toBeGreaterThanOrEqual(40);
    expect(refusals[refusals.length - 1]).toBeLessThanOrEqual(44);
    for (let i = 1; i < refusals.length; i++) expect(refusals[i]).toBeGreaterThan(refusals[i - 1]);

    // A comes back on the same port. Its next retry is due 10 minutes after its last refusal, so
    // at most 10 minutes from now: until then A still has nothing, and right after, everything.
    const lastRefusal = await lastRefusalAt(s, hookA.id);
    await a.up();
    const upAt = await s.now();
    const retryDue = lastRefusal + RETRY.maximumMs;
    expect(retryDue).toBeGreaterThan(upAt);
    expect(retryDue - upAt).toBeLessThanOrEqual(RETRY.maximumMs);
    await s.sleepUntil(retryDue - 5 * SECOND);
    await new Promise((r) => setTimeout(r, 500));
    expect(a.eventIds).toHaveLength(aHad);
    await s.sleepUntil(upAt + RETRY.maximumMs + SLACK_MS);
    await eventually(() => expect(a.eventIds).toEqual(queued));
    expect((await s.now()) - upAt).toBeLessThan(RETRY.maximumMs + SLACK_MS + PROMPTLY_MS);
    // Nothing is left to retry: an hour later neither receiver has had anything more.
    await s.sleepUntil(upAt + HOUR);
    await new Promise((r) => setTimeout(r, 500));

    // Each receiver got each event exactly once, in creation order, signed with its own secret.
    const created = await s.db.notification.findMany({ where: { id: { in: queued } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true } });
    expect(created.map((n) => n.id)).toEqual(queued);
    for (const [receiver, secret] of [[a, secretA], [b, secretB]] as const) {
      expect(receiver.eventIds).toEqual(queued);
      for (const r of receiver.requests) {
        expect(signedWith(secret, r)).toBe(true);
        expect(JSON.parse(r.body)).toMatchObject({ id: r.eventId, kind: 'test.event', data: { seq: r.eventId } });
      }
    }
    const rowsA = await rowsOf(hookA.id);
    const rowsB = await rowsOf(hookB.id);
    for (const rows of [rowsA, rowsB]) {
      expect(rows.map((r) => r.notificationId)).toEqual(queued);
      for (const r of rows) expect(r.deliveredAt).toBeInstanceOf(Date);
    }
    expect(rowsB.map((r) => r.attempts)).toEqual(queued.map(() => 1));
    const refusedInAll = rowsA[2].attempts - 1;
    expect(refusedInAll).toBeGreaterThanOrEqual(refusals[refusals.length - 1]);
    expect(refusedInAll).toBeLessThanOrEqual(attemptsWithin((await s.now()) - downAt));
    expect(rowsA.map((r) => r.attempts)).toEqual(queued.map((_, i) => (i === 2 ? refusedInAll + 1 : 1)));

    await expectSmallHistory(s, hookA.id, { signals: checkpoints.length + 3, attemptsOfLongest: refusedInAll + 1 });
    await expectSmallHistory(s, hookB.id, { signals: checkpoints.length + 3, attemptsOfLongest: 1 });
  }, 300_000);
});

/** When the server saw the last attempt of the webhook's pending deliverPending fail, in workflow time. */
async function lastRefusalAt(s: Scenario, webhookId: string): Promise<number> {
  const { raw } = await s.client.workflow.getHandle(webhookWorkflowId(webhookId)).describe();
  const pending = raw.pendingActivities ?? [];
  expect(pending.map((p) => p.activityType?.name)).toEqual(['deliverPending']);
  expect(pending[0].lastFailure?.applicationFailureInfo?.type).toBe(failureType(ErrorCode.WebhookDelivery));
  return tsToMs(pending[0].lastAttemptCompleteTime);
}

/**
 * The webhook's delivery workflow keeps no event per retry: one activity per wake-up, the retries
 * of the long one counted in its single started event, so the history grows with the events
 * queued, not with the hours a receiver was down.
 */
async function expectSmallHistory(s: Scenario, webhookId: string, expected: { signals: number; attemptsOfLongest: number }): Promise<void> {
  const history = await s.client.workflow.getHandle(webhookWorkflowId(webhookId)).fetchHistory();
  const events = history.events ?? [];
  const signals = events.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
  const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes).length;
  const started = events.filter((e) => e.activityTaskStartedEventAttributes);
  expect(signals).toBe(expected.signals);
  // At most one deliverPending per signal (a signal that comes while one runs is served by the next).
  expect(scheduled).toBeGreaterThanOrEqual(1);
  expect(scheduled).toBeLessThanOrEqual(signals);
  expect(started).toHaveLength(scheduled);
  expect(Math.max(...started.map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 1))).toBe(expected.attemptsOfLongest);
  expect(events.filter((e) => e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes)).toHaveLength(0);
  // Per signal: signalled, a workflow task (scheduled, started, completed), an activity (scheduled,
  // started, completed) and its workflow task: 10, and room for a workflow task retried under load.
  // One event per refusal would add 40-odd to A's.
  expect(events.length).toBeLessThanOrEqual(2 + 12 * signals);
}
