import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatApp, startChatApp } from './chat-app';
import { RedisServer } from './redis-server';

export interface SharedChatInstances {
  server: RedisServer;
  /** The environment of every instance: one database (a SQLite file, or `env`'s DATABASE_URL), one Redis. */
  env: Record<string, string>;
  instances: ChatApp[];
  stop(): Promise<void>;
}

/**
 * `count` chat instances as N processes behind a load balancer would run: one SQLite file (in a
 * temp folder; or the PostgreSQL database of `env.DATABASE_URL`) and one redis-server, both started
 * here and removed by `stop`.
 */
export async function startSharedChatInstances(count: number, env: Record<string, string> = {}): Promise<SharedChatInstances> {
  const server = await RedisServer.start();
  const dir = mkdtempSync(join(tmpdir(), 'chat-cache-shared-'));
  const sharedEnv = { DATABASE_PATH: join(dir, 'chat.db'), REDIS_URL: server.url, ...env };
  const instances: ChatApp[] = [];
  for (let i = 0; i < count; i++) instances.push(await startChatApp(sharedEnv));
  return {
    server,
    env: sharedEnv,
    instances,
    async stop() {
      for (const instance of instances) await instance.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
