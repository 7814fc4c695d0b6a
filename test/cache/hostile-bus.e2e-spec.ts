import Redis from 'ioredis';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { eventually, RedisServer } from '../support/redis-server';

/** Generous: handling one message takes a few ms; the RegExp matcher froze an instance for seconds. */
const FAST_MS = 500;
const KEY_COUNT = 1000;
const keyOf = (i: number) => `${'room:'.repeat(38)}${String(i).padStart(10, '0')}`; // 200 characters

/**
 * Anyone who reaches Redis can PUBLISH on the bus channel. Whatever they send, an instance drops
 * what is not a message within bounds, counts it as malformed, and keeps answering.
 */
describe('a hostile message published raw on the bus channel', () => {
  let server: RedisServer;
  let a: CacheContext;
  let b: CacheContext;
  let attacker: Redis;
  const channel = 'hb:__cc:bus';

  beforeAll(async () => {
    server = await RedisServer.start();
    const options = { keyPrefix: 'hb:', redis: { url: server.url } };
    a = await startCacheContext({ ...options, instanceId: 'A' });
    b = await startCacheContext({ ...options, instanceId: 'B' });
    await eventually(() => a.cache.stats().bus!.subscribed && b.cache.stats().bus!.subscribed, 2_000, 5);
    attacker = server.client();
  });

  afterAll(async () => {
    attacker.disconnect();
    await a.close();
    await b.close();
    await server.stop();
  });

  beforeEach(async () => {
    for (let i = 0; i < KEY_COUNT; i++) await b.cache.set(keyOf(i), i);
    await b.cache.set('ends-with!', 'bang');
  });

  /** Publishes `raw` and answers how long B took to have read it, and what it counted. */
  async function publishToB(raw: string): Promise<{ handledWithinMs: number; malformed: number; received: number }> {
    const before = b.cache.stats().bus!;
    const started = performance.now();
    expect(await attacker.publish(channel, raw)).toBe(2);
    const handled = await eventually(
      () => {
        const bus = b.cache.stats().bus!;
        return bus.malformed + bus.received > before.malformed + before.received;
      },
      10_000,
      1,
    );
    expect(handled).toBe(true);
    const after = b.cache.stats().bus!;
    return {
      handledWithinMs: performance.now() - started,
      malformed: after.malformed - before.malformed,
      received: after.received - before.received,
    };
  }

  const message = (fields: Record<string, unknown>) =>
    JSON.stringify({ instance: 'mallory', sentAt: Date.now(), reason: 'pattern', ...fields });

  it.each([
    ['a pattern over 1024 characters', message({ patterns: ['*?'.repeat(600) + '*!'] })],
    ['more patterns than a message may hold', message({ patterns: ['a:*', 'b:*'] })],
    ['more keys than a message may hold', message({ keys: Array.from({ length: 10_001 }, (_, i) => String(i)) })],
    ['an unknown reason', message({ reason: 'because', clear: true })],
    ['a sentAt that is not a number', message({ sentAt: 'now', clear: true })],
    ['keys that are not strings', message({ keys: [{ toString: 1 }] })],
    ['not JSON', '{"instance":"mallory",'],
    ['2 MiB of anything', 'x'.repeat(2 * 1024 * 1024)],
  ])('%s: dropped, counted as malformed, and nothing in L1 is touched', async (_name, raw) => {
    const { handledWithinMs, malformed, received } = await publishToB(raw);
    expect({ malformed, received }).toEqual({ malformed: 1, received: 0 });
    expect(handledWithinMs).toBeLessThan(FAST_MS);
    expect(b.memory.size).toBe(KEY_COUNT + 1);
    const started = performance.now();
    expect(await b.cache.get(keyOf(7))).toBe(7);
    expect(performance.now() - started).toBeLessThan(FAST_MS);
  });

  it('a well-formed message with a pattern that backtracks a RegExp exponentially is applied at once', async () => {
    const { handledWithinMs, malformed, received } = await publishToB(message({ patterns: ['*?*?*?*?*?*?*?*?*?*!'] }));
    expect({ malformed, received }).toEqual({ malformed: 0, received: 1 });
    expect(handledWithinMs).toBeLessThan(FAST_MS);
    expect(b.memory.has('ends-with!')).toBe(false);
    expect(b.memory.size).toBe(KEY_COUNT);
  });

  it('the bus still carries what the instances say to each other', async () => {
    expect(await b.cache.get(keyOf(3))).toBe(3);
    expect(b.memory.has(keyOf(3))).toBe(true);
    await a.cache.delete(keyOf(3));
    expect(await eventually(() => !b.memory.has(keyOf(3)), 2_000, 1)).toBe(true);
  });
});
