import type { TestingModuleBuilder } from '@nestjs/testing';
import Database from 'better-sqlite3';
import { APP_CONFIG, AppConfig } from '../../src/config';
import { CHAT_DATABASE } from '../../src/chat/database/chat-database.provider';
import { openDatabase } from '../../src/chat/database/open-database';
import { SqliteChatDatabase } from '../../src/chat/database/sqlite-chat-database';

/** What better-sqlite3 throws when the disk under the file fails a read. */
export const diskReadError = () => new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_READ');

const EXECUTING_METHODS = new Set<PropertyKey>(['run', 'get', 'all', 'iterate']);

/**
 * Fault injection at the driver, for what a real SQLite cannot be made to do on demand: refuse
 * reads for a while, then answer again. In WAL mode a lock held by another connection stops
 * writers only (readers go on), and holding SQLite's own locks of the -shm file from another
 * process makes a read fail after 10 s with SQLITE_PROTOCOL (measured), not within 5 s.
 *
 * `install` puts the app's real SQLite connection (opened as the app opens it) behind a proxy,
 * under the app's own SqliteChatDatabase (so its kysely driver, write queue and lock-wait back-off
 * run as they do in production): while
 * `fail(error)` is in force, every statement it runs throws `error` (the guard's lookup, the
 * repository's queries and the health check alike, as a failing disk would); `heal()` ends it.
 */
export class DatabaseFault {
  private error: Error | undefined;

  fail(error: Error): void {
    this.error = error;
  }

  heal(): void {
    this.error = undefined;
  }

  install(builder: TestingModuleBuilder): TestingModuleBuilder {
    return builder.overrideProvider(CHAT_DATABASE).useFactory({
      factory: ({ databasePath }: AppConfig) => new SqliteChatDatabase(this.wrap(openDatabase(databasePath))),
      inject: [APP_CONFIG],
    });
  }

  private wrap(db: Database.Database): Database.Database {
    return new Proxy(db, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property);
        if (typeof value !== 'function') return value;
        if (property === 'prepare')
          return (...args: Parameters<Database.Database['prepare']>) => this.wrapStatement(target.prepare(...args));
        // Native methods need the real connection as `this`.
        return value.bind(target);
      },
    });
  }

  private wrapStatement(statement: Database.Statement): Database.Statement {
    const proxy: Database.Statement = new Proxy(statement, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (EXECUTING_METHODS.has(property) && this.error !== undefined) throw this.error;
          const result: unknown = value.apply(target, args);
          // pluck(), raw(), bind() answer the statement itself: keep answering the proxy.
          return result === target ? proxy : result;
        };
      },
    });
    return proxy;
  }
}
