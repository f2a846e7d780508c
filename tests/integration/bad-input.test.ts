import { randomUUID } from 'node:crypto';
import { createOffice, createUnitWithToken, mintToken, root, uniqueCode, type Office } from './support/fixtures';
import { api, expectProblem, expectStatus, request, type Reply } from './support/http';
import { sql } from './support/db';
import { stack } from './support/stack';

let city: Office;
let unitApi: ReturnType<typeof api>;
let observerApi: ReturnType<typeof api>;

const templateRows = async () => Number((await sql<{ n: string }>('SELECT count(*) AS n FROM task_templates'))[0].n);

/** A task template body that the server accepts as it is. */
const template = (overrides: Record<string, unknown> = {}) => ({ code: uniqueCode('tpl'), category: '思想引领', title: '宣讲到位', weight: 10, dueWorkingDays: 5, ...overrides });

/** Posts a task template as `body` (already serialised when a string), and checks that no template row appeared. */
async function postTemplateWritesNothing(body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const before = await templateRows();
  const reply = await request('POST', '/api/v1/task-templates', { token: city.api.token, body, headers });
  expect(await templateRows()).toBe(before);
  return reply;
}

function expectCode(reply: Reply, status: number, code: string, paths?: string[]) {
  expectProblem(reply, status, paths);
  expect(reply.body.code).toBe(code);
}

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  const unit = await createUnitWithToken(city.api, city.code);
  unitApi = unit.api;
  const observer = uniqueCode('obs');
  expectStatus(await city.api.post('/observers', { code: observer, name: '观察员', role: 'frontline', unitCode: unit.code }), 201);
  observerApi = api(await mintToken(city.api, 'observer', observer));
});

describe('values the database cannot hold', () => {
  test.each(['evaluation', 'evaluation.csv', 'evaluation.xlsx'])('when ?version is beyond a 32-bit integer on %s, then it answers 400 naming version', async (what) => {
    expectCode(await city.api.get(`/rounds/${randomUUID()}/${what}?version=4658647469`), 400, 'INVALID_INPUT', ['version']);
  });

  test('when a page offset is beyond a 32-bit integer, then it answers 400 naming offset', async () => {
    expectCode(await city.api.get('/rounds?offset=4658647469'), 400, 'INVALID_INPUT', ['offset']);
  });

  test('when a query integer is empty or in hex, then it answers 400 rather than reading it as a number', async () => {
    expectCode(await city.api.get('/rounds?offset='), 400, 'INVALID_INPUT', ['offset']);
    expectCode(await city.api.get('/rounds?limit=0x10'), 400, 'INVALID_INPUT', ['limit']);
  });

  test('when a weight is beyond a 32-bit integer, then it answers 400 naming weight and writes nothing', async () => {
    expectCode(await postTemplateWritesNothing(template({ weight: 4658647469 })), 400, 'INVALID_INPUT', ['weight']);
  });

  test('when a task template title holds a NUL character, then it answers 400 naming title and writes nothing', async () => {
    const reply = await postTemplateWritesNothing(template({ title: 'a\u0000b' }));
    expectCode(reply, 400, 'INVALID_INPUT', ['title']);
    expect(reply.body.errors[0].message).toMatch(/NUL/);
  });

  test('when a description holds a NUL character, then it answers 400 naming description and writes nothing', async () => {
    expectCode(await postTemplateWritesNothing(template({ description: '第一行\n\u0000' })), 400, 'INVALID_INPUT', ['description']);
  });

  test('when a one-line field holds a control character or a tab, then it answers 400 naming it and writes nothing', async () => {
    expectCode(await postTemplateWritesNothing(template({ category: 'bell\u0007', title: 'a\tb' })), 400, 'INVALID_INPUT', ['category', 'title']);
  });

  test('when a title holds a lone surrogate, then it answers 400 naming title and writes nothing', async () => {
    const body = JSON.stringify(template({ title: 'PLACEHOLDER' })).replace('PLACEHOLDER', '\\ud800x');
    expectCode(await postTemplateWritesNothing(body), 400, 'INVALID_INPUT', ['title']);
  });

  test('when a title is longer than 200 characters, then it answers 400 naming title and writes nothing', async () => {
    expectCode(await postTemplateWritesNothing(template({ title: '长'.repeat(201) })), 400, 'INVALID_INPUT', ['title']);
  });

  test('when a title of 200 characters outside the Basic Multilingual Plane is sent, then it is stored (lengths count characters)', async () => {
    const title = '𠀀'.repeat(200);
    expect(expectStatus(await city.api.post('/task-templates', template({ title })), 201).title).toBe(title);
  });

  test('when a reason is only whitespace, then it answers 400 naming reason', async () => {
    expectCode(await city.api.post(`/tasks/${randomUUID()}/waive`, { reason: ' \n\t\u3000' }), 400, 'INVALID_INPUT', ['reason']);
  });

  test('when a review score is not a whole number, then it answers 400 naming score', async () => {
    expectCode(await city.api.post(`/submissions/${randomUUID()}/review`, { decision: 'accept', score: 50.5 }), 400, 'INVALID_INPUT', ['score']);
  });

  test('when an evidence item of a submission holds a NUL character, then it answers 400 naming evidence.0.title', async () => {
    const body = { summary: '已完成', evidence: [{ kind: 'summary', title: 'x\u0000' }] };
    expectCode(await unitApi.post(`/tasks/${randomUUID()}/submissions`, body), 400, 'INVALID_INPUT', ['evidence.0.title']);
  });

  test('when a questionnaire answer holds a NUL character, then it answers 400 naming the answer', async () => {
    expectCode(await observerApi.post(`/questionnaires/${randomUUID()}/responses`, { answers: { q1: 'ok', q2: 'a\u0000' } }), 400, 'INVALID_INPUT', ['answers.q2']);
  });
});

describe('query parameters given twice', () => {
  test('when ?status is given twice, then it answers 400 naming status rather than picking one', async () => {
    const reply = await city.api.get('/rounds?status=open&status=closed');
    expectCode(reply, 400, 'INVALID_INPUT', ['status']);
    expect(reply.body.errors[0]).toMatchObject({ in: 'query', code: 'duplicate' });
  });
});

describe('bodies that are not JSON', () => {
  test.each([
    ['text/plain', JSON.stringify(template())],
    ['application/x-www-form-urlencoded', 'code=x&title=y'],
  ])('when the body is sent as %s, then it answers 415 and writes nothing', async (contentType, body) => {
    expectCode(await postTemplateWritesNothing(body, { 'content-type': contentType }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('when the body has no Content-Type, then it answers 415 and writes nothing', async () => {
    const before = await templateRows();
    // Bytes, so that fetch adds no Content-Type of its own.
    const res = await fetch(`${stack().baseUrl}/api/v1/task-templates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${city.api.token}` },
      body: new TextEncoder().encode(JSON.stringify(template())),
    });
    expect(await templateRows()).toBe(before);
    expect({ status: res.status, type: res.headers.get('content-type'), code: ((await res.json()) as { code: string }).code }).toEqual({
      status: 415, type: expect.stringContaining('application/problem+json'), code: 'UNSUPPORTED_MEDIA_TYPE',
    });
  });

  test('when the JSON is malformed, then it answers 400 MALFORMED_BODY and writes nothing', async () => {
    expectCode(await postTemplateWritesNothing('{"code": "x",'), 400, 'MALFORMED_BODY');
  });

  test('when the body is larger than the limit, then it answers 413 and writes nothing', async () => {
    expectCode(await postTemplateWritesNothing(JSON.stringify(template({ description: 'x'.repeat(6 * 1024 * 1024) }))), 413, 'PAYLOAD_TOO_LARGE');
  });
});

describe('methods and paths', () => {
  test('when a path is called with a method it does not offer, then it answers 405 with Allow', async () => {
    const reply = await request('DELETE', '/api/v1/task-templates', { token: city.api.token });
    expectCode(reply, 405, 'METHOD_NOT_ALLOWED');
    expect(reply.headers.get('allow')).toBe('POST, GET, HEAD, OPTIONS');
  });

  test('when a path with an id is called with PUT, then it answers 405 with Allow', async () => {
    const reply = await request('PUT', `/api/v1/rounds/${randomUUID()}`, { token: city.api.token, body: {} });
    expectCode(reply, 405, 'METHOD_NOT_ALLOWED');
    expect(reply.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });

  test('when OPTIONS is asked of a path, then it answers 204 with Allow', async () => {
    const reply = await request('OPTIONS', '/api/v1/task-templates', { token: city.api.token });
    expect(reply.status).toBe(204);
    expect(reply.headers.get('allow')).toBe('POST, GET, HEAD, OPTIONS');
  });

  test('when HEAD is asked of a listing, then it answers 200 with no body', async () => {
    const reply = await request('HEAD', '/api/v1/task-templates', { token: city.api.token });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('');
  });

  test.each(['/api/v1/no-such-thing', '/no-such-page.json'])('when %s is asked for, then it answers 404 problem+json', async (path) => {
    expectCode(await request('GET', path, { token: city.api.token }), 404, 'NOT_FOUND');
  });

  test.each([
    ['no token', undefined],
    ['an unknown token', 'dbn_nobody'],
  ])('when a request carries %s, then it answers 401 problem+json', async (_what, token) => {
    expectCode(await request('GET', '/api/v1/rounds', { token }), 401, 'UNAUTHENTICATED');
  });
});
