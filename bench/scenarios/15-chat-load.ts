/**
 * Scenario 15: the whole app under a chat's load. Two instances of the chat app on one SQLite file,
 * driven by a bounded keep-alive client with a chat-shaped mix for N users (chat-load/chat-mix.ts),
 * requests spread over both instances; three variants on the same routes and data:
 * - ours: the app as shipped, CACHE_DRIVER hybrid on one Redis the scenario starts;
 * - the same app with the cache off (chat-load/cache-off.ts): every request reads SQLite;
 * - @nestjs/cache-manager's CacheInterceptor on the same read routes, over the app with the cache
 *   off, each user under their own URL prefix (it keys by URL alone), TTL only.
 * Users, sessions and messages are seeded through the API once; the second variant's file is a
 * copy of the first (SQLite's backup), so both start from the same rows and ids.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BenchContext, BenchScenario, GoalResult, ResultRow, ScenarioReport } from '../harness/types';
import { ratioIn, rowsOf } from '../harness/measure';
import { median } from '../harness/stats';
import { RedisServer } from '../../test/support/redis-server';
import { ChatLoad, LegResult, ReadPrefix } from './chat-load/chat-load';
import { chatMix, PAGE_LIMIT } from './chat-load/chat-mix';
import { ChatUser, copyUsers, seedChatUsers, SeedPlan } from './chat-load/chat-users';
import { KeepAliveClient } from './chat-load/keep-alive-client';
import { checkSameAnswers } from './chat-load/same-answers';
import { CACHE_MANAGER_TTL_MS, PER_USER_PREFIX } from './chat-load/per-user-cache-manager.module';
import type { ChatLoadReady, ChatLoadServerEnv, ChatLoadServerStats } from './chat-load/protocol';
import { BenchServerProcess, forkBenchServer } from './http/server-process';
import { addCommandDelta, commandCounts, CommandCounts } from './chat-load/redis-commandstats';

type ChatLoadServer = BenchServerProcess<ChatLoadReady, ChatLoadServerStats>;

const SERVER = path.join(__dirname, 'chat-load', 'server.ts');
const INSTANCES = 2;
/** Requests in flight, over both instances: one per slot, each slot alternating instances. */
const SLOTS = Number(process.env.BENCH_CHAT_SLOTS ?? 16);
/** Seconds of one variant's leg: every variant runs one leg a round. */
const LEG_S = Number(process.env.BENCH_CHAT_LEG_S ?? 1.5);
const SEED: SeedPlan = {
  users: Number(process.env.BENCH_CHAT_USERS ?? 200),
  sessionsPerUser: 2,
  messagesPerSession: PAGE_LIMIT,
  concurrency: 16,
};
const ADMIN_TOKEN = 'bench-chat-load-admin-token';
/** Users whose reads every variant must answer alike before the load. */
const SAME_ANSWER_USERS = 5;

const OURS = 'ours: the app as shipped (hybrid: L1 + Redis)';
const UNCACHED = 'the same app, cache off (SQLite every request)';
const CACHE_MANAGER = `@nestjs/cache-manager CacheInterceptor, per-user URLs, TTL ${CACHE_MANAGER_TTL_MS / 1000} s`;

const THROUGHPUT_CASE = 'chat mix: requests/s';
const P50_CASE = 'chat mix: p50 latency';
const P99_CASE = 'chat mix: p99 latency';
const CPU_CASE = 'chat mix: server CPU per request (both instances)';
const HIT_CASE = 'chat mix: reads answered from the cache';

interface Variant {
  name: string;
  servers: ChatLoadServer[];
  client: KeepAliveClient;
  readPrefix: ReadPrefix;
  users: ChatUser[];
  load: ChatLoad;
  /** Handler runs of the peer's routes are its misses; ours counts X-Cache HITs. */
  hitsFrom: 'x-cache' | 'peer-handler-runs' | 'none';
}

interface Totals {
  requests: number;
  reads: number;
  unexpectedStatus: number;
  errors: number;
  checkedReads: number;
  staleReads: number;
}

export const chatLoadScenario: BenchScenario = {
  id: 15,
  title: 'The whole app under a chat load: two instances, one SQLite file, one Redis',
  steps: (ctx) => 2 + (ctx.warmupRounds + ctx.rounds) * 3,
  async run(ctx: BenchContext): Promise<ScenarioReport> {
    const scenarioStarted = Date.now();
    const dir = mkdtempSync(path.join(tmpdir(), 'chat-cache-bench-15-'));
    const redis = await RedisServer.start();
    const started: ChatLoadServer[] = [];
    const clients: KeepAliveClient[] = [];
    const startPair = async (cache: 'on' | 'off', file: string): Promise<ChatLoadServer[]> => {
      const env: ChatLoadServerEnv = {
        BENCH_CHAT_DATABASE_PATH: path.join(dir, file),
        BENCH_CHAT_CACHE: cache,
        BENCH_CHAT_REDIS_URL: redis.url,
        BENCH_CHAT_ADMIN_TOKEN: ADMIN_TOKEN,
      };
      const start = async () => {
        const server = await forkBenchServer<ChatLoadReady, ChatLoadServerStats>(SERVER, env);
        started.push(server);
        return server;
      };
      // One first, so that the schema is made once; then the others on the same file.
      const first = await start();
      return [first, ...(await Promise.all(Array.from({ length: INSTANCES - 1 }, start)))];
    };
    const clientOf = (servers: ChatLoadServer[]) => {
      const client = new KeepAliveClient(
        servers.map((s) => s.ready.base),
        SLOTS,
      );
      clients.push(client);
      return client;
    };
    try {
      ctx.status('15. starting Redis and the cache-off instances; seeding through the API');
      const offServers = await startPair('off', 'off.db');
      const offClient = clientOf(offServers);
      const seedStarted = Date.now();
      const users = await seedChatUsers(offClient, SEED);
      const seedS = (Date.now() - seedStarted) / 1000;
      const startS = (seedStarted - scenarioStarted) / 1000;
      await copyDatabase(path.join(dir, 'off.db'), path.join(dir, 'ours.db'));
      ctx.tick();
      ctx.status('15. starting our instances (hybrid)');
      const ourServers = await startPair('on', 'ours.db');
      ctx.tick();
      // The cache-off variants share their file, and so what their clients know of it.
      const offUsers = copyUsers(users);
      const ownPrefix: ReadPrefix = () => '';
      const peerPrefix: ReadPrefix = (user) => '/' + PER_USER_PREFIX.replace(':userId', user.id);
      const variants: Variant[] = [
        {
          name: OURS,
          servers: ourServers,
          client: clientOf(ourServers),
          readPrefix: ownPrefix,
          users: copyUsers(users),
          hitsFrom: 'x-cache',
        },
        { name: UNCACHED, servers: offServers, client: offClient, readPrefix: ownPrefix, users: offUsers, hitsFrom: 'none' },
        {
          name: CACHE_MANAGER,
          servers: offServers,
          client: offClient,
          readPrefix: peerPrefix,
          users: offUsers,
          hitsFrom: 'peer-handler-runs',
        },
      ].map((v) => ({ ...v, load: new ChatLoad(v.users, v.readPrefix, 1) }) as Variant);
      const compared = await checkSameAnswers(
        variants.map((v) => ({ name: v.name, client: v.client, prefix: v.readPrefix })),
        users.slice(0, SAME_ANSWER_USERS),
      );
      const samples = () => new Map<string, number[]>(variants.map((v) => [v.name, []]));
      const throughput = samples();
      const p50 = samples();
      const p99 = samples();
      const cpu = samples();
      const hits = new Map<string, number[]>(variants.filter((v) => v.hitsFrom !== 'none').map((v) => [v.name, []]));
      const ourCacheHitRatio: number[] = [];
      const ourRedis = { calls: 0, requests: 0, timeouts: 0, rejections: 0 };
      /** Redis commands of ours' measured legs, by command (INFO commandstats of the scenario's server). */
      const ourCommands: CommandCounts = new Map();
      const totals = new Map<string, Totals>(
        variants.map((v) => [v.name, { requests: 0, reads: 0, unexpectedStatus: 0, errors: 0, checkedReads: 0, staleReads: 0 }]),
      );
      for (let round = 0; round < ctx.warmupRounds + ctx.rounds; round++) {
        const measured = round >= ctx.warmupRounds;
        // A rotating order, as in scenario 7: a machine whose load drifts weighs on every variant alike.
        const order = variants.map((_, i) => variants[(i + round) % variants.length]);
        for (const variant of order) {
          ctx.status(`15. ${measured ? `round ${round - ctx.warmupRounds + 1}/${ctx.rounds}` : 'warm-up'}: ${variant.name}`);
          const before = await Promise.all(variant.servers.map((s) => s.stats()));
          const cacheBefore = variant === variants[0] ? await cacheCounters(variant.servers) : undefined;
          const commandsBefore = cacheBefore ? await commandCounts(redis.url) : undefined;
          const leg = await variant.load.leg(variant.client, LEG_S, SLOTS);
          const after = await Promise.all(variant.servers.map((s) => s.stats()));
          const cacheAfter = cacheBefore ? await cacheCounters(variant.servers) : undefined;
          const commandsAfter = commandsBefore ? await commandCounts(redis.url) : undefined;
          ctx.tick();
          if (!measured) continue;
          const delta = (pick: (s: ChatLoadServerStats) => number) => after.reduce((sum, s, i) => sum + pick(s) - pick(before[i]), 0);
          throughput.get(variant.name)!.push(leg.requests / leg.durationS);
          const sorted = Float64Array.from(leg.latenciesUs).sort();
          p50.get(variant.name)!.push(percentile(sorted, 0.5) / 1000);
          p99.get(variant.name)!.push(percentile(sorted, 0.99) / 1000);
          cpu.get(variant.name)!.push(delta((s) => s.cpuMicros) / Math.max(1, leg.requests));
          if (variant.hitsFrom === 'x-cache') hits.get(variant.name)!.push((100 * leg.httpHits) / Math.max(1, leg.reads));
          if (variant.hitsFrom === 'peer-handler-runs')
            hits.get(variant.name)!.push((100 * (leg.reads - delta((s) => s.peerHandlerRuns))) / Math.max(1, leg.reads));
          if (cacheBefore && cacheAfter) {
            const served = cacheAfter.hits - cacheBefore.hits;
            ourCacheHitRatio.push((100 * served) / Math.max(1, served + cacheAfter.misses - cacheBefore.misses));
            ourRedis.calls += cacheAfter.redisCalls - cacheBefore.redisCalls;
            ourRedis.requests += leg.requests;
            ourRedis.timeouts += cacheAfter.redisTimeouts - cacheBefore.redisTimeouts;
            ourRedis.rejections += cacheAfter.redisRejections - cacheBefore.redisRejections;
            if (commandsBefore && commandsAfter) addCommandDelta(ourCommands, commandsBefore, commandsAfter);
          }
          add(totals.get(variant.name)!, leg);
        }
      }

      const rows: ResultRow[] = [
        ...rowsOf(15, THROUGHPUT_CASE, 'req/s', 'higher', throughput, OURS),
        ...rowsOf(15, P50_CASE, 'ms', 'lower', p50, OURS),
        ...rowsOf(15, P99_CASE, 'ms', 'lower', p99, OURS),
        ...rowsOf(15, CPU_CASE, 'µs', 'lower', cpu, OURS),
        ...rowsOf(15, HIT_CASE, 'hit %', 'higher', hits, OURS),
      ];
      const vsUncached = ratioIn(rows, THROUGHPUT_CASE, UNCACHED);
      const p99VsUncached = median(p99.get(OURS)!) / median(p99.get(UNCACHED)!);
      const ourTotals = totals.get(OURS)!;
      const goals: GoalResult[] = [
        { scenario: 15, goal: ">= 3x the uncached app's throughput (req/s, chat mix)", value: vsUncached, unit: 'x', met: vsUncached >= 3 },
        {
          scenario: 15,
          goal: "p99 latency at most half the uncached app's (ours / uncached)",
          value: p99VsUncached,
          unit: 'x',
          met: p99VsUncached <= 0.5,
        },
        {
          scenario: 15,
          goal: 'report: ours vs @nestjs/cache-manager CacheInterceptor (req/s)',
          value: ratioIn(rows, THROUGHPUT_CASE, CACHE_MANAGER),
          unit: 'x',
          met: true,
        },
        {
          scenario: 15,
          goal: "ours: every read right after a user's write shows it (stale reads of those checked)",
          value: ourTotals.staleReads,
          unit: ` of ${ourTotals.checkedReads}`,
          met: ourTotals.staleReads === 0 && ourTotals.checkedReads > 0,
        },
      ];
      const mix = chatMix()
        .map(([op, share]) => `${op} ${Math.round(share * 1000) / 10}%`)
        .join(', ');
      const notes = [
        `Two instances per variant (forked: the app as \`createApp\` builds it, \`bench/scenarios/chat-load/\`) on one SQLite file (WAL), ` +
          `${SEED.users} users with ${SEED.sessionsPerUser} sessions of ${SEED.messagesPerSession} messages each, seeded through the API before the measurement ` +
          `(${seedS.toFixed(1)} s, after ${startS.toFixed(1)} s to start Redis and two instances); the cache-off instances' file is SQLite's backup of ours, so every variant starts from the same rows and ids. ` +
          `A keep-alive client in the bench process keeps ${SLOTS} requests in flight, one per user at a time, each sending its requests to the instances in turn (round robin); ` +
          `each user's mix: ${mix} (list: GET /sessions, page: GET /sessions/:id/messages?limit=${PAGE_LIMIT}, session: GET /sessions/:id, search: GET /search?q=<one of 8 words>, ` +
          'message: POST /sessions/:id/messages, rename: PATCH /sessions/:id). ' +
          `Before the load, every variant answered the same bytes to the same ${compared} reads (${SAME_ANSWER_USERS} users, 4 routes, each instance). ` +
          `Each round runs every variant for ${LEG_S} s, in a rotating order; p50 and p99 are of every request of a leg, the medians over the rounds.`,
        `Ours: CACHE_DRIVER hybrid on one redis-server the scenario starts; "${HIT_CASE}" is its share of reads answered \`X-Cache: HIT\`; ` +
          `CacheService's own hit ratio over both instances (every read of the HTTP cache and of @Cacheable, from GET /cache/stats with ADMIN_TOKEN): ` +
          `${median(ourCacheHitRatio).toFixed(1)}% (median of the rounds); Redis entry reads and writes: ${(ourRedis.calls / Math.max(1, ourRedis.requests)).toFixed(2)} a request; ` +
          `in the measured legs ${ourRedis.timeouts} Redis calls timed out (REDIS_COMMAND_TIMEOUT_MS, 250 ms) and ${ourRedis.rejections} were skipped by an open circuit. ` +
          `Redis commands a request (INFO commandstats, the measured legs): ${perRequest(ourCommands, ourRedis.requests)}.`,
        'Cache off: the same app, whose CacheService runs every loader and keeps nothing (the bench server patches its read-through methods, ' +
          "`chat-load/cache-off.ts`): the HTTP cache's handler runs on every read, and so do SessionService's loaders, on SQLite.",
        `@nestjs/cache-manager: its CacheInterceptor on the chat's four read routes, mounted by a bench-only module in the cache-off instances ` +
          `under \`/${PER_USER_PREFIX}\` (a guard refuses another user's prefix before the interceptor can answer), \`CacheModule.register({ ttl: ${CACHE_MANAGER_TTL_MS} })\`: ` +
          `each instance its own in-memory store, no invalidation, so its reads may be up to ${CACHE_MANAGER_TTL_MS / 1000} s stale; writes go to the chat's own routes. ` +
          'Its hit share is the reads its handlers did not run for.',
        ...variants.map((v) => `- ${checkLine(v.name, totals.get(v.name)!)}`),
      ];
      return { id: 15, title: this.title, rows, goals, notes };
    } finally {
      for (const client of clients) client.close();
      await Promise.all(started.map((s) => s.stop()));
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** A consistent copy of a live SQLite file (the cache-off instances are writing nothing now, but WAL frames may not be checkpointed). */
async function copyDatabase(from: string, to: string): Promise<void> {
  const db = new Database(from, { readonly: true, fileMustExist: true });
  try {
    await db.backup(to);
  } finally {
    db.close();
  }
}

interface CacheCounters {
  hits: number;
  misses: number;
  /** Reads and writes of Redis entries (a tagged one is two round trips). */
  redisCalls: number;
  /** Redis calls past REDIS_COMMAND_TIMEOUT_MS, and calls skipped while the circuit was open. */
  redisTimeouts: number;
  redisRejections: number;
}

interface CacheStatsAnswer {
  hits: number;
  misses: number;
  redis: { hits: number; misses: number; sets: number; timeouts: number; rejections: number } | null;
}

/** Each command's calls a request, the most frequent first (the scenario's own INFO calls left out). */
function perRequest(commands: CommandCounts, requests: number): string {
  const rows = [...commands].filter(([command]) => command !== 'info' && command !== 'client|setname' && command !== 'client|setinfo');
  const total = rows.reduce((sum, [, calls]) => sum + calls, 0);
  const each = rows
    .sort((a, b) => b[1] - a[1])
    .map(([command, calls]) => `${command} ${(calls / Math.max(1, requests)).toFixed(2)}`)
    .join(', ');
  return `${(total / Math.max(1, requests)).toFixed(2)} in all (${each})`;
}

/** CacheService's counters, summed over the instances (GET /cache/stats, admin token). */
async function cacheCounters(servers: ChatLoadServer[]): Promise<CacheCounters> {
  const all = await Promise.all(
    servers.map(async (server) => {
      const response = await fetch(`${server.ready.base}/cache/stats`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      if (response.status !== 200) throw new Error(`GET /cache/stats answered ${response.status}`);
      return (await response.json()) as CacheStatsAnswer;
    }),
  );
  const sum = (pick: (s: CacheStatsAnswer) => number) => all.reduce((total, s) => total + pick(s), 0);
  return {
    hits: sum((s) => s.hits),
    misses: sum((s) => s.misses),
    redisCalls: sum((s) => (s.redis ? s.redis.hits + s.redis.misses + s.redis.sets : 0)),
    redisTimeouts: sum((s) => s.redis?.timeouts ?? 0),
    redisRejections: sum((s) => s.redis?.rejections ?? 0),
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function add(totals: Totals, leg: LegResult): void {
  totals.requests += leg.requests;
  totals.reads += leg.reads;
  totals.unexpectedStatus += leg.unexpectedStatus;
  totals.errors += leg.errors;
  totals.checkedReads += leg.checkedReads;
  totals.staleReads += leg.staleReads;
}

function checkLine(name: string, totals: Totals): string {
  return (
    `${name}: ${totals.requests} responses measured (${totals.reads} reads), ${totals.unexpectedStatus} with another status than the route's, ` +
    `${totals.errors} failed; reads right after the user's write that showed that session: ${totals.checkedReads}, ` +
    `of which did not show the write: ${totals.staleReads}`
  );
}
