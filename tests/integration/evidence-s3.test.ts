import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createOffice, createTaskTemplate, createUnitWithToken, root } from './support/fixtures';
import { samplePdf, samplePng, sha256, unzip } from './support/files';
import { expectProblem, expectStatus, type Api } from './support/http';
import { stopService, type Spawned } from './support/processes';
import { launchRound, waitUntilIssued } from './support/rounds';
import { runDir, startApi } from './support/stack';
import { myTask, submitTask } from './support/tasks';

// The S3-compatible server the test stack started (scripts/stack/s3.ts): a real one, not a mock.
const endpoint = process.env.DUBAN_TEST_S3_ENDPOINT;
const credentials = { accessKeyId: process.env.DUBAN_TEST_S3_ACCESS_KEY_ID ?? '', secretAccessKey: process.env.DUBAN_TEST_S3_SECRET_ACCESS_KEY ?? '' };
const bucket = `duban-it-${Date.now()}`;

let apiProcess: Spawned | undefined;
let baseUrl: string;

/** The same calls as `Api`, against the API process that keeps evidence in S3. */
function s3Api(token: string): Api {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const form = body instanceof FormData;
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && !form ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    return { status: res.status, headers: res.headers, bytes, text, body: /json/.test(res.headers.get('content-type') ?? '') && text ? JSON.parse(text) : text };
  };
  return { token, get: (path, headers) => call('GET', path, undefined, headers), post: (path, body, headers) => call('POST', path, body ?? {}, headers) };
}

function uploadTo(by: Api, bytes: Buffer, name: string) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  return by.post('/files', form);
}

beforeAll(async () => {
  if (!endpoint) throw new Error('DUBAN_TEST_S3_ENDPOINT is not set: run through `npm test`, which starts versitygw (built with go install)');
  ({ process: apiProcess, baseUrl } = await startApi({
    DUBAN_FILES_DIR: `${runDir()}/files-s3`,
    DUBAN_BLOB_STORE: 's3', S3_ENDPOINT: endpoint, S3_BUCKET: bucket, S3_ACCESS_KEY_ID: credentials.accessKeyId, S3_SECRET_ACCESS_KEY: credentials.secretAccessKey, S3_FORCE_PATH_STYLE: 'true',
  }));
});

afterAll(async () => {
  if (apiProcess) await stopService(apiProcess.pid, 5000);
});

describe('evidence kept in an S3-compatible store', () => {
  test('when a unit uploads, submits and the office downloads file and archive, then the bytes come back from the bucket with the same hash', async () => {
    const city = await createOffice(root(), 'city');
    const unit = await createUnitWithToken(city.api, city.code);
    const template = await createTaskTemplate(city.api, { evidence: ['summary', 'site'] });
    const roundId = await launchRound(city.api, [unit.code], [template.code]);
    await waitUntilIssued(city.api, roundId);
    const [u, office] = [s3Api(unit.api.token!), s3Api(city.api.token!)];

    const bytes = samplePng();
    const big = Buffer.concat([samplePdf(), Buffer.alloc(1536 * 1024, 0x25)]);
    const photo = expectStatus(await uploadTo(u, bytes, '现场照片.png'), 201);
    const report = expectStatus(await uploadTo(u, big, '报告.pdf'), 201);
    expect(photo).toMatchObject({ contentType: 'image/png', sha256: sha256(bytes) });
    expect(report.sha256).toBe(sha256(big));

    const task = await myTask(unit.api, roundId, template.code);
    expectStatus(await submitTask(u, task.id, 's3-1', [{ kind: 'summary', title: '总结', fileId: report.id }, { kind: 'site', title: '现场', fileId: photo.id }]), 201);

    const content = await office.get(`/files/${report.id}/content`);
    expect(content.status).toBe(200);
    expect(sha256(content.bytes)).toBe(report.sha256);
    expect(content.headers.get('etag')).toBe(`"${report.sha256}"`);

    const entries = await unzip((await office.get(`/rounds/${roundId}/evidence.zip`)).bytes);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'));
    expect(manifest.files.map((f: { sha256: string; check: string }) => [f.sha256, f.check]).sort()).toEqual([[photo.sha256, 'ok'], [report.sha256, 'ok']].sort());
    for (const f of manifest.files) expect(sha256(entries.get(f.path)!)).toBe(f.sha256);
  });

  test('when an object in the bucket is changed behind the product\'s back, then the file is refused as corrupt', async () => {
    const city = await createOffice(root(), 'city');
    const unit = await createUnitWithToken(city.api, city.code);
    const u = s3Api(unit.api.token!);
    const file = expectStatus(await uploadTo(u, samplePdf(), '原件.pdf'), 201);
    const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_REQUIRED' });
    try {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `sha256/${file.sha256}`, Body: Buffer.from('%PDF-1.4 replaced') }));
    } finally {
      s3.destroy();
    }
    const reply = await u.get(`/files/${file.id}/content`);
    expectProblem(reply, 409);
    expect(reply.body.code).toBe('FILE_CORRUPT');
  });
});
