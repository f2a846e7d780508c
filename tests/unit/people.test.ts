import { capabilitiesOf, mayAct, tokenRoleFor } from '../../access/roles';
import { TOKEN_ROLES } from '../../domain/vocabulary';
import { MIN_PASSWORD_LENGTH, passwordProblems } from '../../src/passwords';
import { sessionExpired } from '../../usecases/sessions';

describe('what each role may do', () => {
  it.each([
    ['admin', ['admin']],
    ['supervisor', ['supervisor']],
    ['viewer', []],
    ['unit_contact', []],
    ['full', ['admin', 'supervisor']],
  ] as const)('the role %s holds %j', (role, caps) => {
    expect(capabilitiesOf(role)).toEqual(caps);
  });

  it('an office caller may take an action only with the capability it needs; reads and signing out need none', () => {
    const viewer = { kind: 'office', capabilities: [] };
    const admin = { kind: 'office', capabilities: ['admin'] as const };
    expect([mayAct(viewer, undefined), mayAct(viewer, 'anyone'), mayAct(viewer, 'admin'), mayAct(admin, 'admin'), mayAct(admin, 'supervisor')]).toEqual([true, true, false, true, false]);
  });

  it('units and observers are judged by their kind alone', () => {
    expect(mayAct({ kind: 'unit' }, 'supervisor')).toBe(true);
  });

  it.each(TOKEN_ROLES)('the capabilities of a %s token map back to that role', (role) => {
    expect(tokenRoleFor(capabilitiesOf(role))).toBe(role);
  });
});

describe('the password policy', () => {
  it.each([
    ['Short-1', 'too_short'],
    ['一二三四五六七八九', 'too_short'],
    ['woaini1314', 'common'],
    ['WOAINI1314', 'common'],
    ['qwerty123456', 'common'],
    ['1234567890', 'common'],
    ['abababababab', 'repetitive'],
  ])('refuses %s as %s', (password, code) => {
    expect(passwordProblems(password).map((p) => p.code)).toEqual([code]);
  });

  it('refuses a password holding the username, in any case', () => {
    expect(passwordProblems('Wang.Li-2026-spring', 'wang.li').map((p) => p.code)).toEqual(['contains_username']);
  });

  it.each(['Ganjiang-demo-2026', '赣江潮涌-2026年春', 'correct horse battery'])('accepts %s', (password) => {
    expect(passwordProblems(password, 'chen.dc')).toEqual([]);
    expect([...password].length).toBeGreaterThanOrEqual(MIN_PASSWORD_LENGTH);
  });
});

describe('when a session ends by itself', () => {
  const config = { DUBAN_SESSION_IDLE_MINUTES: 60, DUBAN_SESSION_MAX_HOURS: 12 };
  const now = Date.parse('2026-12-01T12:00:00Z');
  const ago = (minutes: number) => new Date(now - minutes * 60_000);
  it.each([
    [1, 60, false],
    [59, 120, false],
    [60, 120, true],
    [0, 720, true],
    [0, 719, false],
  ])('idle %d minutes, begun %d minutes ago: expired %s', (idle, age, expired) => {
    expect(sessionExpired(config, { lastSeenAt: ago(idle), createdAt: ago(age) }, now)).toBe(expired);
  });
});
