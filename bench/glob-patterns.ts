/**
 * How long a hostile glob costs: `invalidatePattern('*?*?*?*?*!')` over 100 keys (memory driver),
 * and the longest event-loop stall of an instance when one message carrying such a pattern is
 * PUBLISHed raw on the bus channel (hybrid, real redis-server). Issue 9, item 1.
 *
 *   node --expose-gc -r ts-node/register/transpile-only bench/glob-patterns.ts [stars=5] [--long] [--worst]
 *
 * `--worst` also sends the costliest message the limits allow. `--long` also sends a pattern of 2,002 characters (never finishes on the RegExp matcher).
 */
import Redis from 'ioredis';
import { INVALIDATION_MESSAGE_LIMITS } from '../src/cache/invalidation/invalidation-message-limits';
import { startCacheContext } from '../test/support/cache-context';
import { eventually, RedisServer } from '../test/support/redis-server';

const KEY_COUNT = 100;
const stars = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 5);
const pattern = '*?'.repeat(stars - 1) + '*!';
const keyOf = (i: number) => `user:${i}:profile:settings:notifications`;

async function memoryPattern(): Promise<number> {
  const ctx = await startCacheContext({ driver: 'memory' });
  for (let i = 0; i < KEY_COUNT; i++) await ctx.cache.set(keyOf(i), i);
  const started = performance.now();
  await ctx.cache.invalidatePattern(pattern);
  const elapsed = performance.now() - started;
  await ctx.close();
  return elapsed;
}

/** The longest gap between 1 ms ticks while the instance handles one raw bus message. */
async function busMessageStall(
  server: RedisServer,
  raw: string,
  keyCount = KEY_COUNT,
  key = keyOf,
): Promise<{ stallMs: number; received: number; malformed: number }> {
  const ctx = await startCacheContext({ keyPrefix: 'g:', redis: { url: server.url }, instanceId: 'victim' });
  await eventually(() => ctx.cache.stats().bus!.subscribed, 2_000, 5);
  for (let i = 0; i < keyCount; i++) await ctx.cache.set(key(i), i);
  const publisher = new Redis(server.port, '127.0.0.1');
  await publisher.ping();
  // Let the fills' garbage go first (run with node --expose-gc), so the stall is the message's.
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const before = ctx.cache.stats().bus!;
  let last = performance.now();
  let stallMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 1);
  await publisher.publish('g:__cc:bus', raw);
  await eventually(
    () => {
      const bus = ctx.cache.stats().bus!;
      return bus.received + bus.malformed > before.received + before.malformed;
    },
    120_000,
    1,
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  clearInterval(ticker);
  const after = ctx.cache.stats().bus!;
  publisher.disconnect();
  await ctx.close();
  return { stallMs, received: after.received - before.received, malformed: after.malformed - before.malformed };
}

async function main(): Promise<void> {
  console.log(`pattern ${pattern} over ${KEY_COUNT} keys like ${keyOf(0)}`);
  console.log(`invalidatePattern, memory driver: ${(await memoryPattern()).toFixed(1)} ms`);
  const server = await RedisServer.start();
  try {
    const message = (patterns: string[]) => JSON.stringify({ instance: 'hostile', sentAt: Date.now(), patterns, reason: 'pattern' });
    const shaped = await busMessageStall(server, message([pattern]));
    console.log(
      `bus message with that pattern: longest stall ${shaped.stallMs.toFixed(1)} ms (received ${shaped.received}, malformed ${shaped.malformed})`,
    );
    if (!process.argv.includes('--long')) return;
    const long = await busMessageStall(server, message(['*?'.repeat(1000) + '*!']));
    console.log(
      `bus message with a 2002-char pattern: longest stall ${long.stallMs.toFixed(1)} ms (received ${long.received}, malformed ${long.malformed})`,
    );
    if (!process.argv.includes('--worst')) return;
    // The costliest message within the limits: as many patterns as allowed, each a long run between
    // stars that matches almost everywhere, over a large L1 of long keys.
    const limits = INVALIDATION_MESSAGE_LIMITS;
    const worst = Array.from({ length: limits.maxPatterns }, () => `*${'a'.repeat(150)}x*`);
    const worstStall = await busMessageStall(server, message(worst), 10_000, (i) => 'a'.repeat(190) + String(i).padStart(10, '0'));
    console.log(
      `bus message with ${limits.maxPatterns} worst patterns over 10,000 keys of 200 characters: longest stall ${worstStall.stallMs.toFixed(1)} ms`,
    );
  } finally {
    await server.stop();
  }
}

void main();
