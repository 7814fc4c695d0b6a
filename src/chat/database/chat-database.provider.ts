import { Inject, Injectable, Logger, OnApplicationShutdown, Provider } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { APP_CONFIG, AppConfig } from '../../config';
import { openDatabase } from './open-database';

/** Injection token of the open better-sqlite3 connection. */
export const CHAT_DATABASE = Symbol('CHAT_DATABASE');

export const chatDatabaseProvider: Provider = {
  provide: CHAT_DATABASE,
  useFactory: ({ databasePath }: AppConfig) => {
    const db = openDatabase(databasePath);
    new Logger('ChatDatabase').log(`SQLite database ${databasePath === ':memory:' ? 'in memory' : databasePath}`);
    return db;
  },
  inject: [APP_CONFIG],
};

/** Closes the connection (checkpointing the WAL) when the application shuts down. */
@Injectable()
export class ChatDatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(CHAT_DATABASE) private readonly db: Database.Database) {}

  onApplicationShutdown(): void {
    if (this.db.open) this.db.close();
  }
}
