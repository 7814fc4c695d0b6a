import { ChatCacheManager as Keys } from './chat-cache.manager';

/** Tags of the cached GET routes' responses, from the request (the same tags the listener invalidates). */
type Request = { user: { id: string }; params: Record<string, string> };

// Ids are matched case-insensitively at the edge; tags are lower case, as the ids the chat issues.
const sessionIdOf = (request: Request) => request.params.id.toLowerCase();

export const HttpCacheTags = {
  me: (request: Request) => [Keys.userTag(request.user.id)],
  sessions: (request: Request) => [Keys.sessionsTag(request.user.id)],
  session: (request: Request) => [Keys.sessionTag(sessionIdOf(request))],
  messages: (request: Request) => [Keys.messagesTag(sessionIdOf(request))],
  search: (request: Request) => [Keys.searchTag(request.user.id)],
};
