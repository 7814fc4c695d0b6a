import { encodeRecord, parseRecord, recordValue } from './redis-record';
import { encodeValue } from './value-codec';

const PAYLOAD = encodeValue({ text: 'hello', at: new Date(5) });

describe('the Redis record header', () => {
  it('records the lifetime of an entry that expires: expiry, TTL and grace', () => {
    const raw = encodeRecord(PAYLOAD, { expiresAt: 2_000, ttlMs: 1_000, graceMs: 500 });
    expect(raw.slice(0, raw.indexOf('\n'))).toBe('[2000,1000,500]');
    expect(parseRecord(raw)).toEqual({
      expiresAt: 2_000,
      ttlMs: 1_000,
      graceMs: 500,
      tags: undefined,
      tagVersions: undefined,
      payload: PAYLOAD,
    });
  });

  it('writes an entry that never expires as before, `[0]`', () => {
    const raw = encodeRecord(PAYLOAD, { expiresAt: 0, ttlMs: 0, graceMs: 0 });
    expect(raw.slice(0, raw.indexOf('\n'))).toBe('[0]');
    expect(parseRecord(raw)).toMatchObject({ expiresAt: 0, ttlMs: 0, graceMs: 0 });
  });

  it('round-trips a tagged record with its lifetime and tag versions', () => {
    const raw = encodeRecord(PAYLOAD, { expiresAt: 2_000, ttlMs: 1_000, graceMs: 500 }, ['session:1', 'user:2'], ['v1', 'v2']);
    const record = parseRecord(raw);
    expect(record).toEqual({
      expiresAt: 2_000,
      ttlMs: 1_000,
      graceMs: 500,
      tags: ['session:1', 'user:2'],
      tagVersions: ['v1', 'v2'],
      payload: PAYLOAD,
    });
    expect(recordValue(record)).toEqual({ text: 'hello', at: new Date(5) });
  });

  it('round-trips a tagged record without versions', () => {
    const raw = encodeRecord(PAYLOAD, { expiresAt: 2_000, ttlMs: 1_000, graceMs: 0 }, ['t']);
    expect(parseRecord(raw)).toMatchObject({ tags: ['t'], tagVersions: undefined, graceMs: 0 });
  });

  describe('records written before lifetimes were recorded (a rolling deploy)', () => {
    it.each([
      ['untagged', `[1700000000000]\n${PAYLOAD}`, undefined, undefined],
      ['tagged', `[1700000000000,["session:1"],["v1"]]\n${PAYLOAD}`, ['session:1'], ['v1']],
      ['tagged, versions null', `[1700000000000,["session:1"],null]\n${PAYLOAD}`, ['session:1'], undefined],
      ['tagged, no versions', `[1700000000000,["session:1"]]\n${PAYLOAD}`, ['session:1'], undefined],
    ])('decode (%s): no grace, TTL unknown (0)', (_name, raw, tags, tagVersions) => {
      const record = parseRecord(raw);
      expect(record).toEqual({ expiresAt: 1_700_000_000_000, ttlMs: 0, graceMs: 0, tags, tagVersions, payload: PAYLOAD });
      expect(recordValue(record)).toEqual({ text: 'hello', at: new Date(5) });
    });
  });

  it('reads the same lifetime whether the header takes the fast path or JSON.parse', () => {
    expect(parseRecord(`[ 2000, 1000, 500 ]\n${PAYLOAD}`)).toMatchObject({ expiresAt: 2_000, ttlMs: 1_000, graceMs: 500 });
  });

  it.each([
    ['no header', PAYLOAD.replace(/\n/g, '')],
    ['two times', `[2000,1000]\nx`],
    ['four times', `[2000,1000,500,7]\nx`],
    ['a negative grace', `[2000,1000,-5]\nx`],
    ['a fractional ttl', `[2000,1000.5,500]\nx`],
    ['a string among the times', `[2000,"1000",500]\nx`],
    ['an empty tag list', `[2000,1000,500,[],[]]\nx`],
    ['versions not matching the tags', `[2000,1000,500,["a","b"],["v1"]]\nx`],
    ['something after the versions', `[2000,1000,500,["a"],["v1"],1]\nx`],
    ['an object', `{"expiresAt":2000}\nx`],
    ['an empty list', `[]\nx`],
  ])('refuses a header with %s', (_name, raw) => {
    expect(() => parseRecord(raw)).toThrow();
  });
});
