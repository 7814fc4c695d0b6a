import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './schema';

/**
 * How long one statement waits for a lock another connection holds before it fails with
 * SQLITE_BUSY (which the chat answers as a 503). Several instances share the file through write
 * locks held for well under a millisecond, so a second is a thousand of them queued; and a request
 * runs at most four statements that can wait (the guard's lookup, then a session, a cursor and a
 * page), so even against a lock that is never released it answers within 4 s, inside the 5 s that
 * DESIGN.md promises. SQLite has no per-request deadline; bounding each statement is how to bound
 * the request. (It was 5000: one write against a held lock took 5 s, then answered 500.) The wait
 * blocks the event loop, so SqliteLockWaits stops waiting for a while once a wait has run out.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 1000;

/**
 * Opens (creating when missing) the SQLite file and brings its schema up to date. WAL lets
 * readers go on while one writer writes, and the busy timeout lets several instances share
 * one file without failing on a lock another instance holds for a moment.
 */
export function openDatabase(path: string): Database.Database {
  if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // First, so that even switching to WAL waits for a lock another instance holds.
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  migrate(db);
  return db;
}

function migrate(db: Database.Database): void {
  // IMMEDIATE takes the write lock first: two instances booting on one new file migrate once.
  db.transaction(() => {
    const applied = db.pragma('user_version', { simple: true }) as number;
    for (let version = applied; version < MIGRATIONS.length; version++) db.exec(MIGRATIONS[version]);
    if (applied < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
