/**
 * Scenario 7's server, in a child process of the bench (so that autocannon does not share its event
 * loop): the real application as createApp builds it (memory cache driver, in-memory SQLite, or the
 * PostgreSQL of BENCH_HTTP_DATABASE_URL for scenario 10), plus
 * BenchHttpModule's peer routes. Seeds one user and one session of chat messages, warms every route,
 * checks that each answers as it should, then sends `ready` over IPC.
 *
 *   node -r ts-node/register/transpile-only bench/scenarios/http/server.ts   (forked by 07-http.ts)
 *
 * Messages from the parent: `{ type: 'stats', id }` (answers counters), `{ type: 'stop' }`.
 */
import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { CACHE_MANAGER, CacheInterceptor } from '@nestjs/cache-manager';
import { AppModule } from '../../../src/app.module';
import { CacheService } from '../../../src/cache';
import { AppConfig, loadConfig } from '../../../src/config';
import { createApp } from '../../../src/http/create-app';
import { seededRandom } from '../../harness/measure';
import { BenchHttpModule, ConstantBody, HandlerCalls } from './bench-http.module';
import { chatMessages } from './chat-messages';
import type { BenchRoutes, FromServer, ServerStats, ToServer } from './protocol';

// createApp builds AppModule.forRoot(config) and takes no extra module: add ours there, so that the
// bench runs createApp itself (its middleware, pipes and Express settings, present and future).
const forRoot = AppModule.forRoot.bind(AppModule);
AppModule.forRoot = (config: AppConfig): DynamicModule => {
  const module = forRoot(config);
  return { ...module, imports: [...(module.imports ?? []), BenchHttpModule] };
};

const MESSAGES_PER_SESSION = Number(process.env.BENCH_HTTP_MESSAGES ?? 20);

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

function send(message: FromServer): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  // Only what the scenario sets: no REDIS_URL or CACHE_* from the shell, the defaults of the table.
  const config = loadConfig({
    DATABASE_PATH: ':memory:',
    DATABASE_URL: process.env.BENCH_HTTP_DATABASE_URL ?? '',
    JWT_SECRET: 'bench-http-secret',
    LOG_LEVEL: 'error',
    HTTP_ADAPTER: process.env.BENCH_HTTP_ADAPTER ?? 'express',
  });
  const app = await createApp(config, ['error', 'warn']);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const base = `http://127.0.0.1:${address.port}`;

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const response = await fetch(base + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, xCache: response.headers.get('x-cache'), text };
  };
  const expectStatus = (what: string, got: { status: number; text: string }, status: number) => {
    if (got.status !== status) throw new Error(`${what} answered ${got.status}, not ${status}: ${got.text.slice(0, 200)}`);
    return JSON.parse(got.text);
  };

  const user = expectStatus('POST /users', await call('POST', '/users', undefined, { name: 'bench user' }), 201);
  const token: string = user.token;
  const session = expectStatus('POST /sessions', await call('POST', '/sessions', token, { title: 'Planning the move to Postgres' }), 201);
  for (const message of chatMessages(MESSAGES_PER_SESSION, seededRandom(7))) {
    expectStatus('POST /sessions/:id/messages', await call('POST', `/sessions/${session.id}/messages`, token, message), 201);
  }

  const routes: BenchRoutes = {
    ours: `/sessions/${session.id}/messages`,
    cacheManager: `/bench/cache-manager/sessions/${session.id}/messages`,
    uncached: `/bench/uncached/sessions/${session.id}/messages`,
    database: `/bench/database/sessions/${session.id}/messages`,
    constant: '/bench/constant',
  };

  // Warm every route, and check that each answers what the chat's route answers.
  const first = await call('GET', routes.ours, token);
  const page = expectStatus(`GET ${routes.ours}`, first, 200);
  if (page.items.length !== MESSAGES_PER_SESSION) throw new Error(`the page holds ${page.items.length} messages`);
  app.get(ConstantBody).value = JSON.parse(first.text);
  const warm: Record<string, { xCache: string | null; bytes: number }> = {};
  for (let i = 0; i < 3; i++) {
    for (const [name, path] of Object.entries(routes)) {
      const got = await call('GET', path, token);
      expectStatus(`GET ${path}`, got, 200);
      if (got.text !== first.text) throw new Error(`GET ${path} answers other bytes than GET ${routes.ours}`);
      warm[name] = { xCache: got.xCache, bytes: Buffer.byteLength(got.text) };
    }
  }
  if (warm.ours.xCache !== 'HIT') throw new Error(`GET ${routes.ours} is not a HIT once warm (X-Cache: ${warm.ours.xCache})`);
  if (warm.cacheManager.xCache !== 'HIT')
    throw new Error(`GET ${routes.cacheManager} is not a HIT once warm (X-Cache: ${warm.cacheManager.xCache})`);

  // Which cache manager the peer's CacheInterceptor got: @nestjs/cache-manager's own (a Keyv over
  // a Map), not the global ChatCacheModule's compat one (a Keyv over CacheService).
  const bench = app.select(BenchHttpModule);
  const interceptor = bench.get(CacheInterceptor, { strict: true }) as unknown as { cacheManager: unknown };
  const peerManager = interceptor.cacheManager as { stores?: { store?: unknown }[] };
  const managers = app.get(CACHE_MANAGER, { strict: false, each: true }) as { stores?: { store?: unknown }[] }[];
  const storeOf = (manager: { stores?: { store?: unknown }[] }) =>
    manager.stores?.map((keyv) => keyv.store?.constructor?.name ?? typeof keyv.store).join('+') ?? 'unknown';
  const peerStore = storeOf(peerManager);
  const otherStores = managers
    .filter((manager) => manager !== peerManager)
    .map(storeOf)
    .join(', ');
  if (peerStore !== 'Map' || managers.length !== 2 || !managers.includes(peerManager)) {
    throw new Error(
      `CacheInterceptor's cache manager is not @nestjs/cache-manager's default (its stores: ${peerStore}; others: ${otherStores})`,
    );
  }

  const calls = app.get(HandlerCalls);
  const cache = app.get(CacheService);
  const stats = (): ServerStats => {
    const s = cache.stats();
    return {
      handlerCalls: { ...calls },
      cache: { gets: s.gets, hits: s.hits, misses: s.misses, factoryCalls: s.factory.calls },
      rssBytes: process.memoryUsage().rss,
      cpuMicros: cpuMicros(),
    };
  };

  process.on('message', (message: ToServer) => {
    if (message.type === 'stats') send({ type: 'stats', id: message.id, stats: stats() });
    if (message.type === 'stop') {
      void app.close().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({
    type: 'ready',
    base,
    token,
    routes,
    page: first.text,
    peerStore: `${peerStore}; the app's other CACHE_MANAGER, ChatCacheModule's compat: ${otherStores}`,
    warm: Object.fromEntries(Object.entries(warm).map(([name, w]) => [name, w.xCache ?? '-'])),
    stats: stats(),
  });
}

main().catch((error: Error) => {
  send({ type: 'error', message: error.stack ?? String(error) });
  console.error(error);
  process.exit(1);
});
