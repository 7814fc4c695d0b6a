import { ChatCacheManager } from './chat-cache.manager';

describe('ChatCacheManager', () => {
  const user = '0b9a3c4e-0000-4000-8000-000000000001';

  it('hashes a search into one key per query and filters, the same every time', () => {
    const query = { q: 'brown fox', limit: 20 };
    expect(ChatCacheManager.searchKey(user, query)).toBe(ChatCacheManager.searchKey(user, { ...query }));
    expect(ChatCacheManager.searchKey(user, query)).toMatch(new RegExp(`^user:${user}:search:[A-Za-z0-9_-]{43}$`));
  });

  it('gives different searches different keys, whatever the user typed', () => {
    const keys = new Set(
      [
        { q: 'a', limit: 20 },
        { q: 'a', limit: 21 },
        { q: 'a', limit: 20, role: 'user' as const },
        { q: 'a', limit: 20, sessionId: user },
        // Input shaped like the canonical form must not collide with it.
        { q: 'a",null,null,20', limit: 20 },
        { q: '*', limit: 20 },
      ].map((query) => ChatCacheManager.searchKey(user, query)),
    );
    expect(keys.size).toBe(6);
  });

  it('keeps a user’s search keys under that user, apart from every other kind of key', () => {
    const other = '0b9a3c4e-0000-4000-8000-000000000002';
    expect(ChatCacheManager.searchKey(user, { q: 'x', limit: 1 })).not.toBe(ChatCacheManager.searchKey(other, { q: 'x', limit: 1 }));
    expect(ChatCacheManager.messagesKey(user, 50, undefined)).not.toBe(ChatCacheManager.sessionKey(user));
    expect(ChatCacheManager.sessionIdsKey(user, 20)).not.toBe(ChatCacheManager.profileKey(user));
  });
});
