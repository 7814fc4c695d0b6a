import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './schema';

/**
 * Opens (creating when missing) the SQLite file and brings its schema up to date. WAL lets
 * readers go on while one writer writes, and the busy timeout lets several instances share
 * one file without failing on a lock another instance holds for a moment.
 */
export function openDatabase(path: string): Database.Database {
  if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // First, so that even switching to WAL waits for a lock another instance holds.
  db.pragma('busy_timeout = 5000');
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
