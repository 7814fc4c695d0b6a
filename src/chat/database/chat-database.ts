import type { Kysely } from 'kysely';
import type { ChatTables } from './chat-tables';

/** Injection token of the open ChatDatabase. */
export const CHAT_DATABASE = Symbol('CHAT_DATABASE');

export type DatabaseEngine = 'sqlite' | 'postgres';

/**
 * The source of truth, whichever engine holds it: one kysely instance the repository speaks to,
 * with the few things that differ by engine behind named members.
 */
export interface ChatDatabase {
  readonly engine: DatabaseEngine;
  readonly db: Kysely<ChatTables>;
  /**
   * Runs `work` in one transaction that holds the write lock from its first statement (SQLite:
   * BEGIN IMMEDIATE, so that a read followed by writes never fails with SQLITE_BUSY when another
   * instance writes in between; PostgreSQL: an ordinary transaction, row locks do the rest).
   */
  writeTransaction<T>(work: (trx: Kysely<ChatTables>) => Promise<T>): Promise<T>;
  /**
   * Runs `work`, one write statement (SQLite: queued behind this process's other writes to the same
   * file, see sqlite-write-queue.ts; PostgreSQL: as it is).
   */
  write<T>(work: (db: Kysely<ChatTables>) => Promise<T>): Promise<T>;
  /** Throws when the database does not answer (the readiness probe). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
