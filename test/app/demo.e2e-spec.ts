import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type Redis from 'ioredis';
import { freePort, RedisServer } from '../support/redis-server';

const run = promisify(execFile);

/** `npm run demo` as a user runs it, with `env` on top of this process's environment (REDIS_URL unset). */
async function demo(env: Record<string, string>): Promise<string> {
  const { REDIS_URL: _ignored, CACHE_KEY_PREFIX: _ignoredToo, ...inherited } = process.env;
  const { stdout } = await run('npm', ['run', '--silent', 'demo'], { env: { ...inherited, ...env }, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

async function everyKey(client: Redis): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys.sort();
}

// A new Node process compiling the demo with ts-node, then 2,000 writes and three passes of reads.
const DEMO_TIMEOUT_MS = 120_000;

describe('npm run demo', () => {
  let server: RedisServer;
  let client: Redis;

  beforeAll(async () => {
    server = await RedisServer.start();
    client = server.client();
  });

  afterAll(async () => {
    await client.quit();
    await server.stop();
  });

  it(
    'with Redis: shows the L2 pass it measured, and leaves no key behind, the live app’s untouched',
    async () => {
      // What a live application and another one keep in the same Redis.
      await client.set('chat:user:live:profile', 'kept');
      await client.set('other-app:key', 'kept');

      const output = await demo({ REDIS_URL: server.url });

      expect(await everyKey(client)).toEqual(['chat:user:live:profile', 'other-app:key']);
      expect(output).toMatch(/removed its keys from Redis \(every key under chat-demo:[0-9a-f]{8}:\)/);
      expect(output).toContain('L2 hit (Redis) median µs');
      expect(output).toContain('An L2 hit is a network round trip');
    },
    DEMO_TIMEOUT_MS,
  );

  it(
    'with Redis unreachable: no L2 column, and it says why',
    async () => {
      const output = await demo({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });

      const header = output.split('\n').find((line) => line.startsWith('read '));
      expect(header).toMatch(/^read +miss \(SQLite\) median µs +L1 hit \(memory\) median µs +L1 hit vs miss$/);
      expect(output).not.toContain('L2 hit');
      expect(output).toContain('no L2 column: Redis answered none of the 240 reads');
      expect(output).toContain('Redis never answered: nothing was written there');
    },
    DEMO_TIMEOUT_MS,
  );
});
