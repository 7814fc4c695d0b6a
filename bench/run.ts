/**
 * `npm run bench`: every scenario of bench/scenarios, ours against its peers, in one run.
 * Writes bench/results/latest.json and BENCHMARKS.md. Asserts nothing.
 *
 *   npm run bench                  all scenarios
 *   npm run bench -- --only 1,4    some of them
 *   npm run bench -- --rounds 9    more measured rounds (default 7, warm-up 2)
 */
import { execFileSync } from 'node:child_process';
import { SingleBar } from 'cli-progress';
import { describeMachine } from './harness/machine';
import { writeReports } from './harness/report';
import type { BenchContext, ScenarioReport } from './harness/types';
import { scenarios } from './scenarios';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

function redisServerVersion(): string | undefined {
  try {
    return /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1];
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const only = option('only')?.split(',').map(Number);
  const selected = scenarios.filter((s) => !only || only.includes(s.id));
  const rounds = Number(option('rounds') ?? 7);
  const warmupRounds = Number(option('warmup') ?? 2);
  const bar = new SingleBar({
    format: 'bench [{bar}] {percentage}% | {value}/{total} | {status}',
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 10_000,
  });
  const ctx: BenchContext = {
    warmupRounds,
    rounds,
    tick: (steps = 1) => bar.increment(steps),
    status: (text) => bar.update({ status: text }),
  };
  bar.start(
    selected.reduce((sum, s) => sum + s.steps(ctx), 0),
    0,
    { status: 'starting' },
  );
  const started = Date.now();
  const reports: ScenarioReport[] = [];
  for (const scenario of selected) {
    ctx.status(`${scenario.id}. ${scenario.title}`);
    reports.push(await scenario.run(ctx));
  }
  bar.stop();
  const files = writeReports({
    generatedAt: new Date().toISOString(),
    durationS: (Date.now() - started) / 1000,
    warmupRounds,
    rounds,
    machine: describeMachine(redisServerVersion()),
    scenarios: reports,
  });
  for (const report of reports) {
    for (const goal of report.goals)
      console.log(`${goal.met ? 'met   ' : 'MISSED'} #${goal.scenario} ${goal.goal}: ${goal.value.toFixed(2)}${goal.unit}`);
  }
  console.log(`wrote ${files.json} and ${files.markdown} in ${Math.round((Date.now() - started) / 1000)} s`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
