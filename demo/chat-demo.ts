/**
 * `npm run demo`: the chat service on ChatCacheModule, in one process and without HTTP. It creates
 * users, sessions and messages, reads them cold (SQLite), from Redis when REDIS_URL is set (L2,
 * with this process's memory tier emptied) and warm (L1), and prints the timings and the cache's
 * statistics. The database is in memory: the demo leaves nothing behind.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { SingleBar, Presets } from 'cli-progress';
import { AppModule } from '../src/app.module';
import { CacheService, MEMORY_STORE, MemoryStore } from '../src/cache';
import { SessionService } from '../src/chat/session.service';
import { UserService } from '../src/chat/user.service';
import { loadConfig } from '../src/config';

const USERS = 20;
const SESSIONS_PER_USER = 5;
const MESSAGES_PER_SESSION = 20;
const WORDS = ['cache', 'redis', 'latency', 'session', 'invalidation', 'nest', 'sqlite', 'memory', 'coherent', 'tier'];

interface Target {
  userId: string;
  sessionId: string;
}

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, DATABASE_PATH: ':memory:', JWT_SECRET: 'demo', LOG_LEVEL: 'warn' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error', 'warn'] });
  await app.init();
  const users = app.get(UserService);
  const sessions = app.get(SessionService);
  const cache = app.get(CacheService);
  const memory = app.get<MemoryStore>(MEMORY_STORE);
  const withRedis = cache.stats().redis !== null;
  console.log(`chat-cache demo: cache driver ${cache.stats().driver}${withRedis ? '' : ' (set REDIS_URL to add the Redis tier)'}\n`);

  const total = USERS * SESSIONS_PER_USER * (1 + MESSAGES_PER_SESSION);
  const bar = new SingleBar({ format: 'writing  {bar} {percentage}% | {value}/{total} sessions and messages', hideCursor: true }, Presets.shades_classic);
  bar.start(total, 0);
  const targets: Target[] = [];
  for (let u = 0; u < USERS; u++) {
    const user = await users.createUser(`user ${u}`);
    for (let s = 0; s < SESSIONS_PER_USER; s++) {
      const session = await sessions.createSession(user.id, `session ${s} of user ${u}`);
      targets.push({ userId: user.id, sessionId: session.id });
      bar.increment();
      for (let m = 0; m < MESSAGES_PER_SESSION; m++) {
        const words = [WORDS[(u + m) % WORDS.length], WORDS[(s + m * 3) % WORDS.length], `n${m}`];
        await sessions.addMessage(user.id, session.id, m % 2 === 0 ? 'user' : 'assistant', `message ${m}: ${words.join(' ')}`);
        bar.increment();
      }
    }
  }
  bar.stop();

  // Each read once per distinct cache key, so the first pass is all misses.
  const perUser = targets.filter((_, i) => i % SESSIONS_PER_USER === 0);
  const reads: Record<string, [Target[], (t: Target) => Promise<unknown>]> = {
    'getSession': [targets, (t) => sessions.getSession(t.userId, t.sessionId)],
    'listMessages (50)': [targets, (t) => sessions.listMessages(t.userId, t.sessionId, 50)],
    'listSessions (20)': [perUser, (t) => sessions.listSessions(t.userId, 20)],
    'search "cache redis"': [perUser, (t) => sessions.search(t.userId, { q: 'cache redis', limit: 20 })],
  };
  const passes = withRedis ? (['cold', 'redis', 'memory'] as const) : (['cold', 'memory'] as const);
  const timings = new Map<string, Record<string, number[]>>();
  const progress = new SingleBar({ format: 'reading  {bar} {percentage}% | {pass} pass', hideCursor: true }, Presets.shades_classic);
  const readsPerPass = Object.values(reads).reduce((sum, [on]) => sum + on.length, 0);
  progress.start(passes.length * readsPerPass, 0, { pass: passes[0] });
  for (const pass of passes) {
    // The Redis pass empties this process's memory tier only: every read then comes from Redis.
    if (pass === 'redis') memory.clear();
    for (const [name, [on, read]] of Object.entries(reads)) {
      const samples: number[] = [];
      for (const target of on) {
        const started = process.hrtime.bigint();
        await read(target);
        samples.push(Number(process.hrtime.bigint() - started) / 1000);
        progress.increment(1, { pass });
      }
      timings.set(name, { ...timings.get(name), [pass]: samples });
    }
  }
  progress.stop();

  const header = ['read', ...passes.map((p) => `${p === 'cold' ? (withRedis ? 'miss (Redis, then SQLite)' : 'miss (SQLite)') : p === 'redis' ? 'L2 hit (Redis)' : 'L1 hit (memory)'} median µs`), 'L1 hit vs miss'];
  const rows = [...timings].map(([name, byPass]) => {
    const medians = passes.map((p) => median(byPass[p]));
    return [name, ...medians.map((m) => m.toFixed(1)), `${(medians[0] / medians[medians.length - 1]).toFixed(0)}x`];
  });
  console.log(`\n${USERS} users, ${targets.length} sessions of ${MESSAGES_PER_SESSION} messages; each read once per key and pass\n`);
  printTable([header, ...rows]);

  // A write is seen at once: the rename's event invalidates the session's tags before it returns.
  const [first] = targets;
  await sessions.renameSession(first.userId, first.sessionId, 'renamed by the demo');
  const after = await sessions.getSession(first.userId, first.sessionId);
  console.log(`\nafter a rename, the next read answers "${after.title}" (read-your-writes through the cache)`);

  const stats = cache.stats();
  console.log('\ncache statistics');
  printTable([
    ['tier', 'hits', 'misses', 'hit ratio', 'entries', 'bytes'],
    ['all', stats.hits, stats.misses, percent(stats.hitRatio), '', ''],
    ...(stats.memory ? [['memory', stats.memory.hits, stats.memory.misses, percent(stats.memory.hitRatio), stats.memory.entries, stats.memory.bytes]] : []),
    ...(stats.redis ? [['redis', stats.redis.hits, stats.redis.misses, percent(stats.redis.hitRatio), '', '']] : []),
  ]);
  console.log(`single-flight joins ${stats.singleFlight.joins}, factory calls ${stats.factory.calls}`);
  await app.close();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

function printTable(rows: (string | number)[][]): void {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  for (const row of rows) console.log(row.map((cell, column) => String(cell).padEnd(widths[column])).join('  '));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
