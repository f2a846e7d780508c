import { runCli } from './support/cli';
import { sql } from './support/db';
import { createOffice, createTaskTemplate, createUnit, root, uniqueCode, type Office, type Unit } from './support/fixtures';
import { api, expectProblem, expectStatus, request } from './support/http';
import { acceptInvitation, GOOD_PASSWORD, invitePerson, login, personSession, sessionCookie, someAddress, type Session } from './support/people';
import { launchRound, waitForRound, waitUntilIssued } from './support/rounds';
import { stack } from './support/stack';
import { myTask, submitTask } from './support/tasks';

let city: Office;
let otherCity: Office;
let unit: Unit;
let foreignUnit: Unit;

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  otherCity = await createOffice(root(), 'city');
  unit = await createUnit(city.api, city.code);
  foreignUnit = await createUnit(otherCity.api, otherCity.code);
});

const me = (cookie: string) => request('GET', '/api/v1/me', { headers: { cookie } });

describe('signing in', () => {
  test('when a person signs in, then the session cookie is HttpOnly, SameSite=Strict, Path=/ (Secure over https), /me names the person, and signing out ends it', async () => {
    const invited = await invitePerson(city.api, { role: 'supervisor' });
    expectStatus(await acceptInvitation(invited.token, GOOD_PASSWORD), 204);
    const reply = await login(invited.username.toUpperCase(), GOOD_PASSWORD);
    expect(expectStatus(reply, 200).principal).toMatchObject({ kind: 'office', code: city.code, actor: `person:${invited.username}`, person: { username: invited.username, role: 'supervisor' }, capabilities: ['supervisor'] });
    const setCookie = reply.headers.getSetCookie().find((c) => c.startsWith('duban_session='))!;
    const flags = setCookie.split(';').map((f) => f.trim().toLowerCase());
    expect(flags).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
    expect(flags).not.toContain('secure');
    const overHttps = await request('POST', '/api/v1/auth/login', { body: { username: invited.username, password: GOOD_PASSWORD }, headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': someAddress() } });
    expect(overHttps.headers.getSetCookie().find((c) => c.startsWith('duban_session='))!.toLowerCase()).toContain('; secure');

    const cookie = sessionCookie(reply);
    expect(expectStatus(await me(cookie), 200)).toMatchObject({ person: { username: invited.username }, actor: `person:${invited.username}` });
    const csrf = expectStatus(await request('GET', '/api/v1/auth/csrf', { headers: { cookie } }), 200).token;
    expect(csrf).toEqual(expect.any(String));
    expectStatus(await request('POST', '/api/v1/auth/logout', { headers: { cookie, 'x-csrf-token': csrf } }), 204);
    expectProblem(await me(cookie), 401);
    const [row] = await sql<{ ended: boolean }>(`SELECT ended_at IS NOT NULL AS ended FROM sessions s JOIN people p ON p.id = s.person_id WHERE p.username = $1 ORDER BY s.created_at LIMIT 1`, [invited.username]);
    expect(row.ended).toBe(true);
  });

  test('when the username is unknown or the password wrong, then both answer the same 401 in comparable time', async () => {
    const invited = await invitePerson(city.api, { role: 'viewer' });
    expectStatus(await acceptInvitation(invited.token, GOOD_PASSWORD), 204);
    const pending = await invitePerson(city.api, { role: 'viewer' });
    const timed = async (username: string) => {
      const started = performance.now();
      const reply = await login(username, 'Wrong-password-42');
      return { reply, ms: performance.now() - started };
    };
    const wrong = await timed(invited.username);
    const unknown = await timed(`nobody-${invited.username}`);
    const noPassword = await timed(pending.username);
    for (const r of [wrong, unknown, noPassword]) {
      expectProblem(r.reply, 401);
      expect(r.reply.body).toEqual(wrong.reply.body);
      expect(r.reply.headers.getSetCookie()).toEqual([]);
    }
    expect(wrong.reply.body.code).toBe('LOGIN_FAILED');
    // Both verify an Argon2id hash (a dummy one for the unknown username): neither is a quick lookup.
    const median = async (username: string) => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) times.push((await timed(username)).ms);
      return times.sort((a, b) => a - b)[2];
    };
    const [known, absent] = [await median(invited.username), await median(`nobody-${invited.username}`)];
    expect(absent).toBeGreaterThan(known * 0.4);
    const [hash] = await sql<{ password_hash: string }>('SELECT password_hash FROM people WHERE id = $1', [invited.id]);
    expect(hash.password_hash).toMatch(/^\$argon2id\$/);
  });

  test('when a signed-in person changes something without X-CSRF-Token or with another session\'s, then 403 and nothing is written; with it, it works; a bearer token needs none', async () => {
    const admin = await personSession(city.api, { role: 'admin' });
    const other = await personSession(city.api, { role: 'admin' });
    const body = (code: string) => ({ code, name: '新试点企业', kind: 'sme', officeCode: city.code });
    const code = uniqueCode('csrf');
    const missing = await admin.call('POST', '/units', body(code), { 'x-csrf-token': '' });
    expectProblem(missing, 403);
    expect(missing.body.code).toBe('CSRF_MISSING');
    const foreign = await admin.call('POST', '/units', body(code), { 'x-csrf-token': other.csrf });
    expectProblem(foreign, 403);
    expect(foreign.body.code).toBe('CSRF_INVALID');
    expect(await sql('SELECT 1 FROM units WHERE code = $1', [code])).toEqual([]);
    expectStatus(await admin.post('/units', body(code)), 201);
    expectStatus(await city.api.post('/units', body(uniqueCode('bearer'))), 201);
    expect(expectStatus(await city.api.get('/auth/csrf'), 200)).toEqual({ token: null });
  });

  test('when a session sits idle past the limit, or outlives the absolute limit however busy, then it answers 401 and is ended', async () => {
    const idle = await personSession(city.api, { role: 'viewer' });
    const old = await personSession(city.api, { role: 'viewer' });
    const id = async (s: Session) => (await sql<{ id: string }>('SELECT s.id FROM sessions s JOIN people p ON p.id = s.person_id WHERE p.username = $1 AND s.ended_at IS NULL', [s.username]))[0].id;
    const [idleId, oldId] = [await id(idle), await id(old)];
    // The defaults: 60 idle minutes, 12 hours in all.
    await sql(`UPDATE sessions SET last_seen_at = now() - interval '59 minutes' WHERE id = $1`, [idleId]);
    expectStatus(await idle.get('/me'), 200);
    await sql(`UPDATE sessions SET last_seen_at = now() - interval '61 minutes' WHERE id = $1`, [idleId]);
    expectProblem(await idle.get('/me'), 401);
    await sql(`UPDATE sessions SET created_at = now() - interval '11 hours 59 minutes' WHERE id = $1`, [oldId]);
    expectStatus(await old.get('/me'), 200);
    await sql(`UPDATE sessions SET created_at = now() - interval '12 hours 1 minute', last_seen_at = now() WHERE id = $1`, [oldId]);
    expectProblem(await old.get('/me'), 401);
    const ended = await sql<{ ended: boolean }>('SELECT ended_at IS NOT NULL AS ended FROM sessions WHERE id = ANY($1) ORDER BY id', [[idleId, oldId]]);
    expect(ended).toEqual([{ ended: true }, { ended: true }]);
  });
});

describe('people and invitations', () => {
  test('when an admin deactivates a person, then their open session ends at once and they cannot sign in', async () => {
    const admin = await personSession(city.api, { role: 'admin' });
    const supervisor = await personSession(city.api, { role: 'supervisor' });
    expectStatus(await supervisor.get('/rounds'), 200);
    expect(expectStatus(await admin.post(`/people/${supervisor.id}/deactivate`), 200)).toMatchObject({ active: false, username: supervisor.username });
    expectProblem(await supervisor.get('/rounds'), 401);
    expectProblem(await login(supervisor.username, GOOD_PASSWORD), 401);
  });

  test('when an admin issues a new invitation, then the old password stops working, sessions end, and the new link sets a new one', async () => {
    const person = await personSession(city.api, { role: 'viewer' });
    const again = expectStatus(await city.api.post(`/people/${person.id}/invitation`), 201);
    expect(again.invitationUrl).toMatch(/\/#\/invitation\/[A-Za-z0-9_-]{40,}$/);
    expectProblem(await person.get('/me'), 401);
    expectProblem(await login(person.username, GOOD_PASSWORD), 401);
    expectStatus(await acceptInvitation(again.invitationUrl.split('/').at(-1), 'Ganjiang-river-1926'), 204);
    expectStatus(await login(person.username, 'Ganjiang-river-1926'), 200);
  });

  test('when an invitation is used twice, replaced, or older than 7 days, then it answers 404 and changes nothing', async () => {
    const invited = await invitePerson(city.api, { role: 'viewer' });
    const [inv] = await sql<{ days: number }>('SELECT round(extract(epoch FROM expires_at - created_at) / 86400) AS days FROM invitations WHERE person_id = $1', [invited.id]);
    expect(Number(inv.days)).toBe(7);
    expectStatus(await acceptInvitation(invited.token, GOOD_PASSWORD), 204);
    expectProblem(await acceptInvitation(invited.token, 'Another-good-one-77'), 404);
    expectStatus(await login(invited.username, GOOD_PASSWORD), 200);

    const replaced = await invitePerson(city.api, { role: 'viewer' });
    expectStatus(await city.api.post(`/people/${replaced.id}/invitation`), 201);
    expectProblem(await acceptInvitation(replaced.token, GOOD_PASSWORD), 404);

    const late = await invitePerson(city.api, { role: 'viewer' });
    await sql(`UPDATE invitations SET created_at = now() - interval '7 days 1 minute', expires_at = now() - interval '1 minute' WHERE person_id = $1`, [late.id]);
    expectProblem(await acceptInvitation(late.token, GOOD_PASSWORD), 404);
    const [row] = await sql<{ password_hash: string | null }>('SELECT password_hash FROM people WHERE id = $1', [late.id]);
    expect(row.password_hash).toBeNull();
  });

  test.each([
    ['too short', 'Short-1', 'too_short'],
    ['a common password', 'woaini1314', 'common'],
    ['a common password, capitalised', 'Qwerty123456', 'common'],
    ['one character over and over', 'aaaaaaaaaaaa', 'repetitive'],
  ])('when the new password is %s, then 400 WEAK_PASSWORD names the password and nothing is set', async (_what, password, code) => {
    const invited = await invitePerson(city.api, { role: 'viewer' });
    const reply = await acceptInvitation(invited.token, password);
    expectProblem(reply, 400, ['password']);
    expect(reply.body).toMatchObject({ code: 'WEAK_PASSWORD', errors: [{ path: 'password', code }] });
    expectStatus(await acceptInvitation(invited.token, GOOD_PASSWORD), 204);
  });

  test('when the new password contains the username, then it is refused', async () => {
    const invited = await invitePerson(city.api, { role: 'viewer' });
    const reply = await acceptInvitation(invited.token, `${invited.username}-2026!`);
    expect(reply.body).toMatchObject({ code: 'WEAK_PASSWORD', errors: [{ path: 'password', code: 'contains_username' }] });
  });

  test('when an admin adds people, then places outside its subtree read as unknown, a taken username is 409, and the list shows its subtree without passwords', async () => {
    const admin = await personSession(city.api, { role: 'admin' });
    expectProblem(await admin.post('/people', { name: '外市人员', username: uniqueCode('x').toLowerCase(), role: 'viewer', officeCode: otherCity.code }), 404);
    expectProblem(await admin.post('/people', { name: '外市联络员', username: uniqueCode('x').toLowerCase(), role: 'unit_contact', unitCode: foreignUnit.code }), 404);
    expectProblem(await admin.post('/people', { name: '联络员', username: uniqueCode('x').toLowerCase(), role: 'unit_contact' }), 400, ['unitCode']);
    expectProblem(await admin.post('/people', { name: '人员', username: uniqueCode('x').toLowerCase(), role: 'viewer', unitCode: unit.code }), 400, ['unitCode']);
    expectProblem(await admin.post('/people', { name: '同名', username: admin.username, role: 'viewer' }), 409);
    const foreign = await invitePerson(otherCity.api, { role: 'viewer' });
    expectProblem(await admin.post(`/people/${foreign.id}/deactivate`), 404);
    expectProblem(await admin.post(`/people/${foreign.id}/invitation`), 404);
    const contact = await invitePerson(admin, { role: 'unit_contact', unitCode: unit.code });
    const people = await admin.get('/people');
    const names = expectStatus(people, 200).map((p: { username: string }) => p.username);
    expect(names).toEqual(expect.arrayContaining([admin.username, contact.username]));
    expect(names).not.toContain(foreign.username);
    expect(people.text).not.toMatch(/argon2|passwordHash/i);
    expect(people.body.find((p: { username: string }) => p.username === contact.username)).toMatchObject({ role: 'unit_contact', unitCode: unit.code, officeCode: null, hasPassword: false, active: true, createdBy: `person:${admin.username}` });
  });
});

describe('failed sign-ins', () => {
  const failUntilLimited = async (username: string, password = 'Wrong-password-42') => {
    const statuses: number[] = [];
    let limited;
    for (let i = 0; i < 20; i++) {
      const reply = await login(username, password);
      statuses.push(reply.status);
      if (reply.status === 429) limited = reply;
    }
    return { statuses, limited: limited! };
  };

  test('when one username gets 20 wrong passwords from many addresses, then past 10 it answers 429 with Retry-After, known or unknown alike, even for the right password', async () => {
    const known = await personSession(city.api, { role: 'viewer' });
    const unknownName = `nobody-${known.username}`;
    const a = await failUntilLimited(known.username);
    const b = await failUntilLimited(unknownName);
    for (const r of [a, b]) {
      expect(r.statuses).toEqual([...Array(10).fill(401), ...Array(10).fill(429)]);
      expectProblem(r.limited, 429);
      expect(r.limited.body.code).toBe('RATE_LIMITED');
      expect(Number(r.limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(r.limited.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    }
    expect({ ...b.limited.body, detail: '' }).toEqual({ ...a.limited.body, detail: '' });
    expectProblem(await login(known.username, GOOD_PASSWORD), 429);
    // The open session is not touched.
    expectStatus(await known.get('/me'), 200);

    const audit = await sql<{ action: string; n: number }>(
      `SELECT action, count(*)::int AS n FROM audit_log WHERE subject = ANY($1) GROUP BY action ORDER BY action`,
      [[`username:${known.username}`, `username:${unknownName}`]],
    );
    expect(audit).toEqual([{ action: 'auth.lockout', n: 2 }, { action: 'auth.login_failed', n: 20 }]);
    const [signedIn] = await sql<{ actor: string }>(`SELECT actor FROM audit_log WHERE action = 'auth.login' AND subject = $1`, [`person:${known.id}`]);
    expect(signedIn.actor).toBe(`person:${known.username}`);
  });

  test('when one address fails 50 times across usernames, then it gets 429 for any username', async () => {
    const address = someAddress();
    for (let i = 0; i < 50; i++) expectProblem(await login(`spray-${i}-${address}`, 'Wrong-password-42', address), 401);
    const limited = await login(`spray-last-${address}`, 'Wrong-password-42', address);
    expectProblem(limited, 429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expectProblem(await login(`spray-other-${address}`, 'Wrong-password-42'), 401);
  });
});

describe('roles', () => {
  test('when each role acts beyond itself, then 403 ROLE_FORBIDDEN and nothing is written', async () => {
    const viewer = await personSession(city.api, { role: 'viewer' });
    const supervisor = await personSession(city.api, { role: 'supervisor' });
    const admin = await personSession(city.api, { role: 'admin' });
    const template = await createTaskTemplate(city.api);
    const refusals: Array<[Session, string, unknown]> = [
      [viewer, '/rounds', { title: 'x', period: '2026Q4', unitCodes: [unit.code], tasks: [{ templateCode: template.code }], closesAt: new Date(Date.now() + 86_400_000).toISOString() }],
      [viewer, '/units', { code: uniqueCode('v'), name: 'x', kind: 'sme', officeCode: city.code }],
      [supervisor, '/people', { name: 'x', username: uniqueCode('s').toLowerCase(), role: 'viewer' }],
      [supervisor, '/task-templates', { code: uniqueCode('t'), category: '思想引领', title: 'x', evidence: [], weight: 5, dueWorkingDays: 5 }],
      [admin, '/rounds', { title: 'x', period: '2026Q4', unitCodes: [unit.code], tasks: [{ templateCode: template.code }], closesAt: new Date(Date.now() + 86_400_000).toISOString() }],
    ];
    for (const [who, path, body] of refusals) {
      const reply = await who.post(path, body);
      expectProblem(reply, 403);
      expect({ who: who.username, path, code: reply.body.code }).toEqual({ who: who.username, path, code: 'ROLE_FORBIDDEN' });
    }
    expect(await sql(`SELECT 1 FROM rounds r JOIN offices o ON o.id = r.office_id WHERE o.code = $1 AND r.title = 'x'`, [city.code])).toEqual([]);
    expect(expectStatus(await viewer.get('/me'), 200).capabilities).toEqual([]);
  });

  test('when the records of a round are read, then each names the person who acted', async () => {
    const supervisor = await personSession(city.api, { role: 'supervisor' });
    const contact = await personSession(city.api, { role: 'unit_contact', unitCode: unit.code });
    expect(expectStatus(await contact.get('/me'), 200)).toMatchObject({ kind: 'unit', code: unit.code, person: { role: 'unit_contact' } });
    const t1 = await createTaskTemplate(city.api);
    const t2 = await createTaskTemplate(city.api);
    const roundId = await launchRound(supervisor, [unit.code], [t1.code, t2.code]);
    await waitUntilIssued(supervisor, roundId);
    expect(expectStatus(await supervisor.get(`/rounds/${roundId}`), 200).launchedBy).toBe(`person:${supervisor.username}`);

    const task = await myTask(contact, roundId, t1.code);
    const { submissionId } = expectStatus(await submitTask(contact, task.id, `people-${task.id}`), 201);
    expectStatus(await supervisor.post(`/submissions/${submissionId}/review`, { decision: 'accept', score: 91 }), 200);
    expect(expectStatus(await supervisor.get(`/submissions/${submissionId}`), 200)).toMatchObject({ submittedBy: `person:${contact.username}`, reviewedBy: `person:${supervisor.username}` });

    const other = await myTask(contact, roundId, t2.code);
    const later = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    expectStatus(await supervisor.post(`/tasks/${other.id}/extension`, { dueDate: later, reason: '汛期顺延' }), 200);
    expectStatus(await supervisor.post(`/tasks/${other.id}/waive`, { reason: '试点调整' }), 200);
    const audit = expectStatus(await supervisor.get(`/audit?roundId=${roundId}`), 200) as Array<{ action: string; actor: string }>;
    expect(audit.filter((a) => ['task.extend', 'task.waive'].includes(a.action)).map((a) => a.actor)).toEqual([`person:${supervisor.username}`, `person:${supervisor.username}`]);

    expectStatus(await supervisor.post(`/rounds/${roundId}/close`), 202);
    await waitForRound(supervisor, roundId, (r) => r.status === 'closed', 'closed');
    const versions = await (async () => {
      for (let i = 0; i < 100; i++) {
        const v = expectStatus(await supervisor.get(`/rounds/${roundId}/evaluation/versions`), 200);
        if (v.length > 0) return v;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('no evaluation version');
    })();
    expect(versions[0].actor).toBe(`person:${supervisor.username}`);
  });
});

describe('program tokens', () => {
  test('when an office lists, labels, limits and revokes tokens, then the secret is shown once and a revoked or expired token answers 401', async () => {
    const minted = expectStatus(await city.api.post('/tokens', { kind: 'unit', code: unit.code, label: '报表程序', expiresAt: new Date(Date.now() + 86_400_000).toISOString() }), 201);
    expect(minted).toMatchObject({ token: expect.stringMatching(/^dbn_/), kind: 'unit', code: unit.code, label: '报表程序', role: null, expiresAt: expect.any(String) });
    const list = await city.api.get('/tokens');
    expect(expectStatus(list, 200).find((t: { id: string }) => t.id === minted.id)).toMatchObject({ label: '报表程序', code: unit.code, revokedAt: null });
    expect(list.text).not.toContain(minted.token);
    expectStatus(await api(minted.token).get('/me'), 200);
    expect(expectStatus(await city.api.post(`/tokens/${minted.id}/revoke`), 200).revokedAt).toEqual(expect.any(String));
    expectProblem(await api(minted.token).get('/me'), 401);

    const expiring = expectStatus(await city.api.post('/tokens', { kind: 'unit', code: unit.code }), 201);
    await sql(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [expiring.id]);
    expectProblem(await api(expiring.token).get('/me'), 401);
    expectProblem(await city.api.post('/tokens', { kind: 'unit', code: unit.code, expiresAt: '2020-01-01T00:00:00+08:00' }), 400, ['expiresAt']);
    expectProblem(await otherCity.api.post(`/tokens/${minted.id}/revoke`), 404);
  });

  test('when office tokens carry roles, then a viewer token only reads and no one mints a token stronger than itself', async () => {
    const county = uniqueCode('county');
    expectStatus(await city.api.post('/offices', { code: county, name: '县产改办', level: 'county', parentCode: city.code }), 201);
    const viewer = expectStatus(await city.api.post('/tokens', { kind: 'office', code: county, role: 'viewer' }), 201);
    expect(viewer.role).toBe('viewer');
    expectStatus(await api(viewer.token).get('/units'), 200);
    const refused = await api(viewer.token).post('/units', { code: uniqueCode('u'), name: 'x', kind: 'sme', officeCode: county });
    expect(refused.body.code).toBe('ROLE_FORBIDDEN');
    const admin = await personSession(city.api, { role: 'admin' });
    expectProblem(await admin.post('/tokens', { kind: 'office', code: county, role: 'full' }), 403);
    expect(expectStatus(await admin.post('/tokens', { kind: 'office', code: county }), 201).role).toBe('admin');
    expect(expectStatus(await city.api.post('/tokens', { kind: 'office', code: county }), 201).role).toBe('full');
  });

  test('when `cli init` creates a root office, then it prints the first admin\'s invitation link and the office token last', async () => {
    const code = uniqueCode('root');
    const token = await runCli(['init', '--office', code, '--name', '测试省产改办'], stack().env.DATABASE_URL, 'npm');
    expect(expectStatus(await api(token).get('/me'), 200)).toMatchObject({ code, capabilities: ['admin', 'supervisor'] });
    const people = expectStatus(await api(token).get('/people'), 200);
    expect(people).toEqual([expect.objectContaining({ username: `${code}-admin`.toLowerCase(), role: 'admin', officeCode: code, hasPassword: false })]);
  });
});
