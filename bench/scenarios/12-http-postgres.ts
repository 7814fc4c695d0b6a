/**
 * Scenario 12: the whole app on PostgreSQL (loopback: one network hop, as a database on another
 * machine would be, minus the wire): `GET /sessions/:id/messages` served by our HTTP cache (HIT),
 * by the service's `@Cacheable` loaders (L1 hits), and from PostgreSQL on every request. What the
 * cache saves when the source of truth is across a network hop. Same server and load as scenario 7.
 */
import type { BenchContext, BenchScenario, GoalResult, ResultRow, ScenarioReport } from '../harness/types';
import { ratioIn, rowsOf } from '../harness/measure';
import { median } from '../harness/stats';
import { PostgresServer } from '../../test/support/postgres-server';
import { load } from './http/load';
import type { BenchRoutes } from './http/protocol';
import { startServer } from './http/server-process';

const ID = 12;
const CONNECTIONS = 10;
const LEG_S = Number(process.env.BENCH_HTTP_LEG_S ?? 1);

const OURS = 'ours: @HttpCache (HIT)';
const UNCACHED = 'no HTTP cache (service @Cacheable, L1 hits)';
const DATABASE = 'no cache at all (PostgreSQL every request)';

const CONTENDERS: { name: string; route: keyof BenchRoutes }[] = [
  { name: OURS, route: 'ours' },
  { name: UNCACHED, route: 'uncached' },
  { name: DATABASE, route: 'database' },
];

const THROUGHPUT_CASE = 'PostgreSQL: GET /sessions/:id/messages: requests/s';
const LATENCY_CASE = 'PostgreSQL: GET /sessions/:id/messages: p99 latency';
const CPU_CASE = 'PostgreSQL: GET /sessions/:id/messages: server CPU per request';

export const httpPostgresScenario: BenchScenario = {
  id: ID,
  title: 'HTTP on PostgreSQL: GET /sessions/:id/messages under autocannon, cached vs uncached',
  steps: (ctx) => 1 + (ctx.warmupRounds + ctx.rounds) * CONTENDERS.length,
  async run(ctx: BenchContext): Promise<ScenarioReport> {
    ctx.status('10. starting PostgreSQL and the HTTP server');
    const postgres = await PostgresServer.start();
    const throughput = new Map<string, number[]>(CONTENDERS.map((c) => [c.name, []]));
    const latency = new Map<string, number[]>(CONTENDERS.map((c) => [c.name, []]));
    const cpu = new Map<string, number[]>(CONTENDERS.map((c) => [c.name, []]));
    const failures = new Map<string, number>(CONTENDERS.map((c) => [c.name, 0]));
    try {
      const server = await startServer('express', await postgres.createDatabase('bench'));
      ctx.tick();
      const { base, token, routes } = server.ready;
      try {
        for (let round = 0; round < ctx.warmupRounds + ctx.rounds; round++) {
          const measured = round >= ctx.warmupRounds;
          // Rotating order, as in scenario 7: a drifting machine weighs on every route alike.
          const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length]);
          for (const contender of order) {
            ctx.status(`10. ${measured ? `round ${round - ctx.warmupRounds + 1}/${ctx.rounds}` : 'warm-up'}: ${contender.name}`);
            const before = await server.stats();
            const result = await load(base + routes[contender.route], token, { connections: CONNECTIONS, durationS: LEG_S });
            const after = await server.stats();
            ctx.tick();
            if (!measured) continue;
            throughput.get(contender.name)!.push(result.requests / result.durationS);
            latency.get(contender.name)!.push(result.p99Ms);
            cpu.get(contender.name)!.push((after.cpuMicros - before.cpuMicros) / Math.max(1, result.requests));
            failures.set(contender.name, failures.get(contender.name)! + result.non2xx + result.errors + result.timeouts);
          }
        }
      } finally {
        await server.stop();
      }
    } finally {
      await postgres.stop();
    }
    const rows: ResultRow[] = [
      ...rowsOf(ID, THROUGHPUT_CASE, 'req/s', 'higher', throughput, OURS),
      ...rowsOf(ID, LATENCY_CASE, 'ms', 'lower', latency, OURS),
      ...rowsOf(ID, CPU_CASE, 'µs', 'lower', cpu, OURS),
    ];
    const goals: GoalResult[] = [
      {
        scenario: ID,
        goal: 'report: ours (HIT) vs PostgreSQL every request (req/s)',
        value: ratioIn(rows, THROUGHPUT_CASE, DATABASE),
        unit: 'x',
        met: true,
      },
      {
        scenario: ID,
        goal: 'report: service @Cacheable (L1) vs PostgreSQL every request (req/s)',
        value: median(throughput.get(UNCACHED)!) / median(throughput.get(DATABASE)!),
        unit: 'x',
        met: true,
      },
    ];
    const notes = [
      'The app of scenario 7 (memory cache driver) on a PostgreSQL the bench starts on loopback (initdb in a temporary directory, fsync off), ' +
        `pool of 10; autocannon with ${CONNECTIONS} connections, ${LEG_S} s per route per round. The bearer guard asks PostgreSQL whether ` +
        'the user exists on every request, cached or not (a token must not outlive its user): a HIT still costs one primary-key lookup.',
      ...CONTENDERS.map((c) => `- ${c.name}: ${failures.get(c.name)} non-2xx or failed responses in the measured rounds`),
    ];
    return { id: ID, title: this.title, rows, goals, notes };
  },
};
