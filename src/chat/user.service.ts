import { Injectable } from '@nestjs/common';
import { UserRegistry } from '../auth';
import { Cacheable } from '../cache';
import { ChatCacheManager as Keys } from './chat-cache.manager';
import { ChatRepository } from './chat.repository';
import { User } from './chat.types';

@Injectable()
export class UserService implements UserRegistry {
  constructor(private readonly repository: ChatRepository) {}

  async createUser(name: string): Promise<User> {
    return this.repository.createUser(name);
  }

  /** Null when no such user (a token of a user that no longer exists, say). */
  @Cacheable({ key: ([id]: [string]) => Keys.profileKey(id), tags: ([id]: [string]) => Keys.tagsOfProfile(id) })
  async findUser(id: string): Promise<User | null> {
    return this.repository.findUser(id);
  }

  async isKnownUser(id: string): Promise<boolean> {
    return (await this.findUser(id)) !== null;
  }
}
