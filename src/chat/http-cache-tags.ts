import { ChatCacheManager as Keys } from './chat-cache.manager';

/**
 * Tags of the cached GET routes' responses, from the request: the tags of the entry each route
 * shows, plus the caller's scope (every response cached for a user is that user's).
 */
type Request = { user: { id: string }; params: Record<string, string> };

// Ids are matched case-insensitively at the edge; tags are lower case, as the ids the chat issues.
const sessionIdOf = (request: Request) => request.params.id.toLowerCase();

export const HttpCacheTags = {
  me: (request: Request) => Keys.tagsOfProfile(request.user.id),
  sessions: (request: Request) => Keys.tagsOfSessions(request.user.id),
  session: (request: Request) => [...Keys.tagsOfSession(sessionIdOf(request)), Keys.userScope(request.user.id)],
  messages: (request: Request) => [...Keys.tagsOfMessages(sessionIdOf(request)), Keys.userScope(request.user.id)],
  search: (request: Request) => Keys.tagsOfSearch(request.user.id),
};
