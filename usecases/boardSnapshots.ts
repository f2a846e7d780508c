/**
 * The counts a large board is drawn from, kept for a few seconds and refreshed in the background while people
 * watch it. A board's lights are judged at each read (they depend on the time), but a province's board of a
 * national round has 20,000 units behind it: loading their counts costs 40 ms of database time on an idle machine
 * and several times that while the round issues. Read 70 times a second, that would take every core; kept, one
 * load serves every reader of that scope, and readers never wait for one while the scope stays watched.
 *
 * Counts older than `maxAgeMs` are refreshed, but a reader is not made to wait for that refresh while the kept
 * counts are younger than `staleMs`: it is answered from them (its answer says when they were read) and the refresh
 * runs behind it. On a machine busy issuing a national round a load can take longer than the age itself; readers
 * would otherwise queue behind it. Only the first read of a scope, or one after it went unread or its refresh
 * failed, waits for a load.
 *
 * Only scopes of at least `minUnits` units are kept; any smaller board is loaded at each read, so what a town or
 * a test sees is never older than the read. What is kept is per scope (a round and an office's subtree, as the
 * visibility rule chose it), so a snapshot never serves a reader outside the scope it was loaded for.
 */
export interface BoardSnapshotOptions {
  /** Scopes with at least this many units are kept. */
  minUnits: number;
  /** Age from which a snapshot is refreshed, in ms; 0 keeps nothing. */
  maxAgeMs: number;
  /** Oldest snapshot a read is answered from while its refresh runs, in ms; at least `maxAgeMs` (default 6 times it). */
  staleMs?: number;
  /** A kept scope no one read for this long is dropped instead of refreshed, in ms. */
  watchMs?: number;
  /** Loads may take at most about this share of the time (a slow load is refreshed less often). */
  loadShare?: number;
}

export interface Snapshot<T> {
  rows: T[];
  /** When the load that produced it began (epoch ms): its counts are at least this recent. */
  loadedAt: number;
}

interface Entry<T> {
  load: () => Promise<T[]>;
  snapshot?: Snapshot<T>;
  loading?: Promise<Snapshot<T>>;
  /** How long the last load took, in ms. */
  loadMs: number;
  lastRead: number;
  timer?: NodeJS.Timeout;
}

export class BoardSnapshots<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly watchMs: number;
  private readonly loadShare: number;
  private readonly staleMs: number;

  constructor(private readonly options: BoardSnapshotOptions) {
    this.watchMs = options.watchMs ?? 60_000;
    this.staleMs = Math.max(options.maxAgeMs, options.staleMs ?? options.maxAgeMs * 6);
    this.loadShare = options.loadShare ?? 0.1;
  }

  /**
   * The scope's rows: a kept snapshot while it is young enough; one older than its age but within the stale bound,
   * refreshed behind the answer; otherwise loaded now (one load at a time per scope), and then `onWait` is called.
   */
  async read(key: string, load: () => Promise<T[]>, onWait?: () => void): Promise<Snapshot<T>> {
    const now = Date.now();
    const entry = this.entries.get(key) ?? { load, loadMs: 0, lastRead: now };
    entry.load = load;
    entry.lastRead = now;
    const kept = entry.snapshot;
    if (kept && now - kept.loadedAt <= this.options.maxAgeMs) return kept;
    if (kept && now - kept.loadedAt <= this.staleMs) {
      this.refresh(key, entry).catch(() => this.drop(key, entry));
      return kept;
    }
    this.entries.set(key, entry);
    onWait?.();
    try {
      return await this.refresh(key, entry);
    } finally {
      if (!entry.snapshot) this.drop(key, entry);
    }
  }

  /** Scopes kept now (for tests and diagnostics). */
  get size() {
    return this.entries.size;
  }

  /** Drops every snapshot and stops refreshing. */
  close() {
    for (const [key, entry] of this.entries) this.drop(key, entry);
  }

  private refresh(key: string, entry: Entry<T>): Promise<Snapshot<T>> {
    entry.loading ??= (async () => {
      const began = Date.now();
      try {
        const snapshot: Snapshot<T> = { rows: await entry.load(), loadedAt: began };
        entry.loadMs = Date.now() - began;
        this.keep(key, entry, snapshot);
        return snapshot;
      } finally {
        entry.loading = undefined;
      }
    })();
    return entry.loading;
  }

  /** Keeps a large scope's snapshot and schedules its next refresh; a small one is not kept. */
  private keep(key: string, entry: Entry<T>, snapshot: Snapshot<T>) {
    if (this.options.maxAgeMs <= 0 || snapshot.rows.length < this.options.minUnits || this.entries.get(key) !== entry) {
      this.drop(key, entry);
      return;
    }
    entry.snapshot = snapshot;
    clearTimeout(entry.timer);
    // Refreshed halfway through its life, so readers find it young enough; never more often than keeps loads
    // within their share of the time.
    const every = Math.max(this.options.maxAgeMs / 2, entry.loadMs / this.loadShare);
    entry.timer = setTimeout(() => {
      if (Date.now() - entry.lastRead > this.watchMs) this.drop(key, entry);
      else this.refresh(key, entry).catch(() => this.drop(key, entry));
    }, every);
    entry.timer.unref();
  }

  private drop(key: string, entry: Entry<T>) {
    clearTimeout(entry.timer);
    entry.snapshot = undefined;
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }
}
