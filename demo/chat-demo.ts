/**
 * `npm run demo`: the chat service on ChatCacheModule, in one process and without HTTP. It creates
 * users, sessions and messages, reads them cold (SQLite), from Redis when REDIS_URL is set (L2,
 * with this process's memory tier emptied) and warm (L1), and prints the timings and the cache's
 * statistics. Each column is named after the tier that answered its reads, as the cache's own
 * counters saw it: a pass that Redis did not answer (Redis unreachable) is not shown as an L2 hit.
 *
 * It leaves nothing behind: the database is in memory, and its Redis keys live under a prefix of
 * their own (`chat-demo:<random>:`, never the live application's `chat:`), which it clears at the
 * end (SCAN and UNLINK of that prefix only), whether the run succeeded or not.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { SingleBar, Presets } from 'cli-progress';
import { randomBytes } from 'node:crypto';
import { AppModule } from '../src/app.module';
import { CacheService, CacheStats, MEMORY_STORE, MemoryStore } from '../src/cache';
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

/** What answered one pass's reads, from the cache's counters before and after it. */
interface PassOutcome {
  reads: number;
  l2Hits: number;
  l2Misses: number;
  loads: number;
}

async function main(): Promise<void> {
  // Its own prefix, whatever CACHE_KEY_PREFIX says: the demo's keys never mix with a live app's.
  const keyPrefix = `chat-demo:${randomBytes(4).toString('hex')}:`;
  const env = { ...process.env, CACHE_KEY_PREFIX: keyPrefix, DATABASE_PATH: ':memory:', JWT_SECRET: 'demo', LOG_LEVEL: 'warn' };
  const config = loadConfig(env);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error', 'warn'] });
  await app.init();
  const cache = app.get(CacheService);
  try {
    await run(app.get(UserService), app.get(SessionService), cache, app.get<MemoryStore>(MEMORY_STORE), keyPrefix);
  } finally {
    // Our prefix only, on this process's memory tier and on Redis; never FLUSHDB.
    await cache.clear();
    const redis = cache.stats().redis;
    if (redis !== null) console.log(`\n${redisCleanup(redis, keyPrefix)}`);
    await app.close();
  }
}

async function run(
  users: UserService,
  sessions: SessionService,
  cache: CacheService,
  memory: MemoryStore,
  keyPrefix: string,
): Promise<void> {
  const withRedis = cache.stats().redis !== null;
  const tiers = withRedis ? `, Redis keys under ${keyPrefix}` : ' (set REDIS_URL to add the Redis tier)';
  console.log(`chat-cache demo: cache driver ${cache.stats().driver}${tiers}\n`);

  const total = USERS * SESSIONS_PER_USER * (1 + MESSAGES_PER_SESSION);
  const bar = new SingleBar(
    { format: 'writing  {bar} {percentage}% | {value}/{total} sessions and messages', hideCursor: true },
    Presets.shades_classic,
  );
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
    getSession: [targets, (t) => sessions.getSession(t.userId, t.sessionId)],
    'listMessages (50)': [targets, (t) => sessions.listMessages(t.userId, t.sessionId, 50)],
    'listSessions (20)': [perUser, (t) => sessions.listSessions(t.userId, 20)],
    'search "cache redis"': [perUser, (t) => sessions.search(t.userId, { q: 'cache redis', limit: 20 })],
  };
  const passes = withRedis ? (['cold', 'redis', 'memory'] as const) : (['cold', 'memory'] as const);
  const timings = new Map<string, Record<string, number[]>>();
  const outcomes = new Map<string, PassOutcome>();
  const progress = new SingleBar({ format: 'reading  {bar} {percentage}% | {pass} pass', hideCursor: true }, Presets.shades_classic);
  const readsPerPass = Object.values(reads).reduce((sum, [on]) => sum + on.length, 0);
  progress.start(passes.length * readsPerPass, 0, { pass: passes[0] });
  for (const pass of passes) {
    // The Redis pass empties this process's memory tier only: every read then comes from Redis.
    if (pass === 'redis') memory.clear();
    const before = cache.stats();
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
    outcomes.set(pass, outcomeOf(before, cache.stats(), readsPerPass));
  }
  progress.stop();

  // A pass Redis did not answer (unreachable, circuit open) measured SQLite again, not Redis: no column.
  const shown = passes.filter((pass) => pass !== 'redis' || outcomes.get(pass)!.l2Hits > 0);
  const header = ['read', ...shown.map((pass) => `${describe(outcomes.get(pass)!)} median µs`)];
  const warm = shown[shown.length - 1];
  const compare = shown.length > 1 && describe(outcomes.get(warm)!) === 'L1 hit (memory)';
  if (compare) header.push('L1 hit vs miss');
  const rows = [...timings].map(([name, byPass]) => {
    const medians = shown.map((pass) => median(byPass[pass]));
    const row = [name, ...medians.map((m) => m.toFixed(1))];
    if (compare) row.push(`${(medians[0] / medians[medians.length - 1]).toFixed(0)}x`);
    return row;
  });
  console.log(`\n${USERS} users, ${targets.length} sessions of ${MESSAGES_PER_SESSION} messages; each read once per key and pass\n`);
  printTable([header, ...rows]);
  if (withRedis && !shown.includes('redis')) {
    console.log(`\nno L2 column: Redis answered none of the ${readsPerPass} reads with this process's memory emptied (is it reachable?)`);
  }
  if (shown.includes('redis')) {
    console.log(
      '\nAn L2 hit is a network round trip, so it can be slower than a read of a local SQLite file; it pays off all the same:\n' +
        'every instance shares it, it survives restarts, and it keeps a burst of misses off the database.',
    );
  }

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
    ...(stats.memory
      ? [['memory', stats.memory.hits, stats.memory.misses, percent(stats.memory.hitRatio), stats.memory.entries, stats.memory.bytes]]
      : []),
    ...(stats.redis ? [['redis', stats.redis.hits, stats.redis.misses, percentOf(stats.redis.hits, stats.redis.misses), '', '']] : []),
  ]);
  console.log(`single-flight joins ${stats.singleFlight.joins}, factory calls ${stats.factory.calls}`);
}

function redisCleanup(redis: NonNullable<CacheStats['redis']>, keyPrefix: string): string {
  if (redis.connected) return `removed its keys from Redis (every key under ${keyPrefix})`;
  if (redis.hits + redis.misses + redis.sets === 0) return 'Redis never answered: nothing was written there';
  return `Redis went away during the run: keys it wrote under ${keyPrefix} before that are left until their TTL`;
}

function outcomeOf(before: CacheStats, after: CacheStats, reads: number): PassOutcome {
  return {
    reads,
    l2Hits: (after.redis?.hits ?? 0) - (before.redis?.hits ?? 0),
    l2Misses: (after.redis?.misses ?? 0) - (before.redis?.misses ?? 0),
    loads: after.factory.calls - before.factory.calls,
  };
}

/**
 * The column's name: the tier that answered the pass's reads, or the mix it was. The counters
 * count lookups, and a read of a session's messages also looks its session up (the ownership
 * check), which the same pass has already put in L1: so an L1 pass has no L2 hit and no load, and
 * an L2 pass has one L2 hit per read.
 */
function describe({ reads, l2Hits, l2Misses, loads }: PassOutcome): string {
  if (loads === 0 && l2Hits === 0) return 'L1 hit (memory)';
  if (loads === 0 && l2Hits === reads) return 'L2 hit (Redis)';
  if (loads === reads) return l2Misses >= reads ? 'miss (Redis, then SQLite)' : 'miss (SQLite)';
  return `mixed (${l2Hits} L2 hits, ${loads} SQLite loads of ${reads} reads)`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

/** A ratio of nothing is no ratio: a tier that answered no lookups shows "-", not 0.0%. */
function percentOf(hits: number, misses: number): string {
  return hits + misses === 0 ? '-' : percent(hits / (hits + misses));
}

function printTable(rows: (string | number)[][]): void {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  for (const row of rows) console.log(row.map((cell, column) => String(cell).padEnd(widths[column])).join('  '));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
