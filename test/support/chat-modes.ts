import { DatabaseKind, DatabaseTarget, databaseTargets } from './database-targets';
import { E2E_HTTP_ADAPTER } from './e2e-http-adapter';
import { RedisServer } from './redis-server';

/**
 * The modes the chat e2e specs run in: each cache mode (memory only, and hybrid on a real
 * redis-server that the spec starts and stops) on each database (SQLite, and PostgreSQL on the
 * spec file's server, a new database per mode). `env()` is the environment for startChatApp.
 * On Fastify (the e2e-fastify project) hybrid on SQLite alone: what the adapter changes is the HTTP
 * layer, which hybrid exercises whole; cache modes and databases are compared on Express. This keeps
 * the second run short. `databases` narrows the run for a spec about one engine's own faults.
 */
export interface ChatMode {
  name: 'memory' | 'hybrid';
  database: 'sqlite' | 'postgres';
  start(): Promise<void>;
  stop(): Promise<void>;
  env(): Record<string, string>;
}

export function chatModes(databases?: readonly DatabaseKind[]): ChatMode[] {
  const onFastify = E2E_HTTP_ADAPTER === 'fastify';
  const targets: DatabaseTarget[] = onFastify ? [{ database: 'sqlite', env: async () => ({}) }] : databaseTargets(databases);
  return targets.flatMap((target) => {
    let databaseEnv: Record<string, string> = {};
    let server: RedisServer | undefined;
    const memory: ChatMode = {
      name: 'memory',
      database: target.database,
      start: async () => {
        databaseEnv = await target.env();
      },
      stop: async () => {},
      env: () => ({ ...databaseEnv }),
    };
    const hybrid: ChatMode = {
      name: 'hybrid',
      database: target.database,
      start: async () => {
        databaseEnv = await target.env();
        server = await RedisServer.start();
      },
      stop: async () => {
        await server?.stop();
      },
      env: () => ({ ...databaseEnv, REDIS_URL: server!.url }),
    };
    return onFastify ? [hybrid] : [memory, hybrid];
  });
}
