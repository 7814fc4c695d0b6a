import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
import type { RedisClient } from './redis-client.factory';

/**
 * The raw values of `fullKeys`, in order (null for absent ones, or ones that hold no string), in one
 * round trip: one MGET on a single node; on a cluster, where a multi-key command must stay within
 * one hash slot, one MGET per slot, all sent at once.
 */
export async function multiGet(client: RedisClient, fullKeys: readonly string[]): Promise<(string | null)[]> {
  if (fullKeys.length === 0) return [];
  if (!(client instanceof Cluster)) return client.mget(...fullKeys);
  const indexesBySlot = new Map<number, number[]>();
  fullKeys.forEach((key, index) => {
    const slot = calculateSlot(key);
    const indexes = indexesBySlot.get(slot);
    if (indexes) indexes.push(index);
    else indexesBySlot.set(slot, [index]);
  });
  const values = new Array<string | null>(fullKeys.length);
  await Promise.all(
    [...indexesBySlot.values()].map(async (indexes) => {
      const answers = await client.mget(...indexes.map((index) => fullKeys[index]));
      indexes.forEach((index, i) => (values[index] = answers[i]));
    }),
  );
  return values;
}
