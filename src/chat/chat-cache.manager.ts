import { createHash } from 'node:crypto';
import { SearchQuery } from './chat.types';

/**
 * The one place that knows the chat's cache keys and tags. Ids in keys are UUIDs (checked at the
 * HTTP edge); search filters, which are free text, are hashed, so no user input can collide with
 * or reach another key.
 *
 * Every entry carries two tags:
 * - a view tag, as narrow as the writes that make it stale, which the invalidation listener uses
 *   (a rename drops the session's details and the user's lists, not its pages of messages):
 *   `session:<id>:details`, `session:<id>:messages`, `user:<id>:sessions`, `user:<id>:search`,
 *   `user:<id>:profile`;
 * - a scope tag, `session:<id>` or `user:<id>`, which drops everything of a session or of a user at
 *   once (an operator's POST /cache/invalidate, a deleted session or user). The HTTP responses
 *   cached for a user all carry `user:<id>`.
 */
export const ChatCacheManager = {
  /** Search results go stale by a new message in any session; they live shorter than the rest. */
  searchTtlMs: 60_000,
  /**
   * The service's loaders keep no grace of their own (the module's, CACHE_GRACE_MS, is for the HTTP
   * cache above them): with the database failing, a loader that answered its stale value would hand
   * the route a success, which the HTTP cache stores and labels a fresh `MISS`. Failing instead, it
   * lets the route's graced copy answer `X-Cache: STALE`, or the 503 when there is none.
   */
  loaderGraceMs: 0,
  /**
   * The hot keys (a session's details, its pages of messages: every reader of a session asks for
   * them) load once across the instances, under a Redis lease, instead of once per instance. The
   * rest keep the module's default, the process's single-flight: the lease costs a miss two round
   * trips more (bench scenario 11), worth it only where many instances miss the same key at once.
   * Without Redis it is the process's single-flight all the same.
   */
  hotKeyLock: 'cluster',

  profileKey: (userId: string) => `user:${userId}:profile`,
  sessionKey: (sessionId: string) => `session:${sessionId}`,
  messagesKey: (sessionId: string, limit: number, before: string | undefined) =>
    `session:${sessionId}:messages:${limit}:${before ?? 'newest'}`,
  /**
   * The ids of a user's newest sessions (the sessions themselves are in their own entries). Not
   * `user:<id>:sessions:<limit>`, which held whole sessions before: during a rolling deploy the two
   * versions share Redis, and neither may read the other's value as its own.
   */
  sessionIdsKey: (userId: string, limit: number) => `user:${userId}:session-ids:${limit}`,
  searchKey: (userId: string, query: SearchQuery) => `user:${userId}:search:${stableHash(query)}`,

  userScope: (userId: string) => `user:${userId}`,
  sessionScope: (sessionId: string) => `session:${sessionId}`,
  profileTag: (userId: string) => `user:${userId}:profile`,
  sessionDetailsTag: (sessionId: string) => `session:${sessionId}:details`,
  messagesTag: (sessionId: string) => `session:${sessionId}:messages`,
  sessionsTag: (userId: string) => `user:${userId}:sessions`,
  searchTag: (userId: string) => `user:${userId}:search`,

  /** The tags of each kind of entry: its view tag, then its scope. */
  tagsOfProfile: (userId: string) => [ChatCacheManager.profileTag(userId), ChatCacheManager.userScope(userId)],
  tagsOfSession: (sessionId: string) => [ChatCacheManager.sessionDetailsTag(sessionId), ChatCacheManager.sessionScope(sessionId)],
  tagsOfMessages: (sessionId: string) => [ChatCacheManager.messagesTag(sessionId), ChatCacheManager.sessionScope(sessionId)],
  tagsOfSessions: (userId: string) => [ChatCacheManager.sessionsTag(userId), ChatCacheManager.userScope(userId)],
  tagsOfSearch: (userId: string) => [ChatCacheManager.searchTag(userId), ChatCacheManager.userScope(userId)],
} as const;

function stableHash(query: SearchQuery): string {
  const canonical = JSON.stringify([query.q, query.sessionId ?? null, query.role ?? null, query.limit]);
  return createHash('sha256').update(canonical).digest('base64url');
}
