import Redis from 'ioredis';
import { startCacheContext } from '../support/cache-context';
import { eventually, RedisServer } from '../support/redis-server';

const COMMAND_TIMEOUT_MS = 200;
/** Generous bound on one call while Redis is dead or frozen: the point is "never hangs", not speed. */
const NEVER_HANGS_MS = 1_500;

async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await call();
  return { value, ms: Date.now() - started };
}

const options = (url: string, prefix: string) => ({
  keyPrefix: prefix,
  redis: { url, commandTimeoutMs: COMMAND_TIMEOUT_MS, circuitFailureThreshold: 3, circuitOpenMs: 300, connectTimeoutMs: 300 },
});

describe('Redis outages', () => {
  let server: RedisServer;
  let spy: Redis;

  beforeAll(async () => {
    server = await RedisServer.start();
    spy = server.client();
  });

  afterAll(async () => {
    spy.disconnect();
    await server.stop();
  });

  it('boots without Redis, serves from memory, and uses Redis once it appears', async () => {
    await server.kill();
    const ctx = await startCacheContext(options(server.url, 'boot:'));
    try {
      expect(ctx.cache.stats().redis!.connected).toBe(false);
      const factory = jest.fn(async () => 'from the database');
      expect(await ctx.cache.getOrSet('k', factory)).toBe('from the database');
      expect(await ctx.cache.getOrSet('k', factory)).toBe('from the database');
      expect(factory).toHaveBeenCalledTimes(1);
      await ctx.cache.set('written-while-down', 1);
      expect(await ctx.cache.get('written-while-down')).toBe(1);

      await server.restart();
      expect(await eventually(() => ctx.cache.stats().redis!.connected, 10_000)).toBe(true);
      await ctx.cache.set('after', 'in redis');
      expect(await spy.exists('boot:after')).toBe(1);
    } finally {
      await ctx.close();
    }
  });

  it('Redis killed mid-run: calls resolve quickly without throwing; restarted: L2 is used again', async () => {
    const a = await startCacheContext(options(server.url, 'kill:'));
    const b = await startCacheContext(options(server.url, 'kill:'));
    try {
      await a.cache.set('title', 'v1', { tags: ['session:1'] });
      expect(await b.cache.get('title')).toBe('v1');

      await server.kill();
      for (let i = 0; i < 10; i++) {
        const set = await timed(() => a.cache.set('title', 'v2', { tags: ['session:1'] }));
        const read = await timed(() => a.cache.getOrSet(`cold:${i}`, async () => i));
        expect(read.value).toBe(i);
        expect(set.ms).toBeLessThan(NEVER_HANGS_MS);
        expect(read.ms).toBeLessThan(NEVER_HANGS_MS);
      }
      expect(await a.cache.get('title')).toBe('v2'); // the newest value, kept in memory
      expect(a.cache.stats().redis!.repairsPending).toBe(true);

      await server.restart();
      // Redis came back empty here; with data (a network blip) the old 'v1' would still be in it,
      // which is what the repair journal covers: the missed overwrite is replayed as a delete.
      expect(await eventually(() => !a.cache.stats().redis!.repairsPending, 10_000)).toBe(true);
      // A loaded machine may still time a command out now and then: L2 must be written again soon.
      const landed = await eventually(
        async () => {
          await a.cache.set('fresh', 'ok');
          return (await spy.exists('kill:fresh')) === 1;
        },
        5_000,
        50,
      );
      expect(landed).toBe(true);
      expect(await eventually(async () => (await b.cache.get('fresh')) === 'ok', 5_000)).toBe(true);
      expect(await b.cache.get('title')).toBeUndefined(); // B's old copy was dropped on reconnect
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('overwrites missed during a blip are replayed: Redis never serves the older value afterwards', async () => {
    const a = await startCacheContext(options(server.url, 'blip:'));
    try {
      await a.cache.set('title', 'old');
      expect(await spy.get('blip:title')).not.toBeNull();
      await server.freeze(); // Redis keeps its data but answers nothing
      await a.cache.set('title', 'new');
      expect(await a.cache.get('title')).toBe('new');
      server.thaw();
      expect(await eventually(() => !a.cache.stats().redis!.repairsPending, 10_000)).toBe(true);
      expect(await spy.get('blip:title')).toBeNull(); // the stale 'old' is gone from Redis
      a.memory.clear(); // as another instance would be: nothing in memory, must not find 'old'
      expect(await a.cache.get('title')).toBeUndefined();
    } finally {
      server.thaw();
      await a.close();
    }
  });

  it('a frozen Redis: each call waits at most about the command timeout, then the circuit opens and calls skip Redis', async () => {
    const ctx = await startCacheContext(options(server.url, 'frozen:'));
    try {
      await ctx.cache.set('k', 'v');
      ctx.memory.clear();
      await server.freeze();
      const durations: number[] = [];
      for (let i = 0; i < 6; i++) {
        const { value, ms } = await timed(() => ctx.cache.getOrSet(`frozen:${i}`, async () => `computed ${i}`));
        expect(value).toBe(`computed ${i}`);
        durations.push(ms);
      }
      expect(Math.max(...durations)).toBeLessThan(NEVER_HANGS_MS);
      expect(ctx.cache.stats().redis!.circuit).toBe('open');
      expect(ctx.cache.stats().redis!.timeouts).toBeGreaterThanOrEqual(3);
      server.thaw();
      expect(
        await eventually(() => ctx.cache.stats().redis!.circuit === 'closed' && !ctx.cache.stats().redis!.repairsPending, 10_000),
      ).toBe(true);
      await ctx.cache.set('back', 1);
      expect(await spy.exists('frozen:back')).toBe(1);
    } finally {
      server.thaw();
      await ctx.close();
    }
  });

  it('app.close() leaves no Redis connection open', async () => {
    const ctx = await startCacheContext(options(server.url, 'close:'));
    const clientsWhileOpen = await clientCount();
    await ctx.close();
    expect(await eventually(async () => (await clientCount()) <= clientsWhileOpen - 2, 2_000)).toBe(true);
  });

  async function clientCount(): Promise<number> {
    const list = (await spy.client('LIST')) as string;
    return list.trim().split('\n').length;
  }
});
