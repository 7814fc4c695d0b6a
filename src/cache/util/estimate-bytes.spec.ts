import { estimateBytes, estimateStringBytes } from './estimate-bytes';

/**
 * What V8 makes of these values is measured by bench scenario 9 (heapUsed against the estimate,
 * within 1.08x for every shape the app caches). These tests pin the rules that make it so.
 */
describe('estimateBytes', () => {
  const ascii = (length: number) => 'a'.repeat(length);
  const cjk = (length: number) => '\u4e2d'.repeat(length);

  it('counts one byte a character for Latin-1 text and two for text beyond it, as V8 stores them', () => {
    expect(estimateBytes(ascii(1_000))).toBe(1_016);
    expect(estimateBytes('\u00e9'.repeat(1_000))).toBe(1_016);
    expect(estimateBytes(cjk(1_000))).toBe(2_016);
    expect(estimateBytes(ascii(999) + '\ud83d')).toBe(2_016);
  });

  it('rounds a string up to a whole slot', () => {
    expect(estimateStringBytes('')).toBe(16);
    expect(estimateStringBytes('a')).toBe(24);
    expect(estimateStringBytes(ascii(40))).toBe(56);
  });

  it('does not count the keys of a plain object: objects of one shape share them', () => {
    const short = { a: 'x', b: 1 };
    const long = { aVeryLongPropertyNameIndeed: 'x', anotherVeryLongPropertyName: 1 };
    expect(estimateBytes(long)).toBe(estimateBytes(short));
  });

  it('counts a slot a property, and 16 bytes for a double but nothing more for a small integer', () => {
    expect(estimateBytes({ a: 1, b: 2 })).toBe(24 + 2 * 8);
    expect(estimateBytes({ a: 1.5, b: 2 })).toBe(24 + 2 * 8 + 16);
    expect(estimateBytes({ a: null, b: true, c: undefined })).toBe(24 + 3 * 8);
  });

  it('counts a slot an array item; an array of numbers only holds its doubles unboxed', () => {
    expect(estimateBytes([1, 2, 3])).toBe(48 + 3 * 8);
    expect(estimateBytes([1.5, 2.5])).toBe(48 + 2 * 8);
    expect(estimateBytes([1.5, 'a'])).toBe(48 + 2 * 8 + 16 + 24);
  });

  it('counts the keys of an object past 128 properties, kept as a hash table (a record keyed by ids)', () => {
    const record: Record<string, number> = {};
    for (let i = 0; i < 200; i++) record[`session-${i}`] = i;
    expect(estimateBytes(record)).toBeGreaterThan(200 * (48 + 24));
  });

  it('stops counting past the limit, and never caches a cyclic value', () => {
    const page = Array.from({ length: 10_000 }, () => ({ content: ascii(100) }));
    expect(estimateBytes(page, 1_000)).toBeLessThan(2_000);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(estimateBytes(cyclic, 1_000)).toBeGreaterThan(1_000);
  });
});
