import { InvalidationMessage, parseInvalidationMessage } from './invalidation-message';
import { encodeInvalidationMessages } from './invalidation-message-encoder';
import { INVALIDATION_MESSAGE_LIMITS as LIMITS } from './invalidation-message-limits';

const base = { instance: 'A', sentAt: 1_700_000_000_000, reason: 'delete' } as const;
const raw = (fields: Record<string, unknown>) => JSON.stringify({ ...base, ...fields });
const keysOf = (count: number, length = 10) => Array.from({ length: count }, (_, i) => String(i).padStart(length, 'k'));

describe('parseInvalidationMessage: only messages within bounds reach an instance', () => {
  it('reads a well-formed message, keeping only the known fields', () => {
    const withProto = raw({ keys: ['a'], tags: ['t'], patterns: ['p:*'], extra: { x: 1 } }).replace(/}$/, ',"__proto__":{"clear":true}}');
    const parsed = parseInvalidationMessage(withProto);
    expect(parsed?.clear).toBeUndefined();
    expect(parsed).toEqual({
      ...base,
      keys: ['a'],
      tags: ['t'],
      patterns: ['p:*'],
    });
    expect(parseInvalidationMessage(raw({ clear: true, reason: 'clear' }))).toEqual({ ...base, clear: true, reason: 'clear' });
  });

  it.each([
    ['not JSON', '{"instance":'],
    ['an array', '[1,2]'],
    ['null', 'null'],
    ['a string', '"hello"'],
    ['no instance', JSON.stringify({ sentAt: 1, reason: 'delete' })],
    ['an empty instance', raw({ instance: '' })],
    ['an instance id too long', raw({ instance: 'i'.repeat(LIMITS.maxInstanceChars + 1) })],
    ['no sentAt', JSON.stringify({ instance: 'A', reason: 'delete' })],
    ['a sentAt that is a string', raw({ sentAt: '1' })],
    // eslint-disable-next-line no-loss-of-precision -- 1e999 is how a hostile JSON number becomes Infinity
    ['a sentAt that is not finite', raw({ sentAt: 1e999 })],
    ['an unknown reason', raw({ reason: 'because' })],
    ['no reason', JSON.stringify({ instance: 'A', sentAt: 1 })],
    ['clear that is not a boolean', raw({ clear: 'yes' })],
    ['keys that are not an array', raw({ keys: 'a' })],
    ['a key that is not a string', raw({ keys: ['a', 1] })],
    ['an empty key', raw({ keys: [''] })],
    ['a key too long', raw({ keys: ['k'.repeat(LIMITS.maxItemChars + 1)] })],
    ['a tag too long', raw({ tags: ['t'.repeat(LIMITS.maxItemChars + 1)] })],
    ['too many keys and tags', raw({ keys: keysOf(LIMITS.maxItems / 2 + 1, 1), tags: keysOf(LIMITS.maxItems / 2, 1) })],
    ['too many patterns', raw({ patterns: keysOf(LIMITS.maxPatterns + 1, 1) })],
    ['a pattern over 1024 characters', raw({ patterns: ['*?'.repeat(512) + '!'] })],
    ['an empty pattern', raw({ patterns: [''] })],
    ['a message over 1 MiB', raw({ keys: ['a'], padding: 'x'.repeat(LIMITS.maxMessageChars) })],
  ])('refuses %s', (_name, message) => {
    expect(parseInvalidationMessage(message)).toBeUndefined();
  });

  it('refuses an oversized message without parsing it', () => {
    const parse = jest.spyOn(JSON, 'parse');
    try {
      expect(parseInvalidationMessage(' '.repeat(LIMITS.maxMessageChars + 1))).toBeUndefined();
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('accepts what the limits allow: 10,000 keys and a pattern of 1024 characters', () => {
    const patterns = Array.from({ length: LIMITS.maxPatterns }, () => '*?'.repeat(511) + '*!');
    expect(parseInvalidationMessage(raw({ keys: keysOf(LIMITS.maxItems), patterns }))?.keys).toHaveLength(LIMITS.maxItems);
  });
});

describe('encodeInvalidationMessages: no legitimate announcement is refused', () => {
  /** What the receivers end up doing: the union of what every part says. */
  function received(message: InvalidationMessage) {
    const parts = encodeInvalidationMessages(message).map((part) => parseInvalidationMessage(part));
    expect(parts).not.toContain(undefined);
    return {
      count: parts.length,
      keys: parts.flatMap((part) => part!.keys ?? []),
      tags: parts.flatMap((part) => part!.tags ?? []),
      patterns: parts.flatMap((part) => part!.patterns ?? []),
      clear: parts.some((part) => part!.clear === true),
      reasons: [...new Set(parts.map((part) => part!.reason))],
    };
  }

  it('sends an ordinary announcement as it is, in one message', () => {
    const message: InvalidationMessage = { ...base, reason: 'pattern', patterns: ['room:1:*'] };
    expect(encodeInvalidationMessages(message)).toEqual([JSON.stringify(message)]);
  });

  it('the admin API’s largest delete (1,000 keys of 1,024 characters) fits in one message', () => {
    const keys = keysOf(1000, 1024);
    expect(received({ ...base, keys })).toMatchObject({ count: 1, keys, clear: false });
  });

  it('spreads a repair of 10,000 long keys and tags over several messages, every one of them read', () => {
    const keys = keysOf(10_000, 200);
    const tags = keysOf(3_000, 50);
    const patterns = ['a:*', 'b:*'];
    const got = received({ ...base, reason: 'repair', keys, tags, patterns });
    expect(got.count).toBeGreaterThan(1);
    expect(got).toMatchObject({ keys, tags, patterns, clear: false, reasons: ['repair'] });
  });

  it('keys whose JSON escapes make them six times longer still fit', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `${i}:` + '\u0001'.repeat(1000));
    expect(received({ ...base, keys })).toMatchObject({ keys, clear: false });
  });

  it('sends a repair’s few patterns one to a message', () => {
    const patterns = ['a:*', 'b:*', 'c:*'];
    expect(received({ ...base, reason: 'repair', keys: ['k'], tags: ['t'], patterns })).toEqual({
      count: 3,
      keys: ['k'],
      tags: ['t'],
      patterns,
      clear: false,
      reasons: ['repair'],
    });
  });

  it('announces clear, with the same reason, when there are more patterns than an announcement may spread', () => {
    const patterns = keysOf(LIMITS.maxPatternsPerAnnouncement + 1, 3).map((p) => `${p}:*`);
    expect(received({ ...base, reason: 'repair', keys: ['a'], patterns })).toEqual({
      count: 1,
      keys: [],
      tags: [],
      patterns: [],
      clear: true,
      reasons: ['repair'],
    });
  });

  it('announces clear when a key is longer than a message may hold', () => {
    expect(received({ ...base, keys: ['k'.repeat(LIMITS.maxItemChars + 1)] })).toMatchObject({ count: 1, clear: true, keys: [] });
  });
});
