import type { Contender } from './measure';
import type { BenchContext } from './types';

/** A contender whose every batch needs untimed preparation (e.g. emptying a cache tier). */
export interface PreparedContender extends Contender {
  /** Runs before each batch, outside the timed part. */
  prepare?(): void | Promise<void>;
}

/**
 * measureThroughput with an untimed `prepare` before every batch: warm-up then measured rounds,
 * every contender once per round in an order that rotates from round to round; answers operations
 * per second of every measured round, by contender. Ticks once per round.
 */
export async function measurePreparedThroughput(
  ctx: BenchContext,
  contenders: readonly PreparedContender[],
): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const total = ctx.warmupRounds + ctx.rounds;
  for (let round = 0; round < total; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const contender = contenders[(i + round) % contenders.length];
      await contender.prepare?.();
      const started = process.hrtime.bigint();
      let ops = contender.batch();
      if (typeof ops !== 'number') ops = await ops;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (round >= ctx.warmupRounds) samples.get(contender.name)!.push(ops / seconds);
    }
    ctx.tick();
  }
  return samples;
}
