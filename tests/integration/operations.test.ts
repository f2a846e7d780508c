import { request } from './support/http';

describe('operations endpoints', () => {
  test('when /healthz is called without a token, then it answers 200', async () => {
    expect((await request('GET', '/healthz')).status).toBe(200);
  });

  test('when /readyz is called, then it answers 200 with the database and Temporal ok', async () => {
    const reply = await request('GET', '/readyz');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ database: 'ok', temporal: 'ok' });
  });

  test('when /api/openapi.json is fetched, then it is an OpenAPI 3.1 document listing the rounds and submissions paths', async () => {
    const reply = await request('GET', '/api/openapi.json');
    expect(reply.status).toBe(200);
    expect(reply.body.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(reply.body.paths)).toEqual(expect.arrayContaining(['/rounds', '/tasks/{id}/submissions']));
  });
});
