import { Logger, LoggerService } from '@nestjs/common';

/** A failure this long after the previous one starts a new burst, which is logged again; so does a new cause. */
export const OUTAGE_BURST_QUIET_MS = 10_000;

/**
 * Requests the database could not answer (answered 503), counted by cause for /metrics, and logged
 * once per burst: an outage under load fails thousands of requests, and a line each would bury the
 * one that says when it began and why. No stack trace: the cause is the database, not our code.
 * Provided by a factory (ChatModule): its constructor takes a logger and a clock, for the specs.
 */
export class DatabaseOutages {
  private readonly counts = new Map<string, number>();
  private lastFailureAt: number | undefined;
  private lastCause: string | undefined;

  constructor(
    private readonly logger: LoggerService = new Logger('Database'),
    private readonly now: () => number = Date.now,
  ) {}

  record(cause: string, error: unknown): void {
    this.counts.set(cause, (this.counts.get(cause) ?? 0) + 1);
    const at = this.now();
    // A new cause is news too (a held lock that turns into a failing disk), so it starts a burst.
    if (this.lastFailureAt === undefined || at - this.lastFailureAt >= OUTAGE_BURST_QUIET_MS || cause !== this.lastCause) {
      this.logger.warn(`the database is unavailable (${cause}: ${messageOf(error)}); answering 503 until it answers again`);
    }
    this.lastFailureAt = at;
    this.lastCause = cause;
  }

  /** Requests answered 503, by cause, since the start. */
  byCause(): ReadonlyMap<string, number> {
    return this.counts;
  }
}

function messageOf(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(error);
}
