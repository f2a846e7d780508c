import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createOffice, createTaskTemplate, createUnitWithToken, mintToken, root, uniqueCode } from './support/fixtures';
import { multipartBody, rawUpload, sampleElf, sampleExe, samplePdf, samplePng, sampleText, sha256, unzip, upload } from './support/files';
import { api, expectProblem, expectStatus, request, type Api } from './support/http';
import { waitFor } from './support/poll';
import { launchRound, roundBody, waitForRound, waitUntilIssued } from './support/rounds';
import { stack } from './support/stack';
import { SUMMARY, myTask, submitTask } from './support/tasks';

const filesDir = () => stack().env.DUBAN_FILES_DIR;
const maxBytes = () => Number(stack().env.DUBAN_FILE_MAX_BYTES);
const uploadsInProgress = () => (fs.existsSync(path.join(filesDir(), 'tmp')) ? fs.readdirSync(path.join(filesDir(), 'tmp')) : []);
const blobPath = (sha: string) => path.join(filesDir(), 'blobs', sha.slice(0, 2), sha.slice(2, 4), sha);

async function fileCount(unit: Api): Promise<number> {
  return expectStatus(await unit.get('/me/files?limit=500'), 200).length;
}

/** A city with two units (one with an observer), a sibling city, a round over both units with a task needing documents. */
async function setting() {
  const city = await createOffice(root(), 'city');
  const sibling = await createOffice(root(), 'city');
  const [a, b] = [await createUnitWithToken(city.api, city.code), await createUnitWithToken(city.api, city.code)];
  const observerCode = uniqueCode('obs');
  expectStatus(await city.api.post('/observers', { code: observerCode, name: '王师傅', role: 'model_worker', unitCode: a.code }), 201);
  const observer = api(await mintToken(city.api, 'observer', observerCode));
  const template = await createTaskTemplate(city.api, { evidence: ['summary', 'documents'] });
  const roundId = await launchRound(city.api, [a.code, b.code], [template.code]);
  await waitUntilIssued(city.api, roundId);
  return { city, sibling, a, b, observer, template, roundId };
}

let world: Awaited<ReturnType<typeof setting>>;
beforeAll(async () => {
  world = await setting();
});

describe('evidence files', () => {
  test('when a unit uploads a PDF, submits it and the office accepts, then everyone allowed downloads the same bytes with its hash as ETag', async () => {
    const { a, city, template, roundId } = world;
    const bytes = samplePdf();
    const file = expectStatus(await upload(a.api, bytes, '2026年第四季度工作总结.pdf'), 201);
    expect(file).toEqual({ id: expect.any(String), name: '2026年第四季度工作总结.pdf', size: bytes.length, contentType: 'application/pdf', sha256: sha256(bytes), createdAt: expect.any(String) });
    expect(uploadsInProgress()).toEqual([]);

    const task = await myTask(a.api, roundId, template.code);
    const evidence = [{ kind: 'summary', title: '工作总结' }, { kind: 'documents', title: '总结正文', fileId: file.id }];
    const { submissionId } = expectStatus(await submitTask(a.api, task.id, 'evidence-1', evidence), 201);
    const submission = expectStatus(await city.api.get(`/submissions/${submissionId}`), 200);
    expect(submission.evidence[1]).toMatchObject({ fileId: file.id, sha256: file.sha256, file: { id: file.id, name: file.name, sha256: file.sha256 } });
    expectStatus(await city.api.post(`/submissions/${submissionId}/review`, { decision: 'accept', score: 90 }), 200);

    for (const reader of [a.api, city.api, root()]) {
      const content = await reader.get(`/files/${file.id}/content`);
      expect(content.status).toBe(200);
      expect(sha256(content.bytes)).toBe(file.sha256);
      expect(content.headers.get('etag')).toBe(`"${file.sha256}"`);
      expect(content.headers.get('content-type')).toBe('application/pdf');
      expect(content.headers.get('content-disposition')).toMatch(/^inline; filename="2026\?+\.pdf"; filename\*=UTF-8''2026%E5%B9%B4%E7%AC%AC%E5%9B%9B%E5%AD%A3%E5%BA%A6%E5%B7%A5%E4%BD%9C%E6%80%BB%E7%BB%93\.pdf$/);
      expect(content.headers.get('x-content-type-options')).toBe('nosniff');
      expect(content.headers.get('content-security-policy')).toContain('sandbox');
      expect(expectStatus(await reader.get(`/files/${file.id}`), 200)).toMatchObject({ ...file, unitCode: a.code });
    }
    // fetch adds Cache-Control: no-cache to a conditional request unless the caller sets one.
    const again = await a.api.get(`/files/${file.id}/content`, { 'If-None-Match': `"${file.sha256}"`, 'Cache-Control': 'max-age=0' });
    expect(again.status).toBe(304);

    const audit = expectStatus(await city.api.get(`/audit?subject=submission:${submissionId}`), 200);
    expect(audit).toEqual([expect.objectContaining({ action: 'submission.accept', detail: { files: [{ position: 1, fileId: file.id, name: file.name, size: file.size, sha256: file.sha256 }] } })]);
    const explained = expectStatus(await city.api.get(`/rounds/${roundId}/evaluation/units/${a.code}`), 200);
    expect(explained.evidence).toEqual([{ taskCode: template.code, taskTitle: expect.any(String), submissionId, files: [{ id: file.id, name: file.name, size: file.size, sha256: file.sha256 }] }]);
  });

  test('when another unit, a sibling office or an observer asks for a file, then the others get 404 and the observer 403', async () => {
    const { a, b, sibling, observer } = world;
    const file = expectStatus(await upload(a.api, sampleText(), '名单.txt'), 201);
    expect(file.contentType).toBe('text/plain; charset=utf-8');
    for (const stranger of [b.api, sibling.api]) {
      expectProblem(await stranger.get(`/files/${file.id}`), 404);
      expectProblem(await stranger.get(`/files/${file.id}/content`), 404);
    }
    expectProblem(await observer.get(`/files/${file.id}`), 403);
    expectProblem(await observer.get(`/files/${file.id}/content`), 403);
    expectProblem(await observer.post('/files', {}), 403);
    expectProblem(await b.api.get('/files/00000000-0000-4000-8000-000000000000'), 404);
    expect(expectStatus(await b.api.get('/me/files'), 200).map((f: { id: string }) => f.id)).not.toContain(file.id);
    const text = await a.api.get(`/files/${file.id}/content`);
    expect(text.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  test('when a unit lists its files, then they come newest first and only its own', async () => {
    const { a } = world;
    const first = expectStatus(await upload(a.api, samplePng(), '现场照片1.png'), 201);
    const second = expectStatus(await upload(a.api, samplePng(), '现场照片2.png'), 201);
    const listed = expectStatus(await a.api.get('/me/files'), 200) as Array<{ id: string }>;
    expect(listed.findIndex((f) => f.id === second.id)).toBeLessThan(listed.findIndex((f) => f.id === first.id));
    expect(first.contentType).toBe('image/png');
  });

  test('when the same bytes are uploaded twice, then two files share one stored blob', async () => {
    const { a, b } = world;
    const bytes = samplePdf();
    const one = expectStatus(await upload(a.api, bytes, 'a.pdf'), 201);
    const two = expectStatus(await upload(b.api, bytes, 'b.pdf'), 201);
    expect(one.id).not.toBe(two.id);
    expect(one.sha256).toBe(two.sha256);
    expect(fs.existsSync(blobPath(one.sha256))).toBe(true);
  });

  test('when an upload is too large, of a refused type, without a file part, truncated or cut off, then it is refused and nothing is kept', async () => {
    const { a } = world;
    const before = await fileCount(a.api);
    const big = await upload(a.api, Buffer.alloc(maxBytes() + 1, 0x41), 'big.txt');
    expectProblem(big, 413);
    expect(big.body.code).toBe('FILE_TOO_LARGE');
    for (const [bytes, name] of [[sampleElf(), '工作总结.pdf'], [sampleExe(), 'report.docx'], [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'.replace('<svg', '<?xml version="1.0"?><svg')), 'logo.svg']] as const) {
      const refused = await upload(a.api, bytes, name);
      expectProblem(refused, 415);
      expect(refused.body.code).toBe('FILE_TYPE');
    }
    const form = new FormData();
    form.append('note', 'no file here');
    const missing = await api(a.api.token).post('/files', undefined);
    expectProblem(missing, 400);
    const noPart = await request('POST', '/api/v1/files', { token: a.api.token, body: form });
    expectProblem(noPart, 400, ['file']);
    expect(noPart.body.code).toBe('FILE_MISSING');

    const boundary = 'duban-boundary-7f3a';
    expect(await rawUpload(a.api.token!, multipartBody(boundary, 'half.pdf', samplePdf(), false), { boundary })).toBe(400);
    const whole = multipartBody(boundary, 'cut.pdf', Buffer.concat([samplePdf(), Buffer.alloc(512 * 1024, 0x20)]));
    expect(await rawUpload(a.api.token!, whole, { boundary, cutAfter: 256 * 1024 })).toBeNull();

    await waitFor(async () => uploadsInProgress(), (left) => left.length === 0, 'no upload left in progress');
    expect(await fileCount(a.api)).toBe(before);
  });

  test('when a file name holds folders and direction or control characters, then it is stored as a plain safe name', async () => {
    const { a } = world;
    const file = expectStatus(await upload(a.api, samplePdf(), '..\\..\\系统\\报告\u202E\u0085.pdf'), 201);
    expect(file.name).toBe('报告.pdf');
  });

  test('when a submission names an unknown or another unit\'s file, then it is refused naming the item and nothing is written', async () => {
    const { a, b, template, roundId } = world;
    const theirs = expectStatus(await upload(a.api, samplePdf(), 'theirs.pdf'), 201);
    const task = await myTask(b.api, roundId, template.code);
    const bad = await submitTask(b.api, task.id, 'foreign-1', [
      { kind: 'summary', title: '总结' },
      { kind: 'documents', title: '别人的文件', fileId: theirs.id },
      { kind: 'documents', title: '不存在的文件', fileId: '00000000-0000-4000-8000-000000000000' },
    ]);
    expectProblem(bad, 400, ['evidence.1.fileId', 'evidence.2.fileId']);
    expect((await myTask(b.api, roundId, template.code)).status).toBe('issued');
  });

  test('when a unit reuses a file from an earlier round, then the new submission names the same file and hash', async () => {
    const { city, b, template, roundId } = world;
    const file = expectStatus(await upload(b.api, samplePdf(), '制度汇编.pdf'), 201);
    const first = await myTask(b.api, roundId, template.code);
    expectStatus(await submitTask(b.api, first.id, 'reuse-1', [{ kind: 'summary', title: '总结' }, { kind: 'documents', title: '制度汇编', fileId: file.id }]), 201);

    const nextRound = await launchRound(city.api, [b.code], [template.code]);
    await waitUntilIssued(city.api, nextRound);
    const offered = expectStatus(await b.api.get('/me/files'), 200) as Array<{ id: string }>;
    expect(offered.map((f) => f.id)).toContain(file.id);
    const second = await myTask(b.api, nextRound, template.code);
    const { submissionId } = expectStatus(await submitTask(b.api, second.id, 'reuse-2', [{ kind: 'summary', title: '总结' }, { kind: 'documents', title: '制度汇编（沿用）', fileId: file.id, sha256: file.sha256 }]), 201);
    expect(expectStatus(await city.api.get(`/submissions/${submissionId}`), 200).evidence[1].file).toMatchObject({ id: file.id, sha256: file.sha256 });
  });

  test('when a unit reuses files across rounds and resubmissions, then the burden counts the reused items apart from the uploads and only uploads in the total', async () => {
    const city = await createOffice(root(), 'city');
    const unit = await createUnitWithToken(city.api, city.code);
    const template = await createTaskTemplate(city.api, { evidence: ['summary', 'documents'] });
    const period = uniqueCode('P');
    const launch = async () => {
      const { id } = expectStatus(await city.api.post('/rounds', roundBody([unit.code], [template.code], { period })), 202);
      await waitUntilIssued(city.api, id);
      return id;
    };
    const [f1, f2, f3] = [
      expectStatus(await upload(unit.api, samplePdf(), '制度汇编.pdf'), 201),
      expectStatus(await upload(unit.api, samplePng(), '展板.png'), 201),
      expectStatus(await upload(unit.api, sampleText(), '职工名单.txt'), 201),
    ];
    const items = (...files: Array<{ id: string }>) => [SUMMARY, ...files.map((f, i) => ({ kind: 'documents', title: `材料${i + 1}`, fileId: f.id }))];

    // Round 1: two new files.
    const first = await launch();
    expectStatus(await submitTask(unit.api, (await myTask(unit.api, first, template.code)).id, 'burden-1', items(f1, f2)), 201);
    // Round 2: f1 again and a new f3; returned, then resubmitted with the same two, both now used before.
    const second = await launch();
    const task = await myTask(unit.api, second, template.code);
    const { submissionId } = expectStatus(await submitTask(unit.api, task.id, 'burden-2', items(f1, f3)), 201);
    expectStatus(await city.api.post(`/submissions/${submissionId}/review`, { decision: 'return', comment: '请补充' }), 200);
    expectStatus(await submitTask(unit.api, task.id, 'burden-3', items(f1, f3)), 201);

    const burdenIn = async (roundId: string) => expectStatus(await city.api.get(`/rounds/${roundId}/evaluation`), 200).units[0].burden;
    expect(await burdenIn(first)).toEqual({ tasks: 1, questionnaires: 0, notices: 0, evidence: { uploaded: 2, reused: 0 } });
    expect(await burdenIn(second)).toEqual({ tasks: 1, questionnaires: 0, notices: 0, evidence: { uploaded: 1, reused: 3 } });
    expect(expectStatus(await city.api.get(`/burden?period=${period}`), 200).units).toEqual([
      { unitCode: unit.code, unitName: unit.name, officeCode: city.code, rounds: 2, tasks: 2, questionnaires: 0, notices: 0, evidence: { uploaded: 3, reused: 3 }, total: 5 },
    ]);
    for (const id of [first, second]) expectStatus(await city.api.post(`/rounds/${id}/cancel`), 202);
  });

  test('when an office downloads the round\'s evidence archive, then it holds its subtree\'s files in unit and task folders with a manifest of their hashes', async () => {
    const { city, sibling, a, b, template, roundId } = world;
    const zip = await city.api.get(`/rounds/${roundId}/evidence.zip`);
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    const entries = await unzip(zip.bytes);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'));
    expect(manifest.files.length).toBeGreaterThanOrEqual(2);
    expect(new Set(manifest.files.map((f: { unitCode: string }) => f.unitCode))).toEqual(new Set([a.code, b.code]));
    for (const f of manifest.files) {
      expect(f.path.startsWith(`${f.unitCode} `)).toBe(true);
      expect(f.path.split('/')[1].startsWith(`${template.code} `)).toBe(true);
      expect(f.check).toBe('ok');
      expect(sha256(entries.get(f.path)!)).toBe(f.sha256);
    }
    expect(entries.get('manifest.csv')!.toString('utf8')).toMatch(/^\uFEFF单位代码,单位,任务代码/);
    expectProblem(await sibling.api.get(`/rounds/${roundId}/evidence.zip`), 404);
    expectProblem(await a.api.get(`/rounds/${roundId}/evidence.zip`), 403);
  });

  test('when a review is corrected after the round closed, then the correction\'s audit entry names the files behind the task and the evaluation gets a new version', async () => {
    const { city, b } = world;
    const template = await createTaskTemplate(city.api, { evidence: ['summary', 'documents'] });
    const roundId = await launchRound(city.api, [b.code], [template.code]);
    await waitUntilIssued(city.api, roundId);
    const [minutes, photo] = [expectStatus(await upload(b.api, samplePdf(), '职代会会议纪要.pdf'), 201), expectStatus(await upload(b.api, samplePng(), '现场照片.png'), 201)];
    const task = await myTask(b.api, roundId, template.code);
    const evidence = [{ kind: 'summary', title: '工作总结' }, { kind: 'documents', title: '会议纪要', fileId: minutes.id }, { kind: 'documents', title: '现场照片', fileId: photo.id }];
    const { submissionId } = expectStatus(await submitTask(b.api, task.id, 'evidence-correct', evidence), 201);
    expectStatus(await city.api.post(`/submissions/${submissionId}/review`, { decision: 'return', comment: '材料不全' }), 200);
    expectStatus(await city.api.post(`/rounds/${roundId}/close`), 202);
    await waitForRound(city.api, roundId, (r) => r.status === 'closed', 'closed');
    const { version } = expectStatus(await city.api.get(`/rounds/${roundId}/evaluation`), 200);

    const corrected = expectStatus(await city.api.post(`/submissions/${submissionId}/review`, { decision: 'accept', score: 88, reason: '复核确认材料齐全' }), 200);
    expect(corrected).toMatchObject({ taskStatus: 'accepted', evaluationVersion: version + 1 });
    const named = (f: { id: string; name: string; size: number; sha256: string }, position: number) => ({ position, fileId: f.id, name: f.name, size: f.size, sha256: f.sha256 });
    const audit = expectStatus(await city.api.get(`/audit?subject=submission:${submissionId}`), 200);
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'review.correct', actor: `office:${city.code}`, taskCode: template.code, roundId,
        detail: { reason: '复核确认材料齐全', before: { status: 'returned', reviewScore: null, roundId }, after: { decision: 'accept', score: 88 }, files: [named(minutes, 1), named(photo, 2)] },
      }),
    ]);
    // A unit never reads the audit trail.
    expectProblem(await b.api.get(`/audit?subject=submission:${submissionId}`), 403);
  });

  test('when stored bytes no longer match their hash, then the file is refused as corrupt, not served', async () => {
    const { a } = world;
    const file = expectStatus(await upload(a.api, samplePdf(), '被改动.pdf'), 201);
    const blob = blobPath(file.sha256);
    fs.chmodSync(blob, 0o644);
    fs.writeFileSync(blob, Buffer.from('%PDF-1.4 tampered'));
    const reply = await a.api.get(`/files/${file.id}/content`);
    expectProblem(reply, 409);
    expect(reply.body.code).toBe('FILE_CORRUPT');
  });

  // Last: the sweep removes every unused upload of this run.
  test('when the sweep runs, then uploads no submission names are removed and used ones stay', async () => {
    const { a } = world;
    const connection = await Connection.connect({ address: stack().env.TEMPORAL_ADDRESS });
    try {
      const client = new Client({ connection });
      const schedule = await client.schedule.getHandle(`sweep-unused-files-${stack().taskQueue}`).describe();
      expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'sweepUnusedFiles' });

      const unused = expectStatus(await upload(a.api, samplePdf(), '未使用.pdf'), 201);
      const used = (expectStatus(await a.api.get('/me/files?limit=500'), 200) as Array<{ id: string; name: string }>).find((f) => f.name === '2026年第四季度工作总结.pdf')!;
      const result = await client.workflow.execute('sweepUnusedFiles', { taskQueue: stack().taskQueue, workflowId: uniqueCode('sweep'), args: [{ unusedForHours: 0 }] });
      expect(result.files).toBeGreaterThanOrEqual(1);
      expectProblem(await a.api.get(`/files/${unused.id}`), 404);
      expect(fs.existsSync(blobPath(unused.sha256))).toBe(false);
      expect((await a.api.get(`/files/${used.id}/content`)).status).toBe(200);
    } finally {
      await connection.close();
    }
  });
});
