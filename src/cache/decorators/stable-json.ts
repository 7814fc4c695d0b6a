import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so that two equal values written in a different
 * key order give the same text (and the same cache key). Maps and Sets are written as sorted
 * entry lists and bigints tagged, since plain JSON would write every Map as `{}` (two different
 * Maps would share a key) and throw on a bigint.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, sortedReplacer) ?? '';
}

/** A short, stable digest of a value: sha256 of its stable JSON, base64url, first 22 characters (132 bits). */
export function stableHash(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('base64url').slice(0, STABLE_HASH_LENGTH);
}

export const STABLE_HASH_LENGTH = 22;

function sortedReplacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  if (value instanceof Map) return { $map: sortByJson([...value.entries()]) };
  if (value instanceof Set) return { $set: sortByJson([...value.values()]) };
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}

function sortByJson(items: unknown[]): unknown[] {
  return items
    .map((item) => [stableJson(item), item] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, item]) => item);
}
