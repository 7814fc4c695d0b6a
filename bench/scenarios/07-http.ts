/**
 * Scenario 7: HTTP. autocannon against `GET /sessions/:id/messages` served from our HttpCacheInterceptor
 * (a HIT), and against the same route under @nestjs/cache-manager's CacheInterceptor, without an HTTP
 * cache, without any cache, and a route answering the same bytes as a constant: one server process
 * (the real app plus bench routes, see http/server.ts), the same Express pipeline and bearer guard
 * on every route, routes interleaved round by round. A second server process runs the same app on
 * Fastify (HTTP_ADAPTER=fastify), for ours on Fastify beside the peer on Express. Then the HIT path of each interceptor alone,
 * in process (http/hit-path.ts), to show what the caching layer itself costs.
 */
import type { HttpAdapterName } from '../../src/config/app-config';
import type { BenchContext, BenchScenario, GoalResult, ResultRow, ScenarioReport } from '../harness/types';
import { measureThroughput, ratioIn, rowsOf } from '../harness/measure';
import { median } from '../harness/stats';
import { hitPathContenders } from './http/hit-path';
import { load, LoadResult } from './http/load';
import type { BenchRoutes, ServerStats } from './http/protocol';
import { ServerProcess, startServer } from './http/server-process';

const CONNECTIONS = 10;
/** Seconds of one leg: each route runs two legs a round. */
const LEG_S = Number(process.env.BENCH_HTTP_LEG_S ?? 1);

interface HttpContender {
  name: string;
  route: keyof BenchRoutes;
  /** The server process it is served by: the app on Express (all of them but one) or on Fastify. */
  adapter: HttpAdapterName;
  /** The X-Cache every response must carry. */
  xCache?: string;
}

const OURS = 'ours: @HttpCache (HIT)';
const OURS_ON_FASTIFY = 'ours on Fastify: @HttpCache (HIT)';
const CACHE_MANAGER = '@nestjs/cache-manager CacheInterceptor (HIT)';
const UNCACHED = 'no HTTP cache (service @Cacheable, L1 hits)';
const DATABASE = 'no cache at all (SQLite every request)';
const CONSTANT = 'constant route (same bytes, serialized by Nest)';

const CONTENDERS: HttpContender[] = [
  { name: OURS, route: 'ours', adapter: 'express', xCache: 'HIT' },
  { name: OURS_ON_FASTIFY, route: 'ours', adapter: 'fastify', xCache: 'HIT' },
  { name: CACHE_MANAGER, route: 'cacheManager', adapter: 'express', xCache: 'HIT' },
  { name: UNCACHED, route: 'uncached', adapter: 'express' },
  { name: DATABASE, route: 'database', adapter: 'express' },
  { name: CONSTANT, route: 'constant', adapter: 'express' },
];

const THROUGHPUT_CASE = 'GET /sessions/:id/messages: requests/s';
const LATENCY_CASE = 'GET /sessions/:id/messages: p99 latency';
const CPU_CASE = 'GET /sessions/:id/messages: server CPU per request';
const HIT_PATH_CASE = 'HIT path alone, in process (interceptor + JSON text)';

const HIT_PATH_NAMES = {
  ours: 'ours: HttpCacheInterceptor (stored JSON text)',
  cacheManager: '@nestjs/cache-manager CacheInterceptor + JSON.stringify',
  constant: 'JSON.stringify of the page alone',
};

interface Leg {
  result: LoadResult;
  cpuMicros: number;
  handlerRuns: number;
}

interface Totals {
  requests: number;
  non2xx: number;
  errors: number;
  wrongXCache: number;
  xCache: Record<string, number>;
}

export const httpScenario: BenchScenario = {
  id: 7,
  title: 'HTTP: GET /sessions/:id/messages under autocannon',
  steps: (ctx) => 1 + (ctx.warmupRounds + ctx.rounds) * (CONTENDERS.length + 1),
  async run(ctx: BenchContext): Promise<ScenarioReport> {
    ctx.status('7. starting the HTTP servers (Express, Fastify)');
    const servers: Record<HttpAdapterName, ServerProcess> = {
      express: await startServer('express'),
      fastify: await startServer('fastify'),
    };
    const server = servers.express;
    ctx.tick();
    const samples = (): Map<string, number[]> => new Map(CONTENDERS.map((c) => [c.name, []]));
    const throughput = samples();
    const latency = samples();
    const cpu = samples();
    const totals = new Map<string, Totals>(
      CONTENDERS.map((c) => [c.name, { requests: 0, non2xx: 0, errors: 0, wrongXCache: 0, xCache: {} }]),
    );
    // Handler runs during the measured loads of each contender (0 for a cache that hits every time).
    const handlerRuns = new Map<string, number>(CONTENDERS.map((c) => [c.name, 0]));
    try {
      const total = ctx.warmupRounds + ctx.rounds;
      for (let round = 0; round < total; round++) {
        const measured = round >= ctx.warmupRounds;
        // Each route runs twice a round, in a rotating order and then in the reverse order, so that
        // a load that drifts during the round (this machine is shared) weighs on every route alike.
        const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length]);
        const legs = new Map<string, Leg[]>(CONTENDERS.map((c) => [c.name, []]));
        for (const [at, contender] of [...order, ...[...order].reverse()].entries()) {
          ctx.status(`7. ${measured ? `round ${round - ctx.warmupRounds + 1}/${ctx.rounds}` : 'warm-up'}: ${contender.name}`);
          const serving = servers[contender.adapter];
          const { base, token, routes } = serving.ready;
          const before = await serving.stats();
          const result = await load(base + routes[contender.route], token, { connections: CONNECTIONS, durationS: LEG_S });
          const after = await serving.stats();
          legs
            .get(contender.name)!
            .push({ result, cpuMicros: after.cpuMicros - before.cpuMicros, handlerRuns: handlerRunsOf(contender.route, before, after) });
          if (at % 2 === 1) ctx.tick();
        }
        if (!measured) continue;
        for (const contender of CONTENDERS) {
          const [first, second] = legs.get(contender.name)!;
          const requests = first.result.requests + second.result.requests;
          throughput.get(contender.name)!.push(requests / (first.result.durationS + second.result.durationS));
          latency.get(contender.name)!.push(Math.max(first.result.p99Ms, second.result.p99Ms));
          cpu.get(contender.name)!.push((first.cpuMicros + second.cpuMicros) / Math.max(1, requests));
          for (const leg of [first, second]) record(totals.get(contender.name)!, leg.result, contender.xCache);
          handlerRuns.set(contender.name, handlerRuns.get(contender.name)! + first.handlerRuns + second.handlerRuns);
        }
      }
    } finally {
      await Promise.all([servers.express.stop(), servers.fastify.stop()]);
    }

    ctx.status('7. the HIT path alone, in process');
    const hitPath = await hitPathContenders(JSON.parse(server.ready.page), HIT_PATH_NAMES);
    let hitPathSamples: Map<string, number[]>;
    try {
      hitPathSamples = await measureThroughput(ctx, hitPath.contenders);
    } finally {
      await hitPath.close();
    }

    const rows: ResultRow[] = [
      ...rowsOf(7, THROUGHPUT_CASE, 'req/s', 'higher', throughput, OURS),
      ...rowsOf(7, LATENCY_CASE, 'ms', 'lower', latency, OURS),
      ...rowsOf(7, CPU_CASE, 'µs', 'lower', cpu, OURS),
      ...rowsOf(7, HIT_PATH_CASE, 'ops/s', 'higher', hitPathSamples, HIT_PATH_NAMES.ours),
    ];
    const vsCacheManager = ratioIn(rows, THROUGHPUT_CASE, CACHE_MANAGER);
    // Medians of the throughput rows: ours on Express stays the reference of every ratio column.
    const onFastifyVsCacheManager = median(throughput.get(OURS_ON_FASTIFY)!) / median(throughput.get(CACHE_MANAGER)!);
    const onFastifyVsExpress = median(throughput.get(OURS_ON_FASTIFY)!) / median(throughput.get(OURS)!);
    const vsConstant = ratioIn(rows, THROUGHPUT_CASE, CONSTANT);
    const vsUncached = ratioIn(rows, THROUGHPUT_CASE, UNCACHED);
    const goals: GoalResult[] = [
      {
        scenario: 7,
        goal: '>= 1.1x @nestjs/cache-manager CacheInterceptor (req/s, both HIT)',
        value: vsCacheManager,
        unit: 'x',
        met: vsCacheManager >= 1.1,
      },
      {
        scenario: 7,
        goal: 'ours on Fastify >= 1.5x @nestjs/cache-manager CacheInterceptor on Express (req/s, both HIT)',
        value: onFastifyVsCacheManager,
        unit: 'x',
        met: onFastifyVsCacheManager >= 1.5,
      },
      { scenario: 7, goal: 'report: ours on Fastify vs ours on Express (req/s)', value: onFastifyVsExpress, unit: 'x', met: true },
      { scenario: 7, goal: '>= 0.85x the constant route (req/s)', value: vsConstant, unit: 'x', met: vsConstant >= 0.85 },
      { scenario: 7, goal: 'report: ours vs the same route without HTTP cache (req/s)', value: vsUncached, unit: 'x', met: true },
    ];

    const pageBytes = Buffer.byteLength(server.ready.page);
    const notes = [
      'Two server processes, forked: the app as `createApp` builds it (memory cache driver, in-memory SQLite) plus bench-only routes, ' +
        `one on Express (every route but "${OURS_ON_FASTIFY}") and one on Fastify (HTTP_ADAPTER=fastify, the same route as ours); ` +
        '(`bench/scenarios/http/`), loaded by autocannon from the bench process with ' +
        `${CONNECTIONS} connections, no pipelining; each round runs every route for ${LEG_S} s in a rotating order, then again in the reverse order (${2 * LEG_S} s per route per round). ` +
        `Every route has the same middleware and bearer guard (a JWT verify and a user lookup per request) and answers the same ${pageBytes}-byte page of 20 chat messages. ` +
        'p99 latency is the worse of a round\'s two legs; "server CPU per request" is the server process\'s CPU time over the requests it answered in the round.',
      `The peer's CacheInterceptor reads \`CacheModule.register()\`'s default store (${server.ready.peerStore}), imported in the bench module only; ` +
        'it keys by URL alone (one entry shared by every user: unfit for per-user data) and stores the object, which Nest serializes again on every hit. ' +
        '"No HTTP cache" runs the controller, the pipes and SessionService, whose `@Cacheable` loaders answer from L1; "no cache at all" reads SQLite on every request.',
      `"${HIT_PATH_CASE}" times each interceptor's HIT in this process, without HTTP: what the caching layer itself costs per request.`,
      `Ours over each peer round by round (req/s of the same round; the spread shows how noisy the machine was): ${CONTENDERS.slice(1)
        .map((c) => pairedRatios(throughput.get(OURS)!, throughput.get(c.name)!, c.name))
        .join('; ')}.`,
      `Ours on Fastify over @nestjs/cache-manager on Express, round by round: ${pairedRatios(throughput.get(OURS_ON_FASTIFY)!, throughput.get(CACHE_MANAGER)!, CACHE_MANAGER)}.`,
      ...CONTENDERS.map((c) => `- ${checkLine(c, totals.get(c.name)!, handlerRuns.get(c.name)!)}`),
    ];
    return { id: 7, title: 'HTTP: GET /sessions/:id/messages under autocannon', rows, goals, notes };
  },
};

/** "<peer> median 1.02x (0.91 to 1.10)" over the per-round ratios ours/peer. */
function pairedRatios(ours: readonly number[], peer: readonly number[], name: string): string {
  const ratios = ours.map((value, round) => value / peer[round]);
  if (ratios.length === 0) return `${name}: no rounds`;
  return `${name} ${median(ratios).toFixed(2)}x (${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)})`;
}

function record(totals: Totals, result: LoadResult, xCache: string | undefined): void {
  totals.requests += result.requests;
  totals.non2xx += result.non2xx;
  totals.errors += result.errors + result.timeouts;
  for (const [value, count] of Object.entries(result.xCache)) {
    totals.xCache[value] = (totals.xCache[value] ?? 0) + count;
    if (xCache !== undefined && value !== xCache) totals.wrongXCache += count;
  }
}

function checkLine(contender: HttpContender, totals: Totals, handlerRuns: number): string {
  const xCache = Object.entries(totals.xCache)
    .map(([value, count]) => `${value === '-' ? 'none' : value} ${count}`)
    .join(', ');
  return (
    `${contender.name}: ${totals.requests} responses measured, ${totals.non2xx} non-2xx, ${totals.errors} errors` +
    (contender.xCache ? `, ${totals.wrongXCache} without \`X-Cache: ${contender.xCache}\`` : '') +
    ` (X-Cache: ${xCache}); handler runs: ${handlerRuns}`
  );
}

/** The chat's own route runs its handler through CacheService's factory; the bench routes count theirs. */
function handlerRunsOf(route: keyof BenchRoutes, before: ServerStats, after: ServerStats): number {
  if (route === 'ours') return after.cache.factoryCalls - before.cache.factoryCalls;
  return after.handlerCalls[route] - before.handlerCalls[route];
}
