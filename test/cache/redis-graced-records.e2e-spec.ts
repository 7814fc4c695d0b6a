import Redis from 'ioredis';
import { encodeValue } from '../../src/cache/stores/value-codec';
import { isPastRefreshAge } from '../../src/cache/util/entry-lifetime';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { eventually, RedisServer } from '../support/redis-server';

const TTL_MS = 300;
const GRACE_MS = 700;

function sleepUntil(epochMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now())));
}

/** Entry lifetimes in Redis: a record kept past its TTL for its grace window, which every instance reads as stale. */
describe('graced records in a real redis-server', () => {
  let server: RedisServer;
  let spy: Redis;
  let writer: CacheContext;
  /** Another instance, which never saw the writes: what it knows comes from Redis alone. */
  let reader: CacheContext;

  beforeAll(async () => {
    server = await RedisServer.start();
    spy = server.client();
    writer = await startCacheContext({ driver: 'redis', keyPrefix: 'gr:', redis: { url: server.url } });
    reader = await startCacheContext({ driver: 'redis', keyPrefix: 'gr:', redis: { url: server.url } });
  });

  afterAll(async () => {
    await writer.close();
    await reader.close();
    await spy.quit();
    await server.stop();
  });

  it('keeps the record for TTL + grace (PTTL), fresh until the TTL, stale after it, gone after the grace', async () => {
    const setAt = Date.now();
    await writer.redis!.set('life', { text: 'hi' }, { ttlMs: TTL_MS, graceMs: GRACE_MS });
    const pttl = await spy.pttl('gr:life');
    expect(pttl).toBeGreaterThan(GRACE_MS);
    expect(pttl).toBeLessThanOrEqual(TTL_MS + GRACE_MS);

    const fresh = await reader.redis!.getEntry('life', { allowStale: true });
    expect(fresh).toMatchObject({ value: { text: 'hi' }, ttlMs: TTL_MS, graceMs: GRACE_MS, stale: false });
    expect(fresh!.expiresAt).toBeGreaterThanOrEqual(setAt + TTL_MS);
    expect(await reader.redis!.get('life')).toEqual({ text: 'hi' });

    await sleepUntil(fresh!.expiresAt + 20);
    expect(await reader.redis!.get('life')).toBeUndefined();
    expect(await reader.redis!.getEntry('life')).toBeUndefined();
    expect(await reader.redis!.getEntry('life', { allowStale: true })).toMatchObject({ value: { text: 'hi' }, stale: true });

    await sleepUntil(fresh!.expiresAt + GRACE_MS);
    // Redis counts PX from when the SET reached it, a little after the expiry this client computed.
    expect(await eventually(async () => (await spy.exists('gr:life')) === 0, 2_000)).toBe(true);
    expect(await reader.redis!.getEntry('life', { allowStale: true })).toBeUndefined();
  });

  it('without grace the record lives for its TTL, as before', async () => {
    await writer.redis!.set('plain', 'v', { ttlMs: 60_000, graceMs: 0 });
    const pttl = await spy.pttl('gr:plain');
    expect(pttl).toBeGreaterThan(50_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
    expect(await reader.redis!.getEntry('plain')).toMatchObject({ value: 'v', ttlMs: 60_000, graceMs: 0, stale: false });
  });

  it('a stale value still round-trips exactly', async () => {
    const values: unknown[] = ['2024-01-01T00:00:00.000Z', new Date(7), new Map([[1, new Set(['a'])]]), 12345678901234567890n, -0, null];
    for (const [i, value] of values.entries()) await writer.redis!.set(`exact:${i}`, value, { ttlMs: 50, graceMs: 10_000 });
    await sleepUntil(Date.now() + 80);
    for (const [i, value] of values.entries()) {
      const entry = await reader.redis!.getEntry(`exact:${i}`, { allowStale: true });
      expect(entry?.stale).toBe(true);
      expect(entry?.value).toEqual(value);
      if (typeof value === 'string') expect(typeof entry?.value).toBe('string');
      if (value instanceof Date) expect(entry?.value).toBeInstanceOf(Date);
      if (typeof value === 'number') expect(Object.is(entry?.value, value)).toBe(true);
    }
  });

  it('a tagged graced value stays a fallback past its TTL (its tag versions live as long), until its tag is invalidated', async () => {
    await writer.redis!.set('tagged', 'v', { ttlMs: 50, graceMs: 10_000 }, ['session:1']);
    await sleepUntil(Date.now() + 100);
    expect(await reader.redis!.getEntry('tagged', { allowStale: true })).toMatchObject({ value: 'v', stale: true, tags: ['session:1'] });
    await writer.redis!.invalidateTags(['session:1']);
    expect(await reader.redis!.getEntry('tagged', { allowStale: true })).toBeUndefined();
  });

  it('a snapshot taken for a graced lifetime keeps the tag versions for TTL + grace', async () => {
    const lifetime = { ttlMs: 50, graceMs: 10_000 };
    const versions = await writer.redis!.snapshotTags(['room:3'], lifetime);
    await writer.redis!.set('snap', 'v', lifetime, ['room:3'], versions);
    await sleepUntil(Date.now() + 100);
    expect(await reader.redis!.getEntry('snap', { allowStale: true })).toMatchObject({ value: 'v', stale: true });
  });

  it('an entry read from Redis can be copied to another tier with its lifetime', async () => {
    await writer.redis!.set('copy', 'v', { ttlMs: 60_000, graceMs: 5_000 });
    const entry = (await reader.redis!.getEntry('copy'))!;
    reader.memory.set('copy', entry.value, entry);
    expect(reader.memory.getEntry('copy')).toEqual({ value: 'v', expiresAt: entry.expiresAt, ttlMs: 60_000, graceMs: 5_000, stale: false });
    expect(isPastRefreshAge(entry, 0.5, entry.expiresAt - 30_000)).toBe(true);
    expect(isPastRefreshAge(entry, 0.5, entry.expiresAt - 30_001)).toBe(false);
  });

  describe('records written before lifetimes were recorded (a rolling deploy)', () => {
    it('an untagged one decodes: fresh, no grace, TTL unknown', async () => {
      const expiresAt = Date.now() + 60_000;
      await spy.set('gr:old', `[${expiresAt}]\n${encodeValue({ n: 1 })}`, 'PX', 60_000);
      expect(await reader.redis!.getEntry('old', { allowStale: true })).toEqual({
        value: { n: 1 },
        expiresAt,
        ttlMs: 0,
        graceMs: 0,
        stale: false,
        tags: undefined,
      });
    });

    it('a tagged one decodes, and its tags still invalidate it', async () => {
      const versions = await writer.redis!.snapshotTags(['user:8'], 60_000);
      const expiresAt = Date.now() + 60_000;
      await spy.set('gr:old-tagged', `${JSON.stringify([expiresAt, ['user:8'], versions])}\n${encodeValue('w')}`, 'PX', 60_000);
      expect(await reader.redis!.getEntry('old-tagged')).toMatchObject({ value: 'w', expiresAt, ttlMs: 0, graceMs: 0, tags: ['user:8'] });
      await writer.redis!.invalidateTags(['user:8']);
      expect(await reader.redis!.get('old-tagged')).toBeUndefined();
    });
  });
});
