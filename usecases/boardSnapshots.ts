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
 * failed, waits for a load; `onWait` is told which (`WaitReason`), and the board's answer says it in its
 * Server-Timing. A slow load spaces the refreshes out (`loadShare`), but never so far that a watched scope's counts
 * pass the stale bound between two of them. A scope can be loaded before anyone reads it (`warm`): the board of a
 * round just launched, for the office that launched it, whose staff open it next.
 *
 * A refresh hands the loader the kept snapshot, with the mark its load left (`Loaded.mark`): the loader may then
 * load only what changed since that load and return the whole, as the board does for the units whose counts changed.
 * A load with nothing kept (the first, or after a drop) is given nothing and loads everything.
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
  /** Where a dropped scope, and why, is logged: a failed refresh as a warning, the rest at debug level. */
  log?: SnapshotLog;
}

/** The part of a pino logger the snapshots write to. */
export interface SnapshotLog {
  warn(details: object, message: string): void;
  debug(details: object, message: string): void;
}

/** Why a kept scope was dropped, and so why the next read of it waits for a load. */
export type DropReason = 'unwatched' | 'refresh failed' | 'small' | 'not kept';

/**
 * Why a read waited for a load: the scope was never kept here (`first`), it was being loaded ahead of its first read
 * (`warming`: the read waited only for the rest of that load), its kept counts were older than the stale bound
 * (`expired`), or it had been dropped (a `DropReason`).
 */
export type WaitReason = 'first' | 'warming' | 'expired' | DropReason;

/** How many dropped scopes' reasons are remembered, oldest forgotten first. */
const REMEMBERED_DROPS = 1_000;

export interface Snapshot<T, M = unknown> extends Loaded<T, M> {
  /** When the load that produced it began (epoch ms): its counts are at least this recent. */
  loadedAt: number;
}

/** What a load answers: every row of the scope, and what the next load may start from (the loader's own). */
export interface Loaded<T, M = unknown> {
  rows: T[];
  mark?: M;
}

/** Loads a scope's rows; given the kept snapshot, it may load only what changed since then, and answers the whole. */
export type Loader<T, M = unknown> = (kept?: Snapshot<T, M>) => Promise<Loaded<T, M>>;

interface Entry<T, M> {
  load: Loader<T, M>;
  snapshot?: Snapshot<T, M>;
  loading?: Promise<Snapshot<T, M>>;
  /** How long the last load took, in ms. */
  loadMs: number;
  lastRead: number;
  timer?: NodeJS.Timeout;
  /** When its next refresh is due (epoch ms). */
  dueAt?: number;
  /** Why the reads that found it without a snapshot waited. */
  reason: WaitReason;
}

export class BoardSnapshots<T, M = unknown> {
  private readonly entries = new Map<string, Entry<T, M>>();
  /** Scopes dropped lately, with why: what a read that finds one of them gone says it waited for. */
  private readonly dropped = new Map<string, DropReason>();
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
  read(key: string, load: Loader<T, M>, onWait?: (reason: WaitReason) => void): Promise<Snapshot<T, M>> {
    return this.readAs(key, load, onWait);
  }

  /**
   * Loads a scope before anyone reads it, behind the caller, and keeps it as if just read: refreshed while it is
   * watched, dropped if no one reads it within the watch period. A read that comes while it loads waits for that
   * load (`warming`). A failed load is logged and leaves nothing kept.
   */
  warm(key: string, load: Loader<T, M>): Promise<void> {
    return this.readAs(key, load, undefined, 'warming').then(
      () => undefined,
      (err: unknown) => this.options.log?.warn({ scope: key, err }, 'board counts could not be loaded ahead of their first read'),
    );
  }

  /** `read`; a scope not kept yet is loaded with `reason` told to the reads that wait for that load. */
  private async readAs(key: string, load: Loader<T, M>, onWait?: (reason: WaitReason) => void, reason?: WaitReason): Promise<Snapshot<T, M>> {
    const now = Date.now();
    const entry: Entry<T, M> = this.entries.get(key) ?? { load, loadMs: 0, lastRead: now, reason: reason ?? this.dropped.get(key) ?? 'first' };
    entry.load = load;
    entry.lastRead = now;
    const kept = entry.snapshot;
    if (kept && now - kept.loadedAt <= this.options.maxAgeMs) return kept;
    if (kept && now - kept.loadedAt <= this.staleMs) {
      // Refreshed here only if its timer is late (a busy event loop): otherwise the timer's spacing holds.
      if (now >= (entry.dueAt ?? 0)) this.refresh(key, entry).catch((err: unknown) => this.drop(key, entry, 'refresh failed', err));
      return kept;
    }
    this.entries.set(key, entry);
    this.dropped.delete(key);
    onWait?.(kept ? 'expired' : entry.reason);
    try {
      return await this.refresh(key, entry);
    } finally {
      // The reader that waited is told why the load failed; the scope is simply not kept.
      if (!entry.snapshot) this.drop(key, entry);
    }
  }

  /** Whether a scope of `units` units would be kept: smaller ones are loaded at each read. */
  keeps(units: number): boolean {
    return this.options.maxAgeMs > 0 && units >= this.options.minUnits;
  }

  /** Scopes kept now (for tests and diagnostics). */
  get size() {
    return this.entries.size;
  }

  /** Drops every snapshot and stops refreshing. */
  close() {
    for (const [key, entry] of this.entries) this.drop(key, entry);
    this.dropped.clear();
  }

  private refresh(key: string, entry: Entry<T, M>): Promise<Snapshot<T, M>> {
    entry.loading ??= (async () => {
      const began = Date.now();
      try {
        const snapshot: Snapshot<T, M> = { ...(await entry.load(entry.snapshot)), loadedAt: began };
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
  private keep(key: string, entry: Entry<T, M>, snapshot: Snapshot<T, M>) {
    if (this.entries.get(key) !== entry) return;
    if (!this.keeps(snapshot.rows.length)) {
      this.drop(key, entry, this.options.maxAgeMs <= 0 ? 'not kept' : 'small');
      return;
    }
    entry.snapshot = snapshot;
    clearTimeout(entry.timer);
    // Refreshed halfway through its life, so readers find it young enough; no more often than keeps loads within
    // their share of the time, and no less often than keeps a watched scope within the stale bound.
    const every = Math.min(Math.max(this.options.maxAgeMs / 2, entry.loadMs / this.loadShare), this.staleMs / 2);
    entry.dueAt = Date.now() + every;
    entry.timer = setTimeout(() => {
      if (Date.now() - entry.lastRead > this.watchMs) this.drop(key, entry, 'unwatched');
      else this.refresh(key, entry).catch((err: unknown) => this.drop(key, entry, 'refresh failed', err));
    }, every);
    entry.timer.unref();
  }

  /** Forgets a scope's snapshot; with a reason, remembers why, so the next read can say what it waited for. */
  private drop(key: string, entry: Entry<T, M>, reason?: DropReason, err?: unknown) {
    clearTimeout(entry.timer);
    entry.snapshot = undefined;
    if (this.entries.get(key) !== entry) return;
    this.entries.delete(key);
    if (!reason) return;
    this.dropped.delete(key);
    this.dropped.set(key, reason);
    if (this.dropped.size > REMEMBERED_DROPS) this.dropped.delete(this.dropped.keys().next().value!);
    if (reason === 'refresh failed') this.options.log?.warn({ scope: key, err }, 'kept board counts dropped: their refresh failed; the next read loads them');
    else if (reason !== 'small') this.options.log?.debug({ scope: key, reason }, 'kept board counts dropped');
  }
}
