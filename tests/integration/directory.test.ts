import { runCli } from './support/cli';
import { createOffice, createUnit, mintToken, root, uniqueCode, type Office, type Unit } from './support/fixtures';
import { api, expectProblem, expectStatus, request } from './support/http';
import { stack } from './support/stack';

let cityA: Office;
let cityB: Office;
let unitA: Unit;
let unitB: Unit;

beforeAll(async () => {
  cityA = await createOffice(root(), 'city');
  cityB = await createOffice(root(), 'city');
  unitA = await createUnit(cityA.api, cityA.code);
  unitB = await createUnit(cityB.api, cityB.code);
});

describe('identity', () => {
  test('when a request carries no token, then it answers 401 problem+json', async () => {
    expectProblem(await api().get('/units'), 401);
  });

  test('when a request carries an unknown or malformed token, then it answers 401', async () => {
    expectProblem(await api('dbn_not-a-real-token').get('/units'), 401);
    expectProblem(await request('GET', '/api/v1/units', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }), 401);
  });

  test('when an office mints unit and observer tokens with POST /tokens, then each works as its principal', async () => {
    const observerCode = uniqueCode('obs');
    expectStatus(await cityA.api.post('/observers', { code: observerCode, name: '王师傅', role: 'model_worker', unitCode: unitA.code }), 201);
    const unitToken = await mintToken(cityA.api, 'unit', unitA.code);
    const observerToken = await mintToken(cityA.api, 'observer', observerCode);
    expect(expectStatus(await api(unitToken).get('/me/tasks'), 200)).toEqual([]);
    // A known observer token is authenticated (not 401) but may not act as an office.
    expectProblem(await api(observerToken).get('/units'), 403);
  });

  test('when an office mints a token for a unit outside its subtree, then it answers 404', async () => {
    expectProblem(await cityA.api.post('/tokens', { kind: 'unit', code: unitB.code }), 404);
  });

  test('when a unit token calls office-only endpoints, then they answer 403 and nothing is created', async () => {
    const unit = api(await mintToken(cityA.api, 'unit', unitA.code));
    const code = uniqueCode('unit');
    expectProblem(await unit.post('/units', { code, name: '越权单位', kind: 'sme', officeCode: cityA.code }), 403);
    expectProblem(await unit.get('/offices'), 403);
    expectProblem(await unit.post('/rounds', {}), 403);
    const units = expectStatus(await cityA.api.get('/units'), 200);
    expect(units.map((u: Unit) => u.code)).not.toContain(code);
  });

  test('when `npm run cli -- token --unit X` runs, then its last line is a working token for that unit', async () => {
    const token = await runCli(['token', '--unit', unitA.code], stack().env.DATABASE_URL, 'npm');
    expect(expectStatus(await api(token).get('/me/tasks'), 200)).toEqual([]);
  });
});

describe('directory', () => {
  test('when an office creates a sub-office, a unit and an observer, then its lists show them', async () => {
    const county = uniqueCode('county');
    expect(expectStatus(await cityA.api.post('/offices', { code: county, name: '某县产改办', level: 'county' }), 201)).toMatchObject({ code: county, parentCode: cityA.code, level: 'county' });
    const unitCode = uniqueCode('unit');
    expectStatus(await cityA.api.post('/units', { code: unitCode, name: '某县纺织厂', kind: 'industry', officeCode: county }), 201);
    const observerCode = uniqueCode('obs');
    expectStatus(await cityA.api.post('/observers', { code: observerCode, name: '李工', role: 'frontline', unitCode }), 201);

    expect(expectStatus(await cityA.api.get('/offices'), 200)).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: cityA.code }), expect.objectContaining({ code: county, parentCode: cityA.code })]),
    );
    expect(expectStatus(await cityA.api.get(`/units?officeCode=${county}`), 200)).toEqual([{ code: unitCode, name: '某县纺织厂', kind: 'industry', officeCode: county }]);
    expect(expectStatus(await cityA.api.get(`/observers?unitCode=${unitCode}`), 200)).toEqual([{ code: observerCode, name: '李工', role: 'frontline', unitCode }]);
  });

  test('when a city office lists the directory, then it sees only its own subtree, not the sibling city', async () => {
    const offices = expectStatus(await cityA.api.get('/offices'), 200).map((o: { code: string }) => o.code);
    const units = expectStatus(await cityA.api.get('/units'), 200).map((u: Unit) => u.code);
    expect(offices).toContain(cityA.code);
    expect(offices).not.toContain(cityB.code);
    expect(offices).not.toContain(stack().rootOffice);
    expect(units).toContain(unitA.code);
    expect(units).not.toContain(unitB.code);
    const rootUnits = expectStatus(await root().get('/units'), 200).map((u: Unit) => u.code);
    expect(rootUnits).toEqual(expect.arrayContaining([unitA.code, unitB.code]));
  });

  test('when a city office names the sibling city or its units, then it answers 404', async () => {
    expectProblem(await cityA.api.get(`/units?officeCode=${cityB.code}`), 404);
    expectProblem(await cityA.api.get(`/observers?unitCode=${unitB.code}`), 404);
    expectProblem(await cityA.api.post('/units', { code: uniqueCode('unit'), name: '越界单位', kind: 'sme', officeCode: cityB.code }), 404);
  });

  test('when a code is used a second time, then it answers 409 and the first record stays', async () => {
    expectProblem(await cityA.api.post('/units', { code: unitA.code, name: '重复单位', kind: 'sme', officeCode: cityA.code }), 409);
    expectProblem(await root().post('/offices', { code: cityA.code, name: '重复', level: 'city' }), 409);
    const units = expectStatus(await cityA.api.get(`/units?officeCode=${cityA.code}`), 200);
    expect(units.filter((u: Unit) => u.code === unitA.code)).toEqual([expect.objectContaining({ name: unitA.name })]);
  });

  test('when a body has several invalid fields, then it answers 400 problem+json naming each field', async () => {
    const reply = await cityA.api.post('/units', { code: 'bad code!', name: '', kind: 'bank', officeCode: cityA.code });
    expectProblem(reply, 400, ['code', 'name', 'kind']);
    expect(reply.body.errors.every((e: { message: string }) => e.message.length > 0)).toBe(true);
  });

  test('when the body is not valid JSON, then it answers 400 problem+json', async () => {
    expectProblem(await cityA.api.post('/units', '{"code": "x",'), 400);
  });
});
