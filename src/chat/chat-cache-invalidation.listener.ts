import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { CacheService } from '../cache';
import { ChatCacheManager as Keys } from './chat-cache.manager';
import { ChatEvents, MessageCreatedEvent, SessionEvent, UserDeletedEvent } from './chat.events';

/**
 * Turns each chat event into the tags it makes stale. CacheService carries them to Redis and, over
 * the bus, to every other instance. The writer awaits this (emitAsync), so its HTTP answer leaves
 * after the invalidation: a client reads its own write. A failure here is logged and counted, and
 * never fails the write, whose data is already in the database.
 */
@Injectable()
export class ChatCacheInvalidationListener {
  private readonly logger = new Logger('ChatCacheInvalidation');
  failures = 0;

  constructor(private readonly cache: CacheService) {}

  @OnEvent(ChatEvents.SessionCreated)
  onSessionCreated({ userId }: SessionEvent): Promise<void> {
    return this.invalidate(ChatEvents.SessionCreated, [Keys.sessionsTag(userId)]);
  }

  @OnEvent(ChatEvents.SessionUpdated)
  onSessionUpdated({ userId, sessionId }: SessionEvent): Promise<void> {
    return this.invalidate(ChatEvents.SessionUpdated, [Keys.sessionDetailsTag(sessionId), Keys.sessionsTag(userId)]);
  }

  /** Everything of the session goes (its scope tag), and it leaves the user's lists and search. */
  @OnEvent(ChatEvents.SessionDeleted)
  onSessionDeleted({ userId, sessionId }: SessionEvent): Promise<void> {
    return this.invalidate(ChatEvents.SessionDeleted, [Keys.sessionScope(sessionId), Keys.sessionsTag(userId), Keys.searchTag(userId)]);
  }

  /** A message changes the session (count, last message), its pages, the user's list order and search. */
  @OnEvent(ChatEvents.MessageCreated)
  onMessageCreated({ userId, sessionId }: MessageCreatedEvent): Promise<void> {
    return this.invalidate(ChatEvents.MessageCreated, [
      Keys.sessionDetailsTag(sessionId),
      Keys.messagesTag(sessionId),
      Keys.sessionsTag(userId),
      Keys.searchTag(userId),
    ]);
  }

  /**
   * Everything of the user goes: the `user:<id>` scope (profile, lists, searches, every HTTP answer
   * cached for them) and the scope of each of their sessions (details and pages of messages).
   */
  @OnEvent(ChatEvents.UserDeleted)
  onUserDeleted({ userId, sessionIds }: UserDeletedEvent): Promise<void> {
    return this.invalidate(ChatEvents.UserDeleted, [Keys.userScope(userId), ...sessionIds.map((id) => Keys.sessionScope(id))]);
  }

  private async invalidate(event: string, tags: string[]): Promise<void> {
    try {
      await this.cache.invalidateTags(tags);
    } catch (error) {
      this.failures++;
      this.logger.error(`invalidation after ${event} failed (tags ${tags.join(', ')}): ${(error as Error).message}`);
    }
  }
}
