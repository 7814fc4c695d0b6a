import { Logger } from '@nestjs/common';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
import type { ChatDatabase } from './chat-database';
import type { ChatTables } from './chat-tables';
import { migratePostgres } from './migrate-postgres';

export interface PostgresOptions {
  url: string;
  poolMax: number;
  statementTimeoutMs: number;
}

/**
 * PostgreSQL through a bounded `pg` Pool (DATABASE_URL). Every wait is bounded so that a request
 * that needs a database which is down, or stalled, fails in bounded time rather than hanging:
 * connecting and waiting for a free client (connectionTimeoutMillis), each statement on the server
 * (statement_timeout) and on the client, for a server that no longer answers at all (query_timeout).
 */
export class PostgresChatDatabase implements ChatDatabase {
  readonly engine = 'postgres';
  readonly db: Kysely<ChatTables>;
  private readonly logger = new Logger('ChatDatabase');

  private constructor(readonly pool: Pool) {
    this.db = new Kysely<ChatTables>({ dialect: new PostgresDialect({ pool }) });
  }

  /** Connects, migrates, and answers the database; throws when PostgreSQL cannot be reached. */
  static async open(options: PostgresOptions): Promise<PostgresChatDatabase> {
    const pool = new Pool({
      connectionString: options.url,
      max: options.poolMax,
      connectionTimeoutMillis: options.statementTimeoutMs,
      statement_timeout: options.statementTimeoutMs,
      // A little past the server's own timeout, so that the server's clearer error wins when it can answer.
      query_timeout: options.statementTimeoutMs + 500,
      keepAlive: true,
      application_name: 'chat-cache',
    });
    const database = new PostgresChatDatabase(pool);
    // A client that dies while idle (PostgreSQL restarted, a network cut) is dropped by the pool and
    // reported here; without a listener, its 'error' event would end the process.
    pool.on('error', (error) => database.logger.warn(`an idle PostgreSQL connection failed: ${error.message}`));
    // The same for a client checked out between two statements of a transaction: its next query
    // fails instead ("not queryable"), and the pool discards it when it is released.
    pool.on('connect', (client) => client.on('error', () => {}));
    try {
      await migratePostgres(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return database;
  }

  write<T>(work: (db: Kysely<ChatTables>) => Promise<T>): Promise<T> {
    return work(this.db);
  }

  writeTransaction<T>(work: (trx: Kysely<ChatTables>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
