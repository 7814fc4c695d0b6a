import { hashKey } from './key-hash';

describe('hashKey', () => {
  it('is the same for the same key, built apart', () => {
    expect(hashKey('chat:session:' + '42')).toBe(hashKey(['chat', 'session', '42'].join(':')));
  });

  it('tells apart chat-shaped keys, short and long, that differ by their id or their last character', () => {
    const keys: string[] = [];
    for (let i = 0; i < 2_000; i++) {
      keys.push(`chat:session:${i}`);
      keys.push(`chat:http:user-${i % 37}:GET:/sessions/${(i * 7919).toString(16).padStart(8, '0')}-4a1b-9c2d/messages?limit=5${i % 10}`);
    }
    expect(new Set(keys.map(hashKey)).size).toBeGreaterThan(0.99 * keys.length);
  });
});
