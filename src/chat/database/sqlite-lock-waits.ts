import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { CHAT_DATABASE } from './chat-database.provider';
import { SQLITE_BUSY_TIMEOUT_MS } from './open-database';

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
 */
@Injectable()
export class SqliteLockWaits implements OnApplicationShutdown {
  private restore: NodeJS.Timeout | undefined;

  constructor(@Inject(CHAT_DATABASE) private readonly db: Database.Database) {}

  /** Told the cause of each request the database could not answer. */
  failed(cause: string): void {
    if (cause !== 'SQLITE_BUSY' || this.restore !== undefined || !this.db.open) return;
    this.db.pragma('busy_timeout = 0');
    this.restore = setTimeout(() => {
      this.restore = undefined;
      if (this.db.open) this.db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    }, LOCK_WAIT_BACKOFF_MS);
    // Nothing to restore once the process is exiting.
    this.restore.unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.restore);
    this.restore = undefined;
  }
}
