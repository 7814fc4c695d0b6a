import { NotFoundException } from '@nestjs/common';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUnavailableCause, isDatabaseUnavailable } from './database-unavailable';

/** The error `run` throws, from a real SQLite. */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the statement to throw');
}

describe('databaseUnavailableCause (SQLite)', () => {
  let dir: string;
  let app: Database.Database;
  let other: Database.Database;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chat-cache-unavailable-'));
    const path = join(dir, 'chat.db');
    app = new Database(path);
    app.pragma('journal_mode = WAL');
    app.pragma('busy_timeout = 0');
    app.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    other = new Database(path);
  });

  afterAll(() => {
    other.close();
    app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names a write lock held by another connection SQLITE_BUSY', () => {
    other.exec('BEGIN EXCLUSIVE');
    try {
      const error = thrownBy(() => app.prepare("INSERT INTO t (v) VALUES ('x')").run());
      expect((error as { code: string }).code).toBe('SQLITE_BUSY');
      expect(databaseUnavailableCause(error)).toBe('SQLITE_BUSY');
    } finally {
      other.exec('ROLLBACK');
    }
  });

  it('names a statement on a closed connection SQLITE_CLOSED', () => {
    const closed = new Database(':memory:');
    const statement = closed.prepare('SELECT 1');
    closed.close();
    const error = thrownBy(() => statement.get());
    expect((error as Error).message).toBe('The database connection is not open');
    expect(databaseUnavailableCause(error)).toBe('SQLITE_CLOSED');
  });

  it('matches an extended code by its primary part', () => {
    expect(databaseUnavailableCause(new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_SHORT_READ'))).toBe('SQLITE_IOERR');
    expect(databaseUnavailableCause(new Database.SqliteError('database or disk is full', 'SQLITE_FULL'))).toBe('SQLITE_FULL');
  });

  it('finds the driver error in the cause of a wrapper', () => {
    const wrapped = new Error('query failed', { cause: new Database.SqliteError('database is locked', 'SQLITE_BUSY') });
    expect(databaseUnavailableCause(wrapped)).toBe('SQLITE_BUSY');
  });

  it('leaves our own bugs and a damaged file alone: those are not "try again later"', () => {
    expect(isDatabaseUnavailable(thrownBy(() => app.prepare('INSERT INTO t (v) VALUES (NULL)').run()))).toBe(false); // CONSTRAINT
    expect(isDatabaseUnavailable(thrownBy(() => app.prepare('SELEC 1')))).toBe(false); // syntax
    expect(isDatabaseUnavailable(thrownBy(() => app.prepare('SELECT nope FROM t')))).toBe(false);
    expect(isDatabaseUnavailable(new Database.SqliteError('database disk image is malformed', 'SQLITE_CORRUPT'))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('This database connection is busy executing a query'))).toBe(false);
    expect(isDatabaseUnavailable(new NotFoundException('session x not found'))).toBe(false);
    expect(isDatabaseUnavailable(new Error('The database connection is not open'))).toBe(false);
    expect(isDatabaseUnavailable('SQLITE_BUSY')).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
