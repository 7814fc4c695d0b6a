import type { RedisClient } from './redis-client.factory';

/**
 * Deletes a value we could not decode, unless it changed since we read it: a value written
 * meanwhile (by us, say, right after the miss) is judged on its own next read. One script, so that
 * the check and the delete are atomic. Modes:
 * - `same`: still exactly the string we read;
 * - `not-string`: still not a string (another client's hash or list under our prefix);
 * - `any`: bytes that were not UTF-8 reached us altered, so they cannot be compared: delete.
 */
const SCRIPT = `
local kind = redis.call('TYPE', KEYS[1])['ok']
if kind == 'none' then return 0 end
local mode = ARGV[1]
if mode == 'not-string' and kind == 'string' then return 0 end
if mode == 'same' and (kind ~= 'string' or redis.call('GET', KEYS[1]) ~= ARGV[2]) then return 0 end
return redis.call('DEL', KEYS[1])
`;

/** `raw` is what GET answered, undefined when the key held another type; answers how many keys were deleted. */
export async function removeUndecodable(client: RedisClient, fullKey: string, raw: string | undefined): Promise<number> {
  const mode = raw === undefined ? 'not-string' : raw.includes('\ufffd') ? 'any' : 'same';
  const deleted = await client.eval(SCRIPT, 1, fullKey, mode, raw ?? '');
  return Number(deleted);
}
