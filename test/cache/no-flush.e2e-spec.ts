import Redis from 'ioredis';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { eventually, RedisServer } from '../support/redis-server';

describe('clearing never reaches outside the prefix (watched with MONITOR)', () => {
  let server: RedisServer;
  let ctx: CacheContext;
  let spy: Redis;
  let watcher: Redis;
  let monitor: Awaited<ReturnType<Redis['monitor']>>;
  const commands: string[][] = [];

  beforeAll(async () => {
    server = await RedisServer.start();
    spy = server.client();
    ctx = await startCacheContext({ keyPrefix: 'mine:', redis: { url: server.url } });
    watcher = server.client();
    monitor = await watcher.monitor();
    monitor.on('monitor', (_time: string, args: string[]) => commands.push(args));
  });

  afterAll(async () => {
    monitor.disconnect();
    watcher.disconnect();
    await ctx.close();
    await spy.quit();
    await server.stop();
  });

  it('clear(), invalidatePattern("*") and CACHE_MANAGER.clear() send no FLUSHDB, FLUSHALL or KEYS and spare other keys', async () => {
    await spy.set('someone-else:key', 'must survive');
    await spy.set('minefield', 'shares the prefix letters but not the prefix');
    // More keys than one SCAN COUNT 1000 page, so that clearing takes several SCAN rounds; written 250 at
    // a time (each set is its own round trip, and MONITOR slows every one of them down).
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(
        Array.from({ length: 250 }, (_, j) => batch * 250 + j).map((i) => ctx.cache.set(`k:${i}`, i, { tags: i % 2 ? ['odd'] : [] })),
      );
    }

    await ctx.cache.invalidatePattern('*');
    expect(await ctx.cache.get('k:1')).toBeUndefined();
    await ctx.cache.set('again', 1);
    await ctx.cache.clear();
    await ctx.cacheManager.set('via-cache-manager', 1);
    await ctx.cacheManager.clear();
    await ctx.cache.set('marker', 'done');
    expect(await eventually(() => commands.some((args) => args.includes('mine:marker')))).toBe(true);

    const names = commands.map((args) => args[0].toLowerCase());
    expect(names).not.toContain('flushdb');
    expect(names).not.toContain('flushall');
    expect(names).not.toContain('keys');
    expect(names).toContain('scan');
    expect(names).toContain('unlink');
    const scanned = commands.filter((args) => args[0].toLowerCase() === 'scan').map((args) => args[3]);
    expect(new Set(scanned)).toEqual(new Set(['mine:*']));
    expect(await spy.get('someone-else:key')).toBe('must survive');
    expect(await spy.get('minefield')).toBe('shares the prefix letters but not the prefix');
    expect(await spy.get('mine:k:1')).toBeNull();
    // 2,500 writes and their deletes under MONITOR: several seconds on a busy machine, which Jest's 5 s default does not allow.
  }, 30_000);

  it('escapes glob characters of the prefix, so a pattern cannot match another prefix', async () => {
    const weird = await startCacheContext({ keyPrefix: 'we[i]rd*:', redis: { url: server.url } });
    try {
      await spy.set('wei:x', 'theirs');
      await spy.set('werd*:x', 'theirs too');
      await weird.cache.set('x', 'ours');
      expect(await weird.cache.invalidatePattern('*')).toBe(1);
      expect(await spy.get('wei:x')).toBe('theirs');
      expect(await spy.get('werd*:x')).toBe('theirs too');
    } finally {
      await weird.close();
    }
  });
});
