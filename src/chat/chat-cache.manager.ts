import { createHash } from 'node:crypto';
import { SearchQuery } from './chat.types';

/**
 * The one place that knows the chat's cache keys and tags. Ids in keys are UUIDs (checked at the
 * HTTP edge); search filters, which are free text, are hashed, so no user input can collide with
 * or reach another key.
 *
 * Tags are as narrow as the writes that make entries stale:
 * - `session:<id>`              the session itself (title, counts)
 * - `session:<id>:messages`     its pages of messages
 * - `user:<id>:sessions`        the user's lists of sessions
 * - `user:<id>:search`          the user's search results
 * - `user:<id>`                 the user's profile
 */
export const ChatCacheManager = {
  /** Search results go stale by a new message in any session; they live shorter than the rest. */
  searchTtlMs: 60_000,

  userKey: (userId: string) => `user:${userId}`,
  sessionKey: (sessionId: string) => `session:${sessionId}`,
  messagesKey: (sessionId: string, limit: number, before: string | undefined) =>
    `session:${sessionId}:messages:${limit}:${before ?? 'newest'}`,
  sessionsKey: (userId: string, limit: number) => `user:${userId}:sessions:${limit}`,
  searchKey: (userId: string, query: SearchQuery) => `user:${userId}:search:${stableHash(query)}`,

  userTag: (userId: string) => `user:${userId}`,
  sessionTag: (sessionId: string) => `session:${sessionId}`,
  messagesTag: (sessionId: string) => `session:${sessionId}:messages`,
  sessionsTag: (userId: string) => `user:${userId}:sessions`,
  searchTag: (userId: string) => `user:${userId}:search`,
} as const;

function stableHash(query: SearchQuery): string {
  const canonical = JSON.stringify([query.q, query.sessionId ?? null, query.role ?? null, query.limit]);
  return createHash('sha256').update(canonical).digest('base64url');
}
