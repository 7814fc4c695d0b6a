import type { LocalTier } from '../tiers/local-tier';
import type { CacheCounters } from './cache-counters';

/**
 * The values of many keys, in order: each from L1 when it is there (a hit), the others from `rest`,
 * called once with them (and not at all when L1 had every key).
 */
export async function localFirst<T>(
  local: LocalTier,
  counters: CacheCounters,
  keys: readonly string[],
  rest: (missingKeys: string[]) => Promise<(T | undefined)[]>,
): Promise<(T | undefined)[]> {
  counters.gets += keys.length;
  const values = new Array<T | undefined>(keys.length);
  const missing: number[] = [];
  keys.forEach((key, i) => {
    const value = local.get<T>(key);
    if (value !== undefined) values[i] = counters.hitIn(key, 'memory', value);
    else missing.push(i);
  });
  if (missing.length === 0) return values;
  const found = await rest(missing.map((i) => keys[i]));
  missing.forEach((at, i) => (values[at] = found[i]));
  return values;
}
