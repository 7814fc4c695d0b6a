import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { unknownUser, USER_REGISTRY_UNAVAILABLE, UserRegistry } from '../auth';
import { Cacheable } from '../cache';
import { ChatCacheManager as Keys } from './chat-cache.manager';
import { ChatEvents, UserDeletedEvent } from './chat.events';
import { ChatRepository } from './chat.repository';
import { User } from './chat.types';
import { isDatabaseUnavailable } from './database/database-unavailable';
import { publishChatEvent } from './publish-chat-event';

@Injectable()
export class UserService implements UserRegistry {
  private readonly logger = new Logger(UserService.name);

  constructor(
    private readonly repository: ChatRepository,
    private readonly events: EventEmitter2,
  ) {}

  async createUser(name: string): Promise<User> {
    return this.repository.createUser(name);
  }

  /** Null when no such user (a token of a user that no longer exists, say). */
  @Cacheable({
    key: ([id]: [string]) => Keys.profileKey(id),
    tags: ([id]: [string]) => Keys.tagsOfProfile(id),
    graceMs: Keys.loaderGraceMs,
  })
  async findUser(id: string): Promise<User | null> {
    return this.repository.findUser(id);
  }

  /**
   * Asks the database on every request, never the cached profile: a cached "yes" outlived the
   * user's row for up to the profile's TTL (300 s), on every instance that held it, and after a
   * database reset behind the same Redis. A primary-key lookup in SQLite costs 8 to 10 µs here
   * (measured: 100,000 lookups among 1,000 users in a WAL file), against 1 to 3 µs for an L1 hit
   * of the profile and about 250 µs for an L2 hit when L1 is cold; it is exact on every instance at
   * once, with no bus to wait for. With a database across the network this should become a short,
   * L1-only cache dropped by `user.deleted`. With the database down it says it cannot tell (see
   * BearerAuthGuard for what that opens); any other error is a bug and goes up as one.
   */
  async isKnownUser(id: string): Promise<boolean | typeof USER_REGISTRY_UNAVAILABLE> {
    try {
      // Awaited here: a rejected lookup must land in this catch, not pass it by.
      return await this.repository.userExists(id);
    } catch (error) {
      if (isDatabaseUnavailable(error)) return USER_REGISTRY_UNAVAILABLE;
      throw error;
    }
  }

  /**
   * Deletes the user with their sessions and messages, then drops everything of theirs from the
   * cache of every instance (`user.deleted`) before answering.
   */
  async deleteUser(id: string): Promise<void> {
    const sessionIds = await this.repository.deleteUser(id);
    if (sessionIds === null) throw unknownUser();
    await publishChatEvent<UserDeletedEvent>(this.events, this.logger, ChatEvents.UserDeleted, { userId: id, sessionIds });
  }
}
