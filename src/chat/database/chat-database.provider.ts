import { Inject, Injectable, Logger, OnApplicationShutdown, Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config';
import { CHAT_DATABASE, ChatDatabase } from './chat-database';
import { postgresBootError } from './postgres-boot-error';
import { PostgresChatDatabase } from './postgres-chat-database';
import { SqliteChatDatabase } from './sqlite-chat-database';

export { CHAT_DATABASE } from './chat-database';

/** PostgreSQL when DATABASE_URL is set, else the SQLite file of DATABASE_PATH. */
export const chatDatabaseProvider: Provider = {
  provide: CHAT_DATABASE,
  useFactory: async ({ databasePath, postgres }: AppConfig): Promise<ChatDatabase> => {
    const logger = new Logger('ChatDatabase');
    if (postgres.url !== undefined) {
      const url = postgres.url;
      const database = await PostgresChatDatabase.open({ ...postgres, url }).catch((error: unknown) => {
        throw postgresBootError(url, error);
      });
      const { host, pathname } = new URL(postgres.url);
      logger.log(`PostgreSQL database ${pathname.slice(1) || '(default)'} on ${host} (pool of ${postgres.poolMax})`);
      return database;
    }
    const database = SqliteChatDatabase.open(databasePath);
    logger.log(`SQLite database ${databasePath === ':memory:' ? 'in memory' : databasePath}`);
    return database;
  },
  inject: [APP_CONFIG],
};

/** Closes the database (checkpointing SQLite's WAL, ending PostgreSQL's pool) when the application shuts down. */
@Injectable()
export class ChatDatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(CHAT_DATABASE) private readonly database: ChatDatabase) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}
