import { sql } from './support/db';
import { createOffice, createUnit, mintToken, root, uniqueCode, type Office, type Unit } from './support/fixtures';
import { api, expectProblem, expectStatus } from './support/http';
import { stack } from './support/stack';

let city: Office;
let otherCity: Office;
let unit: Unit;

async function appoint(by: Office, unitCode: string, name: string): Promise<string> {
  const code = uniqueCode('obs');
  expectStatus(await by.api.post('/observers', { code, name, role: 'frontline', unitCode }), 201);
  return code;
}

interface Link { observerCode: string; url: string; token: string; issuedAt: string }

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  otherCity = await createOffice(root(), 'city');
  unit = await createUnit(city.api, city.code);
});

describe("observers' personal links", () => {
  test('when an office issues a link, then its last path segment signs the observer in to their questionnaires only', async () => {
    const code = await appoint(city, unit.code, '周师傅');
    const link: Link = expectStatus(await city.api.post(`/observers/${code}/link`), 201);
    expect(link.observerCode).toBe(code);
    expect(link.url).toBe(`${stack().baseUrl}/#/o/${link.token}`);
    expect(link.url.split('/').pop()).toBe(link.token);

    const observer = api(link.token);
    expect(expectStatus(await observer.get('/me'), 200)).toMatchObject({ kind: 'observer', code, unitCode: unit.code });
    expectStatus(await observer.get('/me/questionnaires'), 200);
    expectProblem(await observer.get('/units'), 403);
    expectProblem(await observer.get('/me/tasks'), 403);
    expectProblem(await observer.post(`/observers/${code}/link`), 403);
  });

  test('when a new link is issued, then the old one stops working and the new one works', async () => {
    const code = await appoint(city, unit.code, '吴师傅');
    const first: Link = expectStatus(await city.api.post(`/observers/${code}/link`), 201);
    const second: Link = expectStatus(await city.api.post(`/observers/${code}/link`), 201);
    expect(second.token).not.toBe(first.token);
    expectProblem(await api(first.token).get('/me'), 401);
    expectStatus(await api(second.token).get('/me'), 200);

    const audit = await sql<{ actor: string }>(`SELECT actor FROM audit_log WHERE action = 'observer.link' AND subject = $1`, [`observer:${code}`]);
    expect(audit).toHaveLength(2);
  });

  test('when two links are issued at once, then exactly one works afterwards', async () => {
    const code = await appoint(city, unit.code, '郑师傅');
    const links: Link[] = (await Promise.all([1, 2, 3].map(() => city.api.post(`/observers/${code}/link`)))).map((r) => expectStatus(r, 201));
    const working = await Promise.all(links.map(async (l) => (await api(l.token).get('/me')).status === 200));
    expect(working.filter(Boolean)).toHaveLength(1);
  });

  test('when an office outside the subtree, a unit or an observer asks for a link, then it is refused and the current link keeps working', async () => {
    const code = await appoint(city, unit.code, '冯师傅');
    const current: Link = expectStatus(await city.api.post(`/observers/${code}/link`), 201);
    expectProblem(await otherCity.api.post(`/observers/${code}/link`), 404);
    expectProblem(await otherCity.api.post(`/units/${unit.code}/observer-links`), 404);
    const unitApi = api(await mintToken(city.api, 'unit', unit.code));
    expectProblem(await unitApi.post(`/observers/${code}/link`), 403);
    expectProblem(await unitApi.post(`/units/${unit.code}/observer-links`), 403);
    expectProblem(await city.api.post('/observers/no-such-observer/link'), 404);
    expectStatus(await api(current.token).get('/me'), 200);
  });

  test("when an office prints a unit's sheet, then every observer gets a new link with its QR code and earlier links stop working", async () => {
    const sheetUnit = await createUnit(city.api, city.code);
    const codes = [await appoint(city, sheetUnit.code, '陈师傅'), await appoint(city, sheetUnit.code, '褚师傅')];
    const earlier: Link = expectStatus(await city.api.post(`/observers/${codes[0]}/link`), 201);

    const sheet = expectStatus(await city.api.post(`/units/${sheetUnit.code}/observer-links`), 201);
    expect(sheet).toMatchObject({ unitCode: sheetUnit.code, unitName: sheetUnit.name, officeName: `${city.code} 产改办` });
    expect(sheet.links.map((l: Link) => l.observerCode)).toEqual([...codes].sort());
    for (const link of sheet.links) {
      expect(link.qrSvg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<path[\s\S]*<\/svg>\s*$/);
      expect(expectStatus(await api(link.token).get('/me'), 200)).toMatchObject({ kind: 'observer', code: link.observerCode });
    }
    expect(sheet.links[0].qrSvg).not.toBe(sheet.links[1].qrSvg);
    expectProblem(await api(earlier.token).get('/me'), 401);
  });

  test('when a unit has no observers, then its sheet is empty and nothing is issued', async () => {
    const empty = await createUnit(city.api, city.code);
    expect(expectStatus(await city.api.post(`/units/${empty.code}/observer-links`), 201).links).toEqual([]);
  });
});
