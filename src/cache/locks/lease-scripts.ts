/**
 * The lease's compare-and-act scripts: a holder may only touch the lease while it still holds its
 * token, so a holder whose lease expired and was taken over cannot delete or extend the new one.
 * Each touches one key (KEYS[1]), so they run on any node of a cluster.
 */

/** ARGV[1] token, ARGV[2] channel ('' for none). Deletes only our own lease; tells waiters either way. */
export const RELEASE_SCRIPT = `
local released = 0
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  released = 1
end
if ARGV[2] ~= '' then redis.call('PUBLISH', ARGV[2], KEYS[1]) end
return released`;

/** ARGV[1] token, ARGV[2] lease ms. Extends only our own lease; 0 means it is no longer ours. */
export const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;
