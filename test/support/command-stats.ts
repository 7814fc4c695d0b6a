import type Redis from 'ioredis';

/**
 * How many times each command ran on a Redis node since the last `resetCommandStats`, from
 * `INFO commandstats`: what a test reads to count round trips (one MGET, not a GET per key).
 */
export async function commandCalls(node: Redis): Promise<Record<string, number>> {
  const info = await node.info('commandstats');
  const calls: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]] = Number(match[2]);
  return calls;
}

export async function resetCommandStats(node: Redis): Promise<void> {
  await node.config('RESETSTAT');
}
