import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatDatabase } from '../../src/chat/database/chat-database';
import { PostgresChatDatabase } from '../../src/chat/database/postgres-chat-database';
import { SqliteChatDatabase } from '../../src/chat/database/sqlite-chat-database';
import { PostgresServer } from './postgres-server';

/**
 * The databases the chat specs run on: SQLite (a file in a temp folder) and a real PostgreSQL that
 * the spec file starts once and stops. `newDatabase()` answers the environment of a fresh, empty
 * database (a new file, or CREATE DATABASE), for a test that needs one of its own; `open(env)`
 * opens one as the application does, for specs that speak to the repository directly.
 */
export interface DatabaseEngine {
  name: 'sqlite' | 'postgres';
  start(): Promise<void>;
  stop(): Promise<void>;
  newDatabase(): Promise<Record<string, string>>;
  open(env: Record<string, string>): Promise<ChatDatabase>;
  /** The PostgreSQL server, to stop and start it under a running app (postgres only). */
  readonly server: PostgresServer | undefined;
}

export function databaseEngines(): DatabaseEngine[] {
  return [sqliteEngine(), postgresEngine()];
}

export function sqliteEngine(): DatabaseEngine {
  let dir: string | undefined;
  let files = 0;
  return {
    name: 'sqlite',
    server: undefined,
    start: async () => {
      dir = mkdtempSync(join(tmpdir(), 'chat-cache-sqlite-'));
    },
    stop: async () => {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
    newDatabase: async () => ({ DATABASE_PATH: join(dir!, `chat-${++files}.db`) }),
    open: async (env) => SqliteChatDatabase.open(env.DATABASE_PATH),
  };
}

export function postgresEngine(): DatabaseEngine {
  let server: PostgresServer | undefined;
  return {
    name: 'postgres',
    get server() {
      return server;
    },
    start: async () => {
      server = await PostgresServer.start();
    },
    stop: async () => {
      await server?.stop();
    },
    newDatabase: async () => ({ DATABASE_URL: await server!.createDatabase() }),
    open: (env) => PostgresChatDatabase.open({ url: env.DATABASE_URL, poolMax: 5, statementTimeoutMs: 2000 }),
  };
}
