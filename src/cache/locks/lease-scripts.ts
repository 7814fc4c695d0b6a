import { createHash } from 'node:crypto';

/**
 * The lease's compare-and-act scripts: a holder may only touch the lease while it still holds its
 * token, so a holder whose lease expired and was taken over cannot delete or extend the new one.
 * KEYS are the lease and its waiters flag, which share a hash tag: one slot, so they run on a cluster.
 */
export interface LeaseScript {
  readonly lua: string;
  /** Sent with EVALSHA; the script text goes only when Redis does not know it (NOSCRIPT). */
  readonly sha: string;
}

function script(lua: string): LeaseScript {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/**
 * KEYS[1] lease, KEYS[2] waiters flag; ARGV[1] token, ARGV[2] channel ('' for none). Deletes only our
 * own lease; publishes the release when a waiter flagged itself (even when the lease was no longer
 * ours: the waiter then looks again and finds the new holder).
 */
export const RELEASE_SCRIPT = script(`
local released = 0
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  released = 1
end
if ARGV[2] ~= '' and redis.call('DEL', KEYS[2]) == 1 then redis.call('PUBLISH', ARGV[2], KEYS[1]) end
return released`);

/** KEYS[1] lease; ARGV[1] token, ARGV[2] lease ms. Extends only our own lease; 0 means it is no longer ours. */
export const RENEW_SCRIPT = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`);

/** KEYS[1] lease, KEYS[2] waiters flag; ARGV[1] flag ms. Is the lease held? If so, flag that someone waits. */
export const LOOK_SCRIPT = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
  return 1
end
return 0`);
