/**
 * One instance of scenario 15: the chat app as createApp builds it, on the SQLite file the
 * scenario names (shared with the variant's other instance), listening on a free port.
 * - BENCH_CHAT_CACHE=on: the app as shipped, CACHE_DRIVER hybrid on the scenario's Redis.
 * - BENCH_CHAT_CACHE=off: CacheService passes every read through (cache-off.ts), and the chat's
 *   read routes are also mounted under @nestjs/cache-manager's CacheInterceptor, per user
 *   (per-user-cache-manager.module.ts).
 * Sends `ready` over IPC; answers `{ type: 'stats', id }` and `{ type: 'stop' }`.
 */
import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { AppModule } from '../../../src/app.module';
import { AppConfig, loadConfig } from '../../../src/config';
import { createApp } from '../../../src/http/create-app';
import { applyServerLimits } from '../../../src/http/server-limits';
import { turnCacheOff } from './cache-off';
import { PeerHandlerRuns, PerUserCacheManagerModule } from './per-user-cache-manager.module';
import { CHAT_LOAD_JWT_SECRET, ChatLoadReady, ChatLoadServerStats } from './protocol';

type FromServer = ChatLoadReady | { type: 'stats'; id: number; stats: ChatLoadServerStats } | { type: 'error'; message: string };
type ToServer = { type: 'stats'; id: number } | { type: 'stop' };

function send(message: FromServer): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const cacheOn = process.env.BENCH_CHAT_CACHE !== 'off';
  if (!cacheOn) {
    turnCacheOff();
    const forRoot = AppModule.forRoot.bind(AppModule);
    AppModule.forRoot = (config: AppConfig): DynamicModule => {
      const module = forRoot(config);
      return { ...module, imports: [...(module.imports ?? []), PerUserCacheManagerModule] };
    };
  }
  // Only what the scenario sets: no REDIS_URL or CACHE_* from the shell.
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_PATH: process.env.BENCH_CHAT_DATABASE_PATH,
    JWT_SECRET: CHAT_LOAD_JWT_SECRET,
    ADMIN_TOKEN: process.env.BENCH_CHAT_ADMIN_TOKEN,
    LOG_LEVEL: 'error',
    ...(cacheOn && process.env.BENCH_CHAT_REDIS_URL ? { REDIS_URL: process.env.BENCH_CHAT_REDIS_URL, CACHE_DRIVER: 'hybrid' } : {}),
  });
  const app = await createApp(config, ['error', 'warn']);
  // As main.ts serves: Node's 5 s keep-alive would close the client's idle connections under it.
  applyServerLimits(app.getHttpServer());
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const peerRuns = cacheOn ? undefined : app.get(PeerHandlerRuns);
  const stats = (): ChatLoadServerStats => {
    const { user, system } = process.cpuUsage();
    return { peerHandlerRuns: peerRuns?.count ?? 0, cpuMicros: user + system };
  };
  process.on('message', (message: ToServer) => {
    if (message.type === 'stats') send({ type: 'stats', id: message.id, stats: stats() });
    if (message.type === 'stop') void app.close().finally(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', base: `http://127.0.0.1:${address.port}` });
}

main().catch((error: Error) => {
  send({ type: 'error', message: error.stack ?? String(error) });
  console.error(error);
  process.exit(1);
});
