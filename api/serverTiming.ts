import type { Request, Response } from 'express';
import type { Lap } from '../usecases/context';

/** When the request reached the app (performance.now()), stamped by the first middleware. */
const ARRIVED = Symbol('arrivedAt');
type Stamped = Request & { [ARRIVED]?: number };

/** The first middleware: stamps the request's arrival, from which its first Server-Timing phase is measured. */
export function stampArrival(req: Request, _res: Response, next: () => void) {
  (req as Stamped)[ARRIVED] = performance.now();
  next();
}

/**
 * The W3C Server-Timing header of one JSON answer: where its time went, phase by phase, as browsers' network panels
 * show it and the benchmarks read it. The route laps `request` (from arrival: authentication, input checks and any
 * wait for the event loop) before its handler and `answer` after it; a use case may lap its own phases in between.
 * Durations only, never data: the phases are the same for every caller.
 */
export class ServerTiming {
  private readonly entries: string[] = [];
  private last: number;

  constructor(req: Request) {
    this.last = (req as Stamped)[ARRIVED] ?? performance.now();
  }

  readonly lap: Lap = (name, description) => {
    const now = performance.now();
    this.entries.push(`${name};dur=${(now - this.last).toFixed(1)}${description ? `;desc="${description}"` : ''}`);
    this.last = now;
  };

  /** Sets the header, unless the answer is already on its way. */
  apply(res: Response) {
    if (!res.headersSent && this.entries.length > 0) res.setHeader('Server-Timing', this.entries.join(', '));
  }
}
