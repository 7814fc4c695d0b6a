import Redis from 'ioredis';
import { compileGlob } from '../../src/cache/util/glob';
import { RedisServer } from '../support/redis-server';

/**
 * The memory tier must select exactly the keys Redis selects for a pattern, or an invalidation
 * would leave copies in one tier that the other dropped. Random keys and patterns (a fixed seed,
 * so every run checks the same ones) are given to compileGlob and to `SCAN ... MATCH` on a real
 * redis-server, and both answers are compared.
 */

/** A small seeded generator (mulberry32): the same cases on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Glob syntax, ASCII on both sides of it, and characters of 2, 3 and 4 UTF-8 bytes: Redis compares bytes.
const KEY_CHARS = ['a', 'b', 'c', 'z', 'A', '0', '9', ':', '-', '^', ']', '[', '\\', '*', '?', ' ', '\n', 'é', 'ÿ', '€', '😀'];
const PATTERN_CHARS = [...KEY_CHARS, '*', '*', '?', '[', '[', ']', '^', '-', '\\', '\\'];

function randomString(next: () => number, alphabet: string[], maxLength: number): string {
  const length = 1 + Math.floor(next() * maxLength);
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
  return text;
}

/** What Redis stores for a key: the UTF-8 that ioredis sends (a lone surrogate becomes U+FFFD). */
const asRedisKey = (key: string) => Buffer.from(key, 'utf8').toString('utf8');

describe('compileGlob selects what SCAN MATCH selects on a real redis-server', () => {
  let server: RedisServer;
  let redis: Redis;
  const next = random(20260901);
  const keys = [...new Set([...Array.from({ length: 400 }, () => randomString(next, KEY_CHARS, 6)), 'lone\ud800', 'x'])];
  const patterns = [
    ...Array.from({ length: 1500 }, () => randomString(next, PATTERN_CHARS, 7)),
    // Readings of Redis's parser that random strings may miss.
    ...['a[', 'a[^', '[]', '[^]', '[a-]', '[]-a]', '[\\', 'a\\', '[a-\\]', '[\\a-z]', '[z-a]', '[é]', '??', '[^a]?', '[a-é]'],
    ...['[\u00c4-a]', '*\ufffd', 'lone?', 'lone???', '*?*?*?*?*!', '*a*a*a*b', '**', '\\*', '[*]', '[?]*'],
  ];

  // Long keys over a two-letter alphabet and runs between stars longer than 32 tokens (the matcher's
  // multi-word path), where every placement of a run matters.
  const longKeys = [...new Set(Array.from({ length: 300 }, () => 'L:' + randomString(next, ['a', 'b'], 100)))];
  const longPatterns = Array.from({ length: 300 }, () => {
    const run = () => randomString(next, ['a', 'a', 'b', '?', '[ab]', '[^b]'], 70);
    const shapes = [() => `L:*${run()}*`, () => `L:${run()}*${run()}`, () => `L:*${run()}*${run()}*`, () => `L:*${run()}`];
    return shapes[Math.floor(next() * shapes.length)]();
  });

  beforeAll(async () => {
    server = await RedisServer.start();
    redis = server.client();
    await redis.mset([...keys, ...longKeys].flatMap((key) => [key, '1']));
  });

  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  async function scanMatch(pattern: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [nextCursor, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 10_000);
      found.push(...batch);
      cursor = nextCursor;
    } while (cursor !== '0');
    return found.sort();
  }

  it.each([
    ['short', patterns, keys],
    ['long', longPatterns, longKeys],
  ])('agrees on %s patterns and keys', async (_name, patterns, keys) => {
    const disagreements: { pattern: string; redis: string[]; ours: string[] }[] = [];
    const allKeys = [...keys, ...(keys === longKeys ? [] : longKeys)];
    const byRedis = await Promise.all(patterns.map((pattern) => scanMatch(pattern)));
    patterns.forEach((pattern, i) => {
      const glob = compileGlob(pattern);
      const ours = allKeys
        .filter((key) => glob.matches(key))
        .map(asRedisKey)
        .sort();
      if (JSON.stringify(ours) !== JSON.stringify(byRedis[i])) disagreements.push({ pattern, redis: byRedis[i], ours });
    });
    expect(disagreements.slice(0, 5)).toEqual([]);
    // Not vacuous: many patterns select some keys, and many select none.
    expect(byRedis.filter((found) => found.length > 0).length).toBeGreaterThan(patterns.length / 10);
    expect(byRedis.filter((found) => found.length === 0).length).toBeGreaterThan(patterns.length / 10);
  });
});
