/**
 * Throughput of synchronous in-process batches, for the memory-tier scenarios, measured so that a
 * shared 2-core machine tilts the ratios as little as possible:
 * - by the process's CPU time (user + system, `process.cpuUsage()`), which leaves out the time the
 *   process waits for a core while other work runs; it includes V8's helper threads (concurrent
 *   marking, parallel scavenges), so the garbage a contender makes is paid for by that contender;
 * - in slices: each round runs the contenders' batches slice by slice, taking turns (A1 B1 C1 A2
 *   B2 C2 ..., the order rotating per slice), so that a burst of load from other processes lands on
 *   every contender's slices alike instead of on one contender's whole batch.
 * On an idle machine this agrees with `measureThroughput` (harness/measure.ts); with others'
 * benchmarks running, wall-clock rounds of one batch varied several-fold within a run.
 */
import type { BenchContext } from '../../harness/types';

/** A contender whose batch is cut in slices: `slice(i)` runs part i and answers its operations. */
export interface SlicedContender {
  name: string;
  ours?: boolean;
  slice(index: number): number;
}

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * Warm-up then measured rounds, as `measureThroughput`; a round's figure for a contender is its
 * operations over its CPU time summed across its slices. Answers operations per CPU-second of
 * every measured round, by contender.
 */
export async function measureSlicedCpuThroughput(
  ctx: BenchContext,
  contenders: readonly SlicedContender[],
  slices: number,
): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const total = ctx.warmupRounds + ctx.rounds;
  const ops = new Float64Array(contenders.length);
  const seconds = new Float64Array(contenders.length);
  for (let round = 0; round < total; round++) {
    ops.fill(0);
    seconds.fill(0);
    for (let s = 0; s < slices; s++) {
      for (let i = 0; i < contenders.length; i++) {
        const at = (i + s + round) % contenders.length;
        const started = cpuSeconds();
        ops[at] += contenders[at].slice(s);
        seconds[at] += cpuSeconds() - started;
      }
    }
    if (round >= ctx.warmupRounds) contenders.forEach((c, i) => samples.get(c.name)!.push(ops[i] / seconds[i]));
    ctx.tick();
  }
  return samples;
}

/** Slice `i` of `count` of a sequence of `length`, as [from, to). */
export function sliceOf(length: number, count: number, i: number): [number, number] {
  const size = Math.ceil(length / count);
  return [Math.min(length, i * size), Math.min(length, (i + 1) * size)];
}
