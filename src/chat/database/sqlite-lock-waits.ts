import type Database from 'better-sqlite3';
import { SQLITE_BUSY_TIMEOUT_MS } from './open-database';
import { sqliteUnavailableCause } from './sqlite-unavailable';

/** How long the connection stops waiting for locks after a wait ran out. */
export const LOCK_WAIT_BACKOFF_MS = 5_000;

/**
 * SQLite waits for a lock inside the statement, on the event loop: while one request waits out the
 * busy timeout, no other request of this instance runs, cached reads included. Against a lock that
 * stays held, N writes at once answered after 1, 2, ... N seconds (measured: the 5th of 5 took
 * 5.2 s). So once a wait has run out, the connection stops waiting (busy timeout 0) for
 * LOCK_WAIT_BACKOFF_MS: writes against the held lock fail at once (503), and a write after the
 * lock is released succeeds as before, since a free lock needs no wait. What this costs: in that
 * window, a write that meets another instance's lock of a millisecond answers 503 instead of
 * waiting for it, and only after the database was already locked for a whole second.
 *
 * Owned by SqliteChatDatabase and told of every failed write there, before the next queued write
 * of the file starts (see sqlite-write-queue.ts): told later, from the HTTP error filter, the
 * queued writes behind the first each waited out the full timeout again.
 */
export class SqliteLockWaits {
  private restore: NodeJS.Timeout | undefined;

  constructor(private readonly connection: Database.Database) {}

  /** Told of each error a statement of the connection threw. */
  failed(error: unknown): void {
    if (sqliteUnavailableCause(error) !== 'SQLITE_BUSY' || this.restore !== undefined || !this.connection.open) return;
    this.connection.pragma('busy_timeout = 0');
    this.restore = setTimeout(() => {
      this.restore = undefined;
      if (this.connection.open) this.connection.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    }, LOCK_WAIT_BACKOFF_MS);
    // Nothing to restore once the process is exiting.
    this.restore.unref();
  }

  /** The connection is closing: nothing to restore. */
  stop(): void {
    clearTimeout(this.restore);
    this.restore = undefined;
  }
}
