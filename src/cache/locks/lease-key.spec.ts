// The slot function ioredis's Cluster client routes with (an ioredis dependency, untyped).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const calculateSlot: (key: string) => number = require('cluster-key-slot');
import { hashTagOf, leaseKeyOf } from './lease-key';

describe('leaseKeyOf', () => {
  it('lives under the prefix, in the internal namespace', () => {
    expect(leaseKeyOf('chat:', 'chat:session:1')).toBe('chat:__cc:lease:{chat:session:1}');
  });

  it.each(['chat:session:1', 'chat:{user:7}:sessions', '{chat}:session:1', 'chat:é{ü}', 'chat:{a}{b}', 'chat:{unclosed'])(
    'shares the Redis Cluster slot of the value key %s',
    (fullKey) => {
      expect(calculateSlot(leaseKeyOf('chat:', fullKey))).toBe(calculateSlot(fullKey));
    },
  );

  it('finds the section Redis hashes', () => {
    expect(hashTagOf('a{b}c')).toBe('b');
    expect(hashTagOf('a{}c}')).toBe('a{}c}');
    expect(hashTagOf('abc')).toBe('abc');
  });
});
