import Redis from 'ioredis';
import { startCacheContext } from '../support/cache-context';
import { eventually, RedisServer } from '../support/redis-server';

const ROUNDS = 5;

/** The bus's first subscription is not a reconnect: it must not throw away what boot cached. */
describe('the first load after boot (hybrid)', () => {
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

  it('is cached in both tiers: a second read calls no factory', async () => {
    const seen: { inL1: boolean; inL2: boolean; factoryCalls: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const prefix = `boot${round}:`;
      const ctx = await startCacheContext({ keyPrefix: prefix, redis: { url: server.url } });
      try {
        const factory = jest.fn(async () => 'loaded');
        expect(await ctx.cache.getOrSet('first', factory)).toBe('loaded');
        // Whatever the bus does once subscribed has happened by now.
        expect(await eventually(() => ctx.cache.stats().bus!.subscribed, 2_000)).toBe(true);
        const inL2 = await eventually(async () => (await spy.exists(`${prefix}first`)) === 1, 1_000);
        const inL1 = ctx.memory.has('first');
        expect(await ctx.cache.getOrSet('first', factory)).toBe('loaded');
        seen.push({ inL1, inL2, factoryCalls: factory.mock.calls.length });
      } finally {
        await ctx.close();
      }
    }
    expect(seen).toEqual(Array(ROUNDS).fill({ inL1: true, inL2: true, factoryCalls: 1 }));
  });

  it('the bus is subscribed once boot is over', async () => {
    const ctx = await startCacheContext({ keyPrefix: 'bootbus:', redis: { url: server.url } });
    try {
      expect(ctx.cache.stats().bus!.subscribed).toBe(true);
    } finally {
      await ctx.close();
    }
  });
});
