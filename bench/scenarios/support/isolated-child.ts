/** The child side of `runIsolated` (see isolated.ts): `node -r ts-node/register/transpile-only isolated-child.ts <module> <case> <json>`. */
import type { BenchContext } from '../../harness/types';
import type { IsolatedCase } from './isolated';

async function main(): Promise<void> {
  const [modulePath, caseName, payload] = process.argv.slice(2);
  const { warmupRounds, rounds, arg } = JSON.parse(payload) as { warmupRounds: number; rounds: number; arg: unknown };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cases = (require(modulePath) as { isolatedCases?: Record<string, IsolatedCase> }).isolatedCases;
  const run = cases?.[caseName];
  if (!run) throw new Error(`${modulePath} exports no isolated case "${caseName}"`);
  const ctx: BenchContext = {
    warmupRounds,
    rounds,
    tick: (steps = 1) => void process.stdout.write(`tick ${steps}\n`),
    status: () => undefined,
  };
  const result = await run(ctx, arg);
  process.stdout.write(`result ${JSON.stringify(result)}\n`, () => process.exit(0));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
