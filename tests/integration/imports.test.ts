import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { createOffice, createUnit, root, uniqueCode, type Office } from './support/fixtures';
import { api, expectProblem, expectStatus, type Reply } from './support/http';
import { stack } from './support/stack';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const OFFICE_HEADERS = ['产改办编码', '产改办名称', '层级', '上级产改办编码'];
const UNIT_HEADERS = ['单位编码', '单位名称', '单位类型', '所属产改办编码'];
const OBSERVER_HEADERS = ['观察员编码', '姓名', '身份', '所在单位编码'];

type Cells = Array<ExcelJS.CellValue>;

async function xlsx(rows: Cells[], edit?: (sheet: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('名单');
  for (const row of rows) sheet.addRow(row);
  edit?.(sheet);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const csvText = (rows: string[][]) => `${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;

/** POST /imports as multipart/form-data with one part `file`, the way a browser form sends it. */
async function upload(token: string | undefined, query: string, bytes: Buffer | string, filename = 'list.xlsx'): Promise<Reply> {
  const form = new FormData();
  form.append('file', new Blob([typeof bytes === 'string' ? Buffer.from(bytes) : bytes]), filename);
  const res = await fetch(`${stack().baseUrl}/api/v1/imports?${query}`, { method: 'POST', body: form, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text, text, bytes: Buffer.from(text) };
}

async function readXlsx(bytes: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const rows: string[][] = [];
  workbook.worksheets[0].eachRow((row) => rows.push((row.values as ExcelJS.CellValue[]).slice(1).map((v) => String(v ?? ''))));
  return rows;
}

const codes = (list: Array<{ code: string }>) => list.map((x) => x.code);

let city: Office;
let otherCity: Office;

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  otherCity = await createOffice(root(), 'city');
});

describe('templates and exports', () => {
  test('when an office downloads the template for each kind, then it is a workbook with the Chinese headers the import reads', async () => {
    for (const [kind, headers] of [['offices', OFFICE_HEADERS], ['units', UNIT_HEADERS], ['observers', OBSERVER_HEADERS]] as const) {
      const reply = await city.api.get(`/imports/template.xlsx?kind=${kind}`);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toContain(XLSX);
      expect(await readXlsx(reply.bytes)).toEqual([headers]);
    }
    expectProblem(await city.api.get('/imports/template.xlsx?kind=people'), 400, ['kind']);
  });

  test('when an office exports its units and observers and imports the files again, then nothing changes', async () => {
    const county = uniqueCode('county');
    const unit = uniqueCode('unit');
    const observer = uniqueCode('obs');
    expectStatus(await upload(city.api.token, 'kind=offices', await xlsx([OFFICE_HEADERS, [county, '新建区产改办', '县级', city.code]])), 200);
    expectStatus(await upload(city.api.token, 'kind=units', await xlsx([UNIT_HEADERS, [unit, '江铃汽车股份有限公司', '国有企业', county]])), 200);
    expectStatus(await upload(city.api.token, 'kind=observers', await xlsx([OBSERVER_HEADERS, [observer, '胡小平', '劳模', unit]])), 200);

    for (const kind of ['offices', 'units', 'observers']) {
      const exported = await city.api.get(`/${kind}.xlsx`);
      expect(exported.headers.get('content-type')).toContain(XLSX);
      const reply = expectStatus(await upload(city.api.token, `kind=${kind}`, exported.bytes), 200);
      expect(reply).toMatchObject({ kind, created: 0, updated: 0, unchanged: reply.rows });
      expect(reply.rows).toBeGreaterThan(0);
    }
    const units = await readXlsx((await city.api.get(`/units.xlsx?officeCode=${county}`)).bytes);
    expect(units).toEqual([UNIT_HEADERS, [unit, '江铃汽车股份有限公司', '国有企业', county]]);
  });
});

describe('importing', () => {
  test('when an office imports offices whose parents come later in the file, then all are created below it, and the same file again changes nothing', async () => {
    const county = uniqueCode('county');
    const town = uniqueCode('town');
    const file = await xlsx([OFFICE_HEADERS, [town, '蛟桥镇产改办', '乡镇', county], [county, '新建区产改办', '县级', '']]);
    expect(expectStatus(await upload(city.api.token, 'kind=offices', file), 200)).toEqual({ kind: 'offices', dryRun: false, rows: 2, created: 2, updated: 0, unchanged: 0 });
    expect(expectStatus(await city.api.get('/offices'), 200)).toEqual(
      expect.arrayContaining([
        { code: county, name: '新建区产改办', level: 'county', parentCode: city.code },
        { code: town, name: '蛟桥镇产改办', level: 'town', parentCode: county },
      ]),
    );
    expect(expectStatus(await upload(city.api.token, 'kind=offices', file), 200)).toMatchObject({ rows: 2, created: 0, updated: 0, unchanged: 2 });
  });

  test('when units come as CSV in UTF-8 with a BOM, in UTF-8 without one and in GB18030, then each is read with its Chinese names', async () => {
    const [a, b, c] = [uniqueCode('unit'), uniqueCode('unit'), uniqueCode('unit')];
    const withBom = `\uFEFF${csvText([UNIT_HEADERS, [a, '江西铜业集团有限公司', '国有企业', city.code]])}`;
    const apiNames = csvText([['code', 'name', 'kind', 'officeCode'], [b, '晶科能源股份有限公司', 'high_tech', city.code]]);
    const gb = iconv.encode(csvText([UNIT_HEADERS, [c, '赣州纺织产业集群', '行业试点', city.code]]), 'gb18030');
    expect(expectStatus(await upload(city.api.token, 'kind=units', withBom, 'a.csv'), 200)).toMatchObject({ created: 1 });
    expect(expectStatus(await upload(city.api.token, 'kind=units', apiNames, 'b.csv'), 200)).toMatchObject({ created: 1 });
    expect(expectStatus(await upload(city.api.token, 'kind=units', gb, 'c.csv'), 200)).toMatchObject({ created: 1 });
    const units = expectStatus(await city.api.get(`/units?officeCode=${city.code}`), 200);
    expect(units).toEqual(
      expect.arrayContaining([
        { code: a, name: '江西铜业集团有限公司', kind: 'state_owned', officeCode: city.code },
        { code: b, name: '晶科能源股份有限公司', kind: 'high_tech', officeCode: city.code },
        { code: c, name: '赣州纺织产业集群', kind: 'industry', officeCode: city.code },
      ]),
    );
  });

  test('when a row changes a name, then it is updated and the other rows are unchanged', async () => {
    const [a, b] = [uniqueCode('unit'), uniqueCode('unit')];
    expectStatus(await upload(city.api.token, 'kind=units', await xlsx([UNIT_HEADERS, [a, '甲厂', '中小微企业', city.code], [b, '乙厂', '中小微企业', city.code]])), 200);
    const again = await xlsx([UNIT_HEADERS, [a, '甲厂（更名）', '非公企业', city.code], [b, '乙厂', '中小微企业', city.code]]);
    expect(expectStatus(await upload(city.api.token, 'kind=units', again), 200)).toMatchObject({ rows: 2, created: 0, updated: 1, unchanged: 1 });
    expect(expectStatus(await city.api.get(`/units?officeCode=${city.code}`), 200)).toContainEqual({ code: a, name: '甲厂（更名）', kind: 'private', officeCode: city.code });
  });

  test('when dryRun=true, then the counts come back and nothing is written', async () => {
    const unit = await createUnit(city.api, city.code);
    const observer = uniqueCode('obs');
    const file = await xlsx([OBSERVER_HEADERS, [observer, '刘芳', '一线职工', unit.code]]);
    expect(expectStatus(await upload(city.api.token, 'kind=observers&dryRun=true', file), 200)).toEqual({ kind: 'observers', dryRun: true, rows: 1, created: 1, updated: 0, unchanged: 0 });
    expect(expectStatus(await city.api.get(`/observers?unitCode=${unit.code}`), 200)).toEqual([]);
  });

  test('when trailing rows are empty, then they are skipped and the rest imported', async () => {
    const unit = uniqueCode('unit');
    const file = await xlsx([UNIT_HEADERS, [unit, '丙厂', '示范点', city.code], [], ['', '', '', ''], ['  ']]);
    expect(expectStatus(await upload(city.api.token, 'kind=units', file), 200)).toMatchObject({ rows: 1, created: 1 });
  });

  test('when a formula carries its computed value, then the value is imported', async () => {
    const unit = uniqueCode('unit');
    const file = await xlsx([UNIT_HEADERS, [{ formula: `"${unit}"`, result: unit }, '丁厂', '国有企业', city.code]]);
    expect(expectStatus(await upload(city.api.token, 'kind=units', file), 200)).toMatchObject({ created: 1 });
    expect(codes(expectStatus(await city.api.get(`/units?officeCode=${city.code}`), 200))).toContain(unit);
  });
});

describe('refusals', () => {
  async function expectNothingWritten(codesToCheck: string[]) {
    const units = codes(expectStatus(await root().get('/units'), 200));
    const offices = codes(expectStatus(await root().get('/offices'), 200));
    for (const code of codesToCheck) expect([...units, ...offices]).not.toContain(code);
  }

  test('when several cells are bad, then one 400 names every one with its row and Chinese column, and nothing is written', async () => {
    const good = uniqueCode('unit');
    const dup = uniqueCode('unit');
    const file = await xlsx([
      UNIT_HEADERS,
      [good, '好单位', '国有企业', city.code],
      ['bad code!', '', '银行', city.code],
      [dup, '重复一', '国有企业', city.code],
      [dup, '重复二', '国有企业', city.code],
      [uniqueCode('unit'), '外市单位', '国有企业', otherCity.code],
    ]);
    const reply = await upload(city.api.token, 'kind=units', file);
    expectProblem(reply, 400, ['rows.1.code', 'rows.1.name', 'rows.1.kind', 'rows.3.code']);
    expect(reply.body.code).toBe('INVALID_INPUT');
    expect(reply.body.errors).toContainEqual(expect.objectContaining({ path: 'rows.1.kind', row: 3, column: '单位类型', message: expect.stringContaining('国有企业') }));
    expect(reply.body.errors).toContainEqual(expect.objectContaining({ path: 'rows.3.code', row: 5, column: '单位编码', code: 'duplicate' }));
    await expectNothingWritten([good, dup]);
  });

  test('when a unit names an office outside the caller\'s subtree, or takes a code used outside it, then the cells are refused', async () => {
    const outsider = await createUnit(otherCity.api, otherCity.code);
    const good = uniqueCode('unit');
    const reply = await upload(city.api.token, 'kind=units', await xlsx([UNIT_HEADERS, [good, '好单位', '国有企业', city.code], [uniqueCode('unit'), '越界', '国有企业', otherCity.code], [outsider.code, '抢注', '国有企业', city.code]]));
    expectProblem(reply, 400, ['rows.1.officeCode', 'rows.2.code']);
    await expectNothingWritten([good]);
    expect(expectStatus(await otherCity.api.get(`/units?officeCode=${otherCity.code}`), 200)).toContainEqual(expect.objectContaining({ code: outsider.code, name: outsider.name }));
  });

  test('when an office row\'s parent is nowhere, lies outside the subtree or sits at a level not above it, then it is refused', async () => {
    const [a, b, c] = [uniqueCode('county'), uniqueCode('county'), uniqueCode('county')];
    const reply = await upload(city.api.token, 'kind=offices', await xlsx([OFFICE_HEADERS, [a, '甲县', '县级', 'nowhere-office'], [b, '乙县', '县级', otherCity.code], [c, '丙', '省级', city.code]]));
    expectProblem(reply, 400, ['rows.0.parentCode', 'rows.1.parentCode', 'rows.2.level']);
    await expectNothingWritten([a, b, c]);
  });

  test('when headers are wrong or a column is missing, then the header row is refused, naming each column', async () => {
    const reply = await upload(city.api.token, 'kind=units', await xlsx([['单位编号', '单位名称', '单位类型'], [uniqueCode('unit'), '某厂', '国有企业']]));
    expectProblem(reply, 400, ['columns.0', 'columns.code', 'columns.officeCode']);
    expect(reply.body.errors).toContainEqual(expect.objectContaining({ path: 'columns.officeCode', row: 1, column: '所属产改办编码', code: 'missing_column' }));
  });

  test('when a cell is merged or holds a formula without a value, then it is refused with a reason', async () => {
    const [a, b] = [uniqueCode('unit'), uniqueCode('unit')];
    const file = await xlsx([UNIT_HEADERS, [a, '甲', '国有企业', city.code], [b, '乙', '国有企业', ''], [uniqueCode('unit'), { formula: 'A2&"x"' } as ExcelJS.CellValue, '国有企业', city.code]], (sheet) => sheet.mergeCells('D2:D3'));
    const reply = await upload(city.api.token, 'kind=units', file);
    expectProblem(reply, 400, ['rows.0.officeCode', 'rows.1.officeCode', 'rows.2.name']);
    expect(reply.body.errors.map((e: { code: string }) => e.code).sort()).toEqual(['formula', 'merged', 'merged']);
    await expectNothingWritten([a, b]);
  });

  test('when the file is 20 MB, then it answers 413 and nothing is written', async () => {
    const unit = uniqueCode('unit');
    const big = `${csvText([UNIT_HEADERS, [unit, '大文件', '国有企业', city.code]])}${' '.repeat(20 * 1024 * 1024)}`;
    const reply = await upload(city.api.token, 'kind=units', big, 'big.csv');
    expectProblem(reply, 413);
    expect(reply.body.code).toBe('PAYLOAD_TOO_LARGE');
    await expectNothingWritten([unit]);
  });

  test('when the file is not a spreadsheet, then it answers 415', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    for (const [bytes, name] of [[png, 'photo.csv'], [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n\x01\x02'), 'list.xlsx'], [Buffer.from('PK\x03\x04garbage'), 'list.xlsx']] as const) {
      const reply = await upload(city.api.token, 'kind=units', bytes, name);
      expectProblem(reply, 415);
      expect(reply.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
  });

  test('when the body is not multipart or has no file part, then it answers 415 or 400', async () => {
    expectProblem(await city.api.post('/imports?kind=units', { code: 'x' }), 415);
    const form = new FormData();
    form.append('other', 'x');
    const res = await fetch(`${stack().baseUrl}/api/v1/imports?kind=units`, { method: 'POST', body: form, headers: { authorization: `Bearer ${city.api.token}` } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ path: 'file' })]);
  });

  test('when a unit token imports or exports, then it answers 403', async () => {
    const unit = await createUnit(city.api, city.code);
    const unitToken = expectStatus(await city.api.post('/tokens', { kind: 'unit', code: unit.code }), 201).token;
    expectProblem(await upload(unitToken, 'kind=units', await xlsx([UNIT_HEADERS])), 403);
    expectProblem(await api(unitToken).get('/units.xlsx'), 403);
  });
});
