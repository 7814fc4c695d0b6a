import { Controller, Get, INestApplication, Injectable, Module, NotFoundException, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { Cacheable, CacheService, ChatCacheModule, ChatCacheOptions, HttpCache } from '../../src/cache';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { eventually, RedisServer } from '../support/redis-server';

const TTL_MS = 200;
const GRACE_MS = 60_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether the source of truth answers; the routes and methods below throw while it does not. */
const source = { up: true, calls: 0 };

function load(id: string): { id: string; calls: number } {
  source.calls++;
  if (!source.up) throw new Error('database unavailable');
  if (id === 'missing') throw new NotFoundException(`no ${id}`);
  return { id, calls: source.calls };
}

@Controller('items')
class ItemsController {
  @Get(':id')
  @HttpCache({ ttlMs: TTL_MS, graceMs: GRACE_MS, partitionBy: () => 'public' })
  get(@Param('id') id: string) {
    return load(id);
  }
}

@Injectable()
class ItemService {
  @Cacheable({ key: 'item:{0}', ttlMs: TTL_MS, graceMs: GRACE_MS })
  async item(id: string) {
    return load(id);
  }
}

async function startApp(options: ChatCacheOptions): Promise<INestApplication> {
  @Module({ imports: [ChatCacheModule.forRoot(options)], controllers: [ItemsController], providers: [ItemService] })
  class RootModule {}
  const app = await NestFactory.create(RootModule, { logger: false });
  await app.init();
  return app;
}

/** Grace on a real redis-server: a value graced by one instance is the fallback of another whose L1 never held it. */
describe('fail-safe across instances (real Redis)', () => {
  let server: RedisServer;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  afterEach(async () => {
    source.up = true;
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function instance(keyPrefix: string): Promise<CacheContext> {
    const context = await startCacheContext({ keyPrefix, redis: { url: server.url }, graceMs: GRACE_MS });
    closers.push(() => context.close());
    return context;
  }

  const failing = (): never => {
    throw new Error('database unavailable');
  };

  /** The value `cache` holds in Redis for `key`, stale or not (the fill is written in the background). */
  const inRedis = (context: CacheContext, key: string) => async () =>
    (await context.redis!.getEntry(key, { allowStale: true })) !== undefined;

  it('instance B, with a cold L1 and a failing factory, answers the value instance A cached, from Redis, once its TTL has passed', async () => {
    const a = await instance('fs1:');
    const b = await instance('fs1:');
    expect(await a.cache.getOrSet('session:1', () => ({ title: 'cached by A' }), { ttlMs: TTL_MS })).toEqual({ title: 'cached by A' });
    expect(await eventually(inRedis(a, 'session:1'))).toBe(true);
    await sleep(TTL_MS + 50);

    expect(await b.cache.getOrSet('session:1', failing, { ttlMs: TTL_MS })).toEqual({ title: 'cached by A' });
    expect(b.cache.stats()).toMatchObject({ stale: 1, factory: { errors: 1, staleServed: 1 } });
    // B keeps the fallback in its L1 too: with Redis gone it would still answer it.
    expect(b.memory.getEntry('session:1', { allowStale: true })).toMatchObject({ value: { title: 'cached by A' }, stale: true });
  });

  it('a tag invalidated on A is never served stale on B', async () => {
    const a = await instance('fs2:');
    const b = await instance('fs2:');
    await a.cache.getOrSet('session:2', () => 'v1', { ttlMs: TTL_MS, tags: ['session:2'] });
    expect(await eventually(inRedis(a, 'session:2'))).toBe(true);
    await sleep(TTL_MS + 50);
    await a.cache.invalidateTags(['session:2']);
    await expect(b.cache.getOrSet('session:2', failing, { ttlMs: TTL_MS, tags: ['session:2'] })).rejects.toThrow('database unavailable');
  });

  it('@HttpCache with graceMs answers 200 X-Cache: STALE from Redis on another instance while the handler fails; a 404 is not absorbed', async () => {
    const options = { keyPrefix: 'fs3:', redis: { url: server.url } };
    const a = await startApp(options);
    closers.push(() => a.close());
    const b = await startApp(options);
    closers.push(() => b.close());
    const first = await request(a.getHttpServer()).get('/items/7').expect(200);
    expect(first.headers['x-cache']).toBe('MISS');
    // The fill reaches Redis in the background.
    expect(await eventually(() => (a.get(CacheService).stats().redis?.sets ?? 0) >= 1)).toBe(true);
    await sleep(TTL_MS + 50);

    source.up = false;
    const stale = await request(b.getHttpServer()).get('/items/7').expect(200);
    expect(stale.headers['x-cache']).toBe('STALE');
    expect(stale.body).toEqual(first.body);
    // Throttled: the next request answers STALE again without calling the failing handler.
    const callsBefore = source.calls;
    const again = await request(b.getHttpServer()).get('/items/7').expect(200);
    expect(again.headers['x-cache']).toBe('STALE');
    expect(source.calls).toBe(callsBefore);

    source.up = true;
    await request(b.getHttpServer()).get('/items/missing').expect(404);
  });

  it('@Cacheable with graceMs answers the stale result while the method fails', async () => {
    const app = await startApp({ keyPrefix: 'fs4:', redis: { url: server.url } });
    closers.push(() => app.close());
    const items = app.get(ItemService);
    const first = await items.item('9');
    await sleep(TTL_MS + 50);
    source.up = false;
    expect(await items.item('9')).toEqual(first);
    expect(app.get(CacheService).stats().stale).toBe(1);
  });
});
