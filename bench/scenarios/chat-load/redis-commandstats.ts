import Redis from 'ioredis';

/** Calls per Redis command, from INFO commandstats (read-only: never FLUSHDB, FLUSHALL or KEYS). */
export type CommandCounts = Map<string, number>;

export async function commandCounts(url: string): Promise<CommandCounts> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const info = await client.info('commandstats');
    const counts: CommandCounts = new Map();
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) counts.set(match[1], Number(match[2]));
    return counts;
  } finally {
    client.disconnect();
  }
}

/** Adds after - before into `into`, per command. */
export function addCommandDelta(into: CommandCounts, before: CommandCounts, after: CommandCounts): void {
  for (const [command, calls] of after) {
    const delta = calls - (before.get(command) ?? 0);
    if (delta > 0) into.set(command, (into.get(command) ?? 0) + delta);
  }
}
