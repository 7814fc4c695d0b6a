import { Logger } from '@nestjs/common';

/** One warning per place per minute: a Redis outage must not flood the log with the same line. */
export const CACHE_ERROR_LOG_QUIET_MS = 60_000;

/**
 * Counts cache failures that were absorbed (the call went on without the cache) and logs them,
 * once per place (`SessionService.getSession`, `GET /sessions/:id`) per quiet period.
 */
export class CacheErrorLog {
  private failures = 0;
  private readonly lastLoggedAt = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly quietMs = CACHE_ERROR_LOG_QUIET_MS,
  ) {}

  get count(): number {
    return this.failures;
  }

  record(where: string, error: unknown): void {
    this.failures++;
    const now = Date.now();
    const last = this.lastLoggedAt.get(where);
    if (last !== undefined && now - last < this.quietMs) return;
    this.lastLoggedAt.set(where, now);
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(`${where}: a cache step failed and was skipped (${this.failures} so far): ${reason}`);
  }
}
