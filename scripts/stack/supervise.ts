import { setTimeout as delayFor } from 'node:timers/promises';
import type { Log } from './log';

/** A process kept running: how to tell that it runs, and how to start it again once it has ended. */
export interface Service {
  name: string;
  running(): boolean;
  /** Starts it again; resolves once it serves (with its new pid, when known), rejects when it did not come up. */
  startAgain(): Promise<number | void>;
}

export interface SuperviseOptions {
  log: Log;
  /** How often each service is looked at. */
  everyMs?: number;
  /** The wait before the first start again; it doubles while starts fail or the service keeps ending, up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** A service that has run this long since its last start is healthy again: its next wait is `firstDelayMs`. */
  stableMs?: number;
  /** false: a service that ends is only reported, and stays down. */
  restart?: boolean;
}

/**
 * Keeps each service running, as a deployment's supervisor does (`restart: unless-stopped` in the compose
 * file): a process that ends, killed by hand or crashed, is started again after a pause that doubles while it
 * keeps ending (or, with `restart: false`, only reported). `stop()` ends the watching; the caller then stops the
 * processes themselves.
 */
export function supervise(services: Service[], opts: SuperviseOptions): { stop(): Promise<void> } {
  const { log, everyMs = 1000, firstDelayMs = 1000, maxDelayMs = 30_000, stableMs = 60_000, restart = true } = opts;
  let stopped = false;
  const stopping = new AbortController();
  // A pause that `stop()` cuts short.
  const sleep = (ms: number) => delayFor(ms, undefined, { signal: stopping.signal }).catch(() => undefined);
  const watch = async (service: Service) => {
    let delay = firstDelayMs;
    let startedAt = Date.now();
    while (!stopped) {
      await sleep(everyMs);
      if (stopped) return;
      if (service.running()) {
        if (Date.now() - startedAt >= stableMs) delay = firstDelayMs;
        continue;
      }
      if (!restart) return log(`${service.name} has ended and stays down; see its log`);
      log(`${service.name} has ended; starting it again in ${delay / 1000} s`);
      await sleep(delay);
      if (stopped) return;
      delay = Math.min(delay * 2, maxDelayMs);
      const began = Date.now();
      try {
        const pid = await service.startAgain();
        startedAt = Date.now();
        log(`${service.name} runs again${pid ? ` as pid ${pid}` : ''} (started in ${((startedAt - began) / 1000).toFixed(1)} s)`);
      } catch (err) {
        log(`${service.name} did not start: ${(err as Error).message.split('\n')[0]}`);
      }
    }
  };
  const watching = services.map(watch);
  return {
    stop: async () => {
      stopped = true;
      stopping.abort();
      await Promise.all(watching);
    },
  };
}
