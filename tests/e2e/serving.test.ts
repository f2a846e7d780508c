import { createOffice, createUnitWithToken, mintToken, root, uniqueCode } from '../integration/support/fixtures';
import { api, expectProblem, expectStatus, request } from '../integration/support/http';

// The pages are served by the API process without shadowing any API route.
describe('serving the pages', () => {
  test('when / is requested, then the page is served with a CSP that allows scripts from self only', async () => {
    const reply = await request('GET', '/');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('text/html');
    expect(reply.text).toContain('<script type="module" src="app.js"></script>');
    expect(reply.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await request('GET', '/app.js')).headers.get('content-type')).toContain('javascript');
  });

  test('when /healthz, /api/openapi.json and an unknown /api path are requested, then the API answers them, not the pages', async () => {
    expect((await request('GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect(Object.keys((await request('GET', '/api/openapi.json')).body.paths)).toContain('/me');
    expectProblem(await request('GET', '/api/v1/no-such-thing'), 401);
    expectProblem(await request('GET', '/no-such-page.html'), 404);
  });

  test('when each kind of token asks GET /me, then it says whose token it is', async () => {
    const city = await createOffice(root(), 'city');
    const unit = await createUnitWithToken(city.api, city.code);
    const observer = uniqueCode('obs');
    expectStatus(await city.api.post('/observers', { code: observer, name: '李娟', role: 'frontline', unitCode: unit.code }), 201);
    const observerToken = await mintToken(city.api, 'observer', observer);

    expect(expectStatus(await city.api.get('/me'), 200)).toEqual({ kind: 'office', code: city.code, name: `${city.code} 产改办`, officeCode: city.code, actor: `office:${city.code}`, capabilities: ['admin', 'supervisor'] });
    expect(expectStatus(await unit.api.get('/me'), 200)).toEqual({ kind: 'unit', code: unit.code, name: unit.name, officeCode: city.code, unitCode: unit.code, actor: `unit:${unit.code}` });
    expect(expectStatus(await api(observerToken).get('/me'), 200)).toEqual({ kind: 'observer', code: observer, name: '李娟', officeCode: city.code, unitCode: unit.code, unitName: unit.name, actor: `observer:${observer}` });
    expectProblem(await api('dbn_not-a-token').get('/me'), 401);
  });
});
