import { Injectable, Logger } from '@nestjs/common';
import { CacheService } from '../cache';
import { ChatCacheManager as Keys } from './chat-cache.manager';
import { ChatRepository } from './chat.repository';
import { Session } from './chat.types';

/**
 * Many sessions at once from the per-session entries (`session:<id>`, the ones a session's details
 * are cached in): one read of the tiers for all of them, and one query for those no tier has
 * (CacheService.getOrSetMany). A list thus shares its sessions with their details: a rename or a
 * new message drops the one entry, and the list and the details both show it at once.
 */
@Injectable()
export class CachedSessions {
  private readonly logger = new Logger('CachedSessions');
  /** Cache failures this loader went on without (it asked the database instead). */
  errors = 0;

  constructor(
    private readonly cache: CacheService,
    private readonly repository: ChatRepository,
  ) {}

  /** The sessions of `ids` that exist, in the order of `ids`. */
  async inOrder(ids: readonly string[]): Promise<Session[]> {
    if (ids.length === 0) return [];
    const idOfKey = new Map(ids.map((id) => [Keys.sessionKey(id), id]));
    let sessions: (Session | null | undefined)[];
    try {
      sessions = await this.cache.getOrSetMany<Session | null>(
        [...idOfKey.keys()],
        async (missingKeys) => {
          try {
            const found = await this.repository.findSessions(missingKeys.map((key) => idOfKey.get(key)!));
            return new Map(found.map((session) => [Keys.sessionKey(session.id), session]));
          } catch (error) {
            throw new DatabaseReadFailure(error);
          }
        },
        { tags: (key) => Keys.tagsOfSession(idOfKey.get(key)!) },
      );
    } catch (error) {
      if (error instanceof DatabaseReadFailure) throw error.error;
      // A cache failure never fails a read: the database answers it.
      this.errors++;
      this.logger.error(`reading ${ids.length} sessions from the cache failed: ${(error as Error).message}`);
      const byId = new Map((await this.repository.findSessions(ids)).map((session) => [session.id, session]));
      sessions = ids.map((id) => byId.get(id));
    }
    // null: the entry of a session that did not exist when its details were asked for.
    return sessions.filter((session): session is Session => session != null);
  }
}

/** The database's own error, carried through getOrSetMany so that it is told from a cache failure. */
class DatabaseReadFailure {
  constructor(readonly error: unknown) {}
}
