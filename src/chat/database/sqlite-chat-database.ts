import type Database from 'better-sqlite3';
import { Kysely, sql, SqliteDialect } from 'kysely';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ChatDatabase } from './chat-database';
import type { ChatTables } from './chat-tables';
import { openDatabase } from './open-database';
import { SqliteLockWaits } from './sqlite-lock-waits';
import { queueSqliteWrite } from './sqlite-write-queue';

/** kysely's better-sqlite3 driver prepares every query anew; these few queries are prepared once. */
const MAX_CACHED_STATEMENTS = 256;

/** SQLite through better-sqlite3: the embedded default (DATABASE_PATH). */
export class SqliteChatDatabase implements ChatDatabase {
  readonly engine = 'sqlite';
  readonly db: Kysely<ChatTables>;
  private readonly lockWaits: SqliteLockWaits;

  constructor(readonly connection: Database.Database) {
    this.db = new Kysely<ChatTables>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) });
    this.lockWaits = new SqliteLockWaits(connection);
  }

  static open(path: string): SqliteChatDatabase {
    return new SqliteChatDatabase(openDatabase(path));
  }

  write<T>(work: (db: Kysely<ChatTables>) => Promise<T>): Promise<T> {
    return this.queued(() => work(this.db));
  }

  writeTransaction<T>(work: (trx: Kysely<ChatTables>) => Promise<T>): Promise<T> {
    return this.queued(() => this.transaction(work));
  }

  /** Runs a write in the file's queue, telling the lock-wait back-off of its failure before the next write starts. */
  private queued<T>(write: () => Promise<T>): Promise<T> {
    const observed = () =>
      write().catch((error: unknown) => {
        this.lockWaits.failed(error);
        throw error;
      });
    const file = this.file();
    return file === undefined ? observed() : queueSqliteWrite(file, observed);
  }

  /** The file whose writes to queue; none for an in-memory database, which is this connection's alone. */
  private file(): string | undefined {
    return this.connection.memory ? undefined : resolve(this.connection.name);
  }

  private transaction<T>(work: (trx: Kysely<ChatTables>) => Promise<T>): Promise<T> {
    // One connection: kysely hands it to this callback alone until it returns.
    return this.db.connection().execute(async (connection) => {
      await sql`BEGIN IMMEDIATE`.execute(connection);
      try {
        const result = await work(connection);
        await sql`COMMIT`.execute(connection);
        return result;
      } catch (error) {
        if (this.connection.inTransaction) await sql`ROLLBACK`.execute(connection);
        throw error;
      }
    });
  }

  /**
   * Also down when the database file is gone: an instance whose file was deleted writes to an
   * unlinked inode, and its writes would vanish at restart.
   */
  async ping(): Promise<void> {
    if (!this.connection.memory && !existsSync(this.connection.name)) throw new Error(`the database file ${this.connection.name} is gone`);
    this.connection.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
  }

  async close(): Promise<void> {
    this.lockWaits.stop();
    // Not kysely's destroy alone: it would close a connection that a fault (or a test) closed already.
    if (this.connection.open) await this.db.destroy();
  }
}

function withStatementCache(connection: Database.Database) {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => connection.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (statement === undefined) {
        statement = connection.prepare(text);
        if (statements.size < MAX_CACHED_STATEMENTS) statements.set(text, statement);
      }
      return statement;
    },
  };
}
