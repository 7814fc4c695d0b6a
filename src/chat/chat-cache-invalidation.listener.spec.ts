import { Logger } from '@nestjs/common';
import { CacheService } from '../cache';
import { ChatCacheInvalidationListener } from './chat-cache-invalidation.listener';

describe('ChatCacheInvalidationListener', () => {
  const userId = 'u1';
  const sessionId = 's1';

  function listenerWith(invalidateTags: (tags: readonly string[]) => Promise<void>) {
    const cache = { invalidateTags: jest.fn(invalidateTags) } as unknown as CacheService & { invalidateTags: jest.Mock };
    return { cache, listener: new ChatCacheInvalidationListener(cache) };
  }

  it('maps each event to exactly the tags it makes stale', async () => {
    const { cache, listener } = listenerWith(async () => {});
    await listener.onSessionCreated({ userId, sessionId });
    await listener.onSessionUpdated({ userId, sessionId });
    await listener.onSessionDeleted({ userId, sessionId });
    await listener.onMessageCreated({ userId, sessionId, messageId: 'm1' });
    await listener.onUserDeleted({ userId, sessionIds: [sessionId, 's2'] });
    expect(cache.invalidateTags.mock.calls.map(([tags]) => tags)).toEqual([
      ['user:u1:sessions'],
      ['session:s1:details', 'user:u1:sessions'],
      ['session:s1', 'user:u1:sessions', 'user:u1:search'],
      ['session:s1:details', 'session:s1:messages', 'user:u1:sessions', 'user:u1:search'],
      ['user:u1', 'session:s1', 'session:s2'],
    ]);
  });

  it('logs and counts a failed invalidation, and does not throw', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => {});
    const { listener } = listenerWith(async () => {
      throw new Error('redis exploded');
    });
    await expect(listener.onMessageCreated({ userId, sessionId, messageId: 'm1' })).resolves.toBeUndefined();
    expect(listener.failures).toBe(1);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('message.created'));
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('redis exploded'));
    logged.mockRestore();
  });
});
