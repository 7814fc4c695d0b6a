/**
 * Measures, on real redis-server processes started here, what issue #2 promises:
 * - coherence: after `set` returns on instance A, how long until instance B reads the new value
 *   (B held the old one in its memory tier);
 * - outages: how long calls wait while Redis is frozen (SIGSTOP: commands hang) and killed.
 * Run: npm run bench:coherence. Prints figures; asserts nothing.
 */
import { startCacheContext } from '../test/support/cache-context';
import { RedisServer } from '../test/support/redis-server';

async function main() {
  const server = await RedisServer.start();
  const o = { keyPrefix: 'm:', redis: { url: server.url } };
  const a = await startCacheContext({ ...o, instanceId: 'A' });
  const b = await startCacheContext({ ...o, instanceId: 'B' });
  const lags: number[] = [];
  for (let i = 0; i < 300; i++) {
    await a.cache.set('k', i);
    await new Promise((r) => setTimeout(r, 3));
    await b.cache.get('k'); // B holds i in L1
    const t0 = process.hrtime.bigint();
    await a.cache.set('k', i + 0.5);
    while ((await b.cache.get('k')) !== i + 0.5) await new Promise((r) => setImmediate(r));
    lags.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  lags.sort((x, y) => x - y);
  const q = (p: number) => lags[Math.floor(p * (lags.length - 1))].toFixed(2);
  console.log(`coherence (set on A returns -> B reads new value), ms: p50 ${q(0.5)} p99 ${q(0.99)} max ${q(1)}`);
  await a.close();
  await b.close();

  const c = await startCacheContext({ keyPrefix: 'o:', redis: { url: server.url } }); // default timeout 250 ms
  server.freeze();
  const waits: number[] = [];
  for (let i = 0; i < 12; i++) {
    const t0 = Date.now();
    await c.cache.getOrSet(`x${i}`, async () => i);
    waits.push(Date.now() - t0);
  }
  console.log(`frozen Redis, getOrSet waits (ms, commandTimeoutMs=250): ${waits.join(' ')}`);
  server.thaw();
  await server.kill();
  const killed: number[] = [];
  for (let i = 0; i < 12; i++) {
    const t0 = Date.now();
    await c.cache.set(`y${i}`, i);
    await c.cache.getOrSet(`z${i}`, async () => i);
    killed.push(Date.now() - t0);
  }
  console.log(`killed Redis, set+getOrSet waits (ms): ${killed.join(' ')}`);
  await c.close();
  await server.stop();
}
void main();
