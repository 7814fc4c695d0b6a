import { BadRequestException, HttpException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { unknownUser } from '../auth';
import { Cacheable } from '../cache';
import { CachedSessions } from './cached-sessions';
import { ChatCacheManager as Keys } from './chat-cache.manager';
import { ChatEvents, MessageCreatedEvent, SessionEvent } from './chat.events';
import { ChatRepository } from './chat.repository';
import { Message, MessagePage, MessageRole, SearchHit, SearchQuery, Session } from './chat.types';
import { publishChatEvent } from './publish-chat-event';

/**
 * The chat's use cases. Every read goes through the cache (`@Cacheable` loaders below); every write
 * goes to the database first, then emits its event, whose listener invalidates what it made stale
 * before the write returns.
 *
 * Ownership is checked outside the cached loaders, on every call: a cached value is shared by
 * whoever asks for its key, so the loaders are keyed by ids alone and never decide who may see them.
 * They are private so that no caller can skip that check; CacheableMethodsExplorer wraps them all
 * the same (it wraps the instance's methods, whatever their TypeScript visibility).
 */
@Injectable()
export class SessionService {
  private readonly logger = new Logger(SessionService.name);

  constructor(
    private readonly repository: ChatRepository,
    private readonly events: EventEmitter2,
    private readonly cachedSessions: CachedSessions,
  ) {}

  async createSession(userId: string, title: string): Promise<Session> {
    // Null when the user is gone: the insert checks it, so this is a 401, never a foreign-key error.
    const session = await this.repository.createSession(userId, title);
    if (session === null) throw unknownUser();
    await this.publish<SessionEvent>(ChatEvents.SessionCreated, { userId, sessionId: session.id });
    return session;
  }

  /** The user's session; another user's session is as missing as one that does not exist. */
  async getSession(userId: string, sessionId: string): Promise<Session> {
    const session = await this.loadSession(sessionId);
    if (session === null || session.userId !== userId) throw sessionNotFound(sessionId);
    return session;
  }

  async renameSession(userId: string, sessionId: string, title: string): Promise<Session> {
    const session = await this.repository.renameSession(userId, sessionId, title);
    if (session === null) throw await this.sessionMissing(userId, sessionId);
    await this.publish<SessionEvent>(ChatEvents.SessionUpdated, { userId, sessionId });
    return session;
  }

  async deleteSession(userId: string, sessionId: string): Promise<void> {
    if (!(await this.repository.deleteSession(userId, sessionId))) throw await this.sessionMissing(userId, sessionId);
    await this.publish<SessionEvent>(ChatEvents.SessionDeleted, { userId, sessionId });
  }

  async addMessage(userId: string, sessionId: string, role: MessageRole, content: string): Promise<Message> {
    // A write checks ownership against the database, never against a cached copy.
    const message = await this.repository.addMessage(userId, sessionId, role, content);
    if (message === null) throw await this.sessionMissing(userId, sessionId);
    await this.publish<MessageCreatedEvent>(ChatEvents.MessageCreated, { userId, sessionId, messageId: message.id });
    return message;
  }

  async listMessages(userId: string, sessionId: string, limit: number, before?: string): Promise<MessagePage> {
    await this.getSession(userId, sessionId);
    const page = await this.loadMessages(sessionId, limit, before);
    if (page === null) throw new BadRequestException(`before must be the id of a message of session ${sessionId}`);
    return page;
  }

  /** The ids from the list's own entry, the sessions from theirs (shared with their details). */
  async listSessions(userId: string, limit: number): Promise<Session[]> {
    const sessions = await this.cachedSessions.inOrder(await this.loadSessionIds(userId, limit));
    return sessions.filter((session) => session.userId === userId);
  }

  async search(userId: string, query: SearchQuery): Promise<SearchHit[]> {
    if (query.sessionId !== undefined) await this.getSession(userId, query.sessionId);
    return this.loadSearch(userId, query);
  }

  @Cacheable({
    key: ([id]: [string]) => Keys.sessionKey(id),
    tags: ([id]: [string]) => Keys.tagsOfSession(id),
    graceMs: Keys.loaderGraceMs,
    lock: Keys.hotKeyLock,
  })
  private async loadSession(sessionId: string): Promise<Session | null> {
    return this.repository.findSession(sessionId);
  }

  /** Null when `before` is not a message of the session. */
  @Cacheable({
    key: ([id, limit, before]: [string, number, string?]) => Keys.messagesKey(id, limit, before),
    tags: ([id]: [string]) => Keys.tagsOfMessages(id),
    graceMs: Keys.loaderGraceMs,
    lock: Keys.hotKeyLock,
  })
  private async loadMessages(sessionId: string, limit: number, before?: string): Promise<MessagePage | null> {
    return this.repository.listMessages(sessionId, limit, before);
  }

  @Cacheable({
    key: ([userId, limit]: [string, number]) => Keys.sessionIdsKey(userId, limit),
    tags: ([userId]: [string]) => Keys.tagsOfSessions(userId),
    graceMs: Keys.loaderGraceMs,
  })
  private async loadSessionIds(userId: string, limit: number): Promise<string[]> {
    return this.repository.listSessionIds(userId, limit);
  }

  @Cacheable({
    key: ([userId, query]: [string, SearchQuery]) => Keys.searchKey(userId, query),
    tags: ([userId]: [string]) => Keys.tagsOfSearch(userId),
    ttlMs: Keys.searchTtlMs,
    graceMs: Keys.loaderGraceMs,
  })
  private async loadSearch(userId: string, query: SearchQuery): Promise<SearchHit[]> {
    return this.repository.search(userId, query);
  }

  /** Awaited so that the invalidation is done before the write answers (read-your-writes). */
  private publish<T>(event: string, payload: T): Promise<void> {
    return publishChatEvent(this.events, this.logger, event, payload);
  }

  /**
   * Why a write found no session of the user: a 404, or a 401 when the user itself is gone (deleted
   * between the guard and this write). Asked of the database only on this failure path.
   */
  private async sessionMissing(userId: string, sessionId: string): Promise<HttpException> {
    return (await this.repository.userExists(userId)) ? sessionNotFound(sessionId) : unknownUser();
  }
}

function sessionNotFound(sessionId: string): NotFoundException {
  return new NotFoundException(`session ${sessionId} not found`);
}
