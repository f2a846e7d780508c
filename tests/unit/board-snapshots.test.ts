import { BoardSnapshots, type Loader } from '../../usecases/boardSnapshots';

/** A loader that counts its calls and answers `size` rows stamped with the call's number. */
function loader(size: number) {
  const calls = { n: 0 };
  const load = jest.fn(async () => {
    calls.n++;
    return { rows: Array.from({ length: size }, () => calls.n) };
  });
  return { load, calls };
}

/** A loader whose first load answers at once and whose later ones wait until released. */
function hangingLoader() {
  let release: (() => void) | undefined;
  let loads = 0;
  const load = async () => {
    loads++;
    if (loads > 1) await new Promise<void>((resolve) => (release = resolve));
    return { rows: [loads, loads, loads, loads, loads] };
  };
  return { load, loads: () => loads, release: () => release!() };
}

const LARGE = 5;
const options = { minUnits: LARGE, maxAgeMs: 5_000, watchMs: 60_000 };

describe('the snapshots a large board is drawn from', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2027-03-01T02:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('when a small scope is read twice, then it is loaded at each read, nothing is kept, and the second read says the scope is small', async () => {
    const snapshots = new BoardSnapshots<number>(options);
    const { load } = loader(LARGE - 1);
    const waits = jest.fn();
    await snapshots.read('r town', load, waits);
    await snapshots.read('r town', load, waits);
    expect(load).toHaveBeenCalledTimes(2);
    expect(snapshots.size).toBe(0);
    expect(waits.mock.calls).toEqual([['first'], ['small']]);
  });

  it('when a large scope is read again within its age, then the kept snapshot answers and says when it was loaded', async () => {
    const snapshots = new BoardSnapshots<number>(options);
    const { load } = loader(LARGE);
    const waits = jest.fn();
    const first = await snapshots.read('r province', load, waits);
    expect(waits).toHaveBeenCalledWith('first');
    jest.setSystemTime(Date.now() + 1_000);
    const second = await snapshots.read('r province', load, waits);
    expect(waits).toHaveBeenCalledTimes(1);
    expect(load).toHaveBeenCalledTimes(1);
    expect(second).toBe(first);
    expect(second.loadedAt).toBe(new Date('2027-03-01T02:00:00Z').getTime());
    snapshots.close();
  });

  it('when many read a cold scope at once, then it is loaded once for all of them', async () => {
    const snapshots = new BoardSnapshots<number>(options);
    const { load } = loader(LARGE);
    const all = await Promise.all([1, 2, 3, 4].map(() => snapshots.read('r province', load)));
    expect(load).toHaveBeenCalledTimes(1);
    expect(new Set(all).size).toBe(1);
    snapshots.close();
  });

  it('when a scope is watched, then it is refreshed in the background and a read never finds it older than its age', async () => {
    const snapshots = new BoardSnapshots<number>(options);
    const { load } = loader(LARGE);
    for (let second = 0; second <= 30; second++) {
      const snapshot = await snapshots.read('r province', load);
      expect(Date.now() - snapshot.loadedAt).toBeLessThanOrEqual(options.maxAgeMs);
      await jest.advanceTimersByTimeAsync(1_000);
    }
    // Loaded at 0 s, then refreshed every 2.5 s (half its age) while read.
    expect(load).toHaveBeenCalledTimes(1 + Math.floor(31_000 / 2_500));
    snapshots.close();
  });

  it('when a refresh takes longer than the age, then readers are answered from the kept counts meanwhile and do not wait for it', async () => {
    const snapshots = new BoardSnapshots<number>({ ...options, staleMs: 30_000 });
    const hanging = hangingLoader();
    const { load } = hanging;
    const first = await snapshots.read('r province', load);
    // The background refresh at 2.5 s hangs; the counts age past 5 s while readers keep coming.
    await jest.advanceTimersByTimeAsync(20_000);
    expect(hanging.loads()).toBe(2);
    const meanwhile = await snapshots.read('r province', load);
    expect(meanwhile).toBe(first);
    expect(Date.now() - meanwhile.loadedAt).toBe(20_000);
    expect(hanging.loads()).toBe(2);
    hanging.release();
    await jest.advanceTimersByTimeAsync(0);
    const after = await snapshots.read('r province', load);
    expect(after.rows[0]).toBe(2);
    expect(after.loadedAt).toBe(first.loadedAt + 2_500);
    snapshots.close();
  });

  it('when the kept counts are older than the stale bound, then the read waits for a load and never answers from them', async () => {
    const snapshots = new BoardSnapshots<number>({ ...options, staleMs: 30_000 });
    const hanging = hangingLoader();
    const { load } = hanging;
    await snapshots.read('r province', load);
    await jest.advanceTimersByTimeAsync(30_001);
    let answered: { rows: number[]; loadedAt: number } | undefined;
    const waits = jest.fn();
    const reading = snapshots.read('r province', load, waits).then((s) => (answered = s));
    expect(waits).toHaveBeenCalledWith('expired');
    await jest.advanceTimersByTimeAsync(0);
    expect(answered).toBeUndefined();
    hanging.release();
    await reading;
    expect(answered!.rows[0]).toBe(2);
    snapshots.close();
  });

  it('when the counts are past their age but within the stale bound and nothing refreshes them, then a read answers from them and starts one load', async () => {
    const snapshots = new BoardSnapshots<number>({ ...options, staleMs: 30_000, watchMs: 1_000 });
    const { load } = loader(LARGE);
    const first = await snapshots.read('r province', load);
    // Unread, it is dropped at its first refresh; read again while that is pending it stays kept.
    jest.setSystemTime(Date.now() + 6_000);
    const waits = jest.fn();
    const stale = await snapshots.read('r province', load, waits);
    expect(stale).toBe(first);
    expect(waits).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(0);
    expect(load).toHaveBeenCalledTimes(2);
    const fresh = await snapshots.read('r province', load);
    expect(fresh.rows[0]).toBe(2);
    expect(load).toHaveBeenCalledTimes(2);
    snapshots.close();
  });

  it.each([
    ['read', (s: BoardSnapshots<number>, load: Loader<number>) => s.read('r province', load)],
    ['warmed before anyone read it', (s: BoardSnapshots<number>, load: Loader<number>) => s.warm('r province', load)],
  ])('when no one reads a kept scope (%s) for the watch period, then it is dropped instead of refreshed, and its next read says so', async (_, first) => {
    const snapshots = new BoardSnapshots<number>(options);
    const { load } = loader(LARGE);
    await first(snapshots, load);
    await jest.advanceTimersByTimeAsync(options.watchMs + 5_000);
    expect(snapshots.size).toBe(0);
    const refreshes = load.mock.calls.length;
    await jest.advanceTimersByTimeAsync(options.watchMs);
    expect(load).toHaveBeenCalledTimes(refreshes);
    const waits = jest.fn();
    await snapshots.read('r province', load, waits);
    expect(waits).toHaveBeenCalledWith('unwatched');
    snapshots.close();
  });

  it('when a load is slow, then the scope is refreshed no more often than keeps loads to a tenth of the time', async () => {
    const snapshots = new BoardSnapshots<number>(options);
    let loads = 0;
    const slow = async () => {
      loads++;
      jest.setSystemTime(Date.now() + 1_000);
      return { rows: [1, 2, 3, 4, 5] };
    };
    await snapshots.read('r province', slow);
    await jest.advanceTimersByTimeAsync(9_999);
    expect(loads).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(loads).toBe(2);
    snapshots.close();
  });

  it('when a background refresh fails, then the snapshot is dropped with a warning and the next read loads again, saying why', async () => {
    const log = { warn: jest.fn(), debug: jest.fn() };
    const snapshots = new BoardSnapshots<number>({ ...options, log });
    let fail = false;
    let loads = 0;
    const load = async () => {
      loads++;
      if (fail) throw new Error('database unavailable');
      return { rows: [1, 2, 3, 4, 5] };
    };
    await snapshots.read('r province', load);
    fail = true;
    await jest.advanceTimersByTimeAsync(2_500);
    expect(snapshots.size).toBe(0);
    expect(log.warn).toHaveBeenCalledWith({ scope: 'r province', err: new Error('database unavailable') }, expect.stringContaining('refresh failed'));
    const waits = jest.fn();
    await expect(snapshots.read('r province', load, waits)).rejects.toThrow('database unavailable');
    expect(waits).toHaveBeenCalledWith('refresh failed');
    expect(snapshots.size).toBe(0);
    fail = false;
    await snapshots.read('r province', load);
    expect(loads).toBe(4);
    snapshots.close();
  });

  it('when a watched scope is refreshed, then its loader is given the kept snapshot with the mark its load left, and after a drop it is given nothing', async () => {
    const snapshots = new BoardSnapshots<number, number>(options);
    const given: Array<number | undefined> = [];
    let loads = 0;
    const load: Loader<number, number> = async (kept) => {
      given.push(kept?.mark);
      loads++;
      return { rows: [loads, loads, loads, loads, loads], mark: loads };
    };
    await snapshots.read('r province', load);
    await jest.advanceTimersByTimeAsync(2_500);
    await jest.advanceTimersByTimeAsync(2_500);
    expect(given).toEqual([undefined, 1, 2]);
    expect((await snapshots.read('r province', load)).mark).toBe(3);
    // Unread past the watch period, it is dropped: the next load starts from nothing.
    await jest.advanceTimersByTimeAsync(65_000);
    expect(snapshots.size).toBe(0);
    given.length = 0;
    await snapshots.read('r province', load);
    expect(given).toEqual([undefined]);
    snapshots.close();
  });

  it('when two scopes are read, then neither answers from the other\'s rows', async () => {
    const snapshots = new BoardSnapshots<string>(options);
    const province = await snapshots.read('r province', async () => ({ rows: ['a', 'b', 'c', 'd', 'e'] }));
    const city = await snapshots.read('r city', async () => ({ rows: ['f', 'g', 'h', 'i', 'j'] }));
    expect(province.rows).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(city.rows).toEqual(['f', 'g', 'h', 'i', 'j']);
    expect((await snapshots.read('r city', async () => ({ rows: [] }))).rows).toEqual(city.rows);
    snapshots.close();
  });

  it('when the age is 0, then even a large scope is loaded at each read', async () => {
    const snapshots = new BoardSnapshots<number>({ ...options, maxAgeMs: 0 });
    const { load } = loader(LARGE * 100);
    const waits = jest.fn();
    await snapshots.read('r province', load, waits);
    await snapshots.read('r province', load, waits);
    expect(load).toHaveBeenCalledTimes(2);
    expect(snapshots.size).toBe(0);
    expect(waits.mock.calls).toEqual([['first'], ['not kept']]);
  });

  it('when loads are so slow that their share of the time would space refreshes past the stale bound, then a watched scope is refreshed within it and no reader waits', async () => {
    const snapshots = new BoardSnapshots<number>({ ...options, staleMs: 30_000 });
    let loads = 0;
    // Each load takes 4 s: a tenth of the time would refresh every 40 s, past the 30 s bound.
    const slow = async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      return { rows: [loads, loads, loads, loads, loads] };
    };
    const first = snapshots.read('r province', slow);
    await jest.advanceTimersByTimeAsync(4_000);
    await first;
    const waits = jest.fn();
    for (let second = 0; second < 120; second++) {
      const reading = snapshots.read('r province', slow, waits);
      await jest.advanceTimersByTimeAsync(0);
      const snapshot = await reading;
      expect(Date.now() - snapshot.loadedAt).toBeLessThanOrEqual(30_000);
      await jest.advanceTimersByTimeAsync(1_000);
    }
    expect(waits).not.toHaveBeenCalled();
    // Refreshed every 15 s (half the stale bound), 4 s each, over the 124 s.
    expect(loads).toBe(1 + Math.floor((124_000 - 4_000) / 19_000));
    snapshots.close();
  });

  it('when a scope is warmed before anyone reads it, then its first read is answered from the warmed counts without waiting', async () => {
    const snapshots = new BoardSnapshots<number>(options);
    const { load } = loader(LARGE);
    await snapshots.warm('r province', load);
    expect(snapshots.size).toBe(1);
    jest.setSystemTime(Date.now() + 1_000);
    const waits = jest.fn();
    const first = await snapshots.read('r province', load, waits);
    expect(waits).not.toHaveBeenCalled();
    expect(first.loadedAt).toBe(new Date('2027-03-01T02:00:00Z').getTime());
    expect(load).toHaveBeenCalledTimes(1);
    snapshots.close();
  });

  it('when a scope is read while it is being warmed, then the read waits for that same load and says so', async () => {
    const snapshots = new BoardSnapshots<number>(options);
    let release: (() => void) | undefined;
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise<void>((resolve) => (release = resolve));
      return { rows: [1, 2, 3, 4, 5] };
    };
    const warming = snapshots.warm('r province', load);
    const waits = jest.fn();
    const reading = snapshots.read('r province', load, waits);
    expect(waits).toHaveBeenCalledWith('warming');
    release!();
    await warming;
    expect((await reading).rows).toEqual([1, 2, 3, 4, 5]);
    expect(loads).toBe(1);
    snapshots.close();
  });

  it('when asked whether a scope of some size would be kept, then it answers as a read would keep it', () => {
    expect(new BoardSnapshots<number>(options).keeps(LARGE)).toBe(true);
    expect(new BoardSnapshots<number>(options).keeps(LARGE - 1)).toBe(false);
    expect(new BoardSnapshots<number>({ ...options, maxAgeMs: 0 }).keeps(LARGE * 100)).toBe(false);
  });

  it('when a warm load fails, then it is logged, nothing is kept and nothing is thrown to the caller', async () => {
    const log = { warn: jest.fn(), debug: jest.fn() };
    const snapshots = new BoardSnapshots<number>({ ...options, log });
    await expect(snapshots.warm('r province', async () => Promise.reject(new Error('database unavailable')))).resolves.toBeUndefined();
    expect(snapshots.size).toBe(0);
    expect(log.warn).toHaveBeenCalledWith({ scope: 'r province', err: new Error('database unavailable') }, expect.any(String));
  });

  it('when a warmed scope is small, then it is not kept and its first read says so', async () => {
    const snapshots = new BoardSnapshots<number>(options);
    const { load } = loader(LARGE - 1);
    await snapshots.warm('r town', load);
    expect(snapshots.size).toBe(0);
    const waits = jest.fn();
    await snapshots.read('r town', load, waits);
    expect(waits).toHaveBeenCalledWith('small');
  });
});
