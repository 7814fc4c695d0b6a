import { decodeValue, encodeValue } from './value-codec';

function roundTrip<T>(value: T): T {
  return decodeValue<T>(encodeValue(value));
}

describe('value codec', () => {
  describe('fast paths', () => {
    it("encodes a top-level string as 's' + the string itself", () => {
      expect(encodeValue('hello')).toBe('shello');
      expect(encodeValue('')).toBe('s');
    });

    it("encodes a plain JSON object as 'j' + JSON.stringify", () => {
      const obj = { id: 7, name: 'ada', tags: ['a', 'b'], nested: { ok: true, none: null }, score: -1.5 };
      expect(encodeValue(obj)).toBe('j' + JSON.stringify(obj));
    });

    it("falls back to the tagged 't' encoding for values JSON would not round-trip", () => {
      expect(encodeValue(new Date(0)).startsWith('t')).toBe(true);
      expect(encodeValue({ at: undefined }).startsWith('t')).toBe(true);
      expect(encodeValue([1, NaN]).startsWith('t')).toBe(true);
    });
  });

  describe('strings', () => {
    it.each([
      ['a plain string', 'hello, world'],
      ['an ISO date string', '2024-01-01T00:00:00.000Z'],
      ['the empty string', ''],
      ["a string starting with 's'", 'sss'],
      ["a string starting with 'j'", 'j{"a":1}'],
      ["a string starting with 't'", 't{"\u0000":"d","v":0}'],
      ['a string of JSON', '{"a":1}'],
      ['unicode', 'héllo 🌍 \u0000 \n'],
    ])('%s stays that exact string', (_name, value) => {
      const decoded = roundTrip(value);
      expect(typeof decoded).toBe('string');
      expect(decoded).toBe(value);
    });

    it('an ISO date string nested in an object stays a string', () => {
      const decoded = roundTrip({ at: '2024-01-01T00:00:00.000Z', d: new Date(0) });
      expect(typeof decoded.at).toBe('string');
      expect(decoded.at).toBe('2024-01-01T00:00:00.000Z');
      expect(decoded.d).toBeInstanceOf(Date);
    });
  });

  describe('numbers, booleans, null, undefined', () => {
    it.each([0, 1, -1, 3.14, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 5e-324])('%p round-trips', (value) => {
      expect(Object.is(roundTrip(value), value)).toBe(true);
    });

    it('-0 stays -0', () => {
      expect(Object.is(roundTrip(-0), -0)).toBe(true);
      expect(Object.is(roundTrip([-0])[0], -0)).toBe(true);
      expect(Object.is(roundTrip({ z: -0 }).z, -0)).toBe(true);
    });

    it.each([NaN, Infinity, -Infinity])('%p round-trips, top-level and nested', (value) => {
      expect(Object.is(roundTrip(value), value)).toBe(true);
      expect(Object.is(roundTrip({ v: value }).v, value)).toBe(true);
      expect(Object.is(roundTrip([value])[0], value)).toBe(true);
    });

    it('booleans and null round-trip', () => {
      expect(roundTrip(true)).toBe(true);
      expect(roundTrip(false)).toBe(false);
      expect(roundTrip(null)).toBeNull();
    });

    it('top-level undefined round-trips', () => {
      expect(roundTrip(undefined)).toBeUndefined();
    });

    it('undefined inside an array keeps its slot', () => {
      const decoded = roundTrip([1, undefined, 3]);
      expect(decoded).toHaveLength(3);
      expect(1 in decoded).toBe(true);
      expect(decoded[1]).toBeUndefined();
      expect(decoded[2]).toBe(3);
    });

    it('a property holding undefined is still present', () => {
      const decoded = roundTrip({ a: undefined, b: 1 });
      expect('a' in decoded).toBe(true);
      expect(decoded.a).toBeUndefined();
      expect(decoded.b).toBe(1);
      expect(Object.keys(decoded)).toEqual(['a', 'b']);
    });

    it('sparse array holes come back as undefined', () => {
      // eslint-disable-next-line no-sparse-arrays
      const decoded = roundTrip([1, , 3]);
      expect(decoded).toHaveLength(3);
      expect(decoded[1]).toBeUndefined();
      expect(decoded).toEqual([1, undefined, 3]);
    });
  });

  describe('BigInt and Date', () => {
    it('a huge BigInt round-trips exactly', () => {
      const huge = 2n ** 200n + 12345n;
      const decoded = roundTrip(huge);
      expect(typeof decoded).toBe('bigint');
      expect(decoded).toBe(huge);
      expect(roundTrip(-huge)).toBe(-huge);
    });

    it('a Date stays a Date with the same time', () => {
      const date = new Date('2024-01-01T00:00:00.123Z');
      const decoded = roundTrip(date);
      expect(decoded).toBeInstanceOf(Date);
      expect(decoded.getTime()).toBe(date.getTime());
      expect(decoded).toEqual(date);
    });

    it('an invalid Date stays an invalid Date', () => {
      const decoded = roundTrip(new Date(NaN));
      expect(decoded).toBeInstanceOf(Date);
      expect(Number.isNaN(decoded.getTime())).toBe(true);
    });
  });

  describe('Map, Set, binary, RegExp', () => {
    it('a Map with non-string keys, and nested Maps, round-trips', () => {
      const map = new Map<unknown, unknown>([
        [1, 'one'],
        [true, 'yes'],
        [null, 'nothing'],
        [new Date(5), 'date key'],
        ['nested', new Map([[2n, new Set([1, 2])]])],
      ]);
      const decoded = roundTrip(map);
      expect(decoded).toBeInstanceOf(Map);
      expect(decoded).toEqual(map);
      expect(decoded.get(1)).toBe('one');
      expect(decoded.has('1')).toBe(false);
      expect(decoded.get(true)).toBe('yes');
      expect(decoded.get(null)).toBe('nothing');
      const nested = decoded.get('nested') as Map<bigint, Set<number>>;
      expect(nested).toBeInstanceOf(Map);
      expect(nested.get(2n)).toEqual(new Set([1, 2]));
      const dateKey = [...decoded.keys()][3];
      expect(dateKey).toBeInstanceOf(Date);
    });

    it('a Map keeps its insertion order', () => {
      const decoded = roundTrip(
        new Map([
          ['z', 1],
          ['a', 2],
          ['m', 3],
        ]),
      );
      expect([...decoded.keys()]).toEqual(['z', 'a', 'm']);
    });

    it('a Set round-trips with its members and their types', () => {
      const set = new Set<unknown>([1, '1', null, undefined, new Date(3)]);
      const decoded = roundTrip(set);
      expect(decoded).toBeInstanceOf(Set);
      expect(decoded).toEqual(set);
      expect(decoded.has(1)).toBe(true);
      expect(decoded.has('1')).toBe(true);
      expect(decoded.has(undefined)).toBe(true);
      expect(decoded.size).toBe(5);
    });

    it('an empty Map and an empty Set stay empty collections', () => {
      expect(roundTrip(new Map())).toEqual(new Map());
      expect(roundTrip(new Set())).toBeInstanceOf(Set);
    });

    it('a Buffer stays a Buffer with the same bytes', () => {
      const buffer = Buffer.from([0, 1, 2, 254, 255]);
      const decoded = roundTrip(buffer);
      expect(Buffer.isBuffer(decoded)).toBe(true);
      expect(decoded.equals(buffer)).toBe(true);
    });

    it('a Uint8Array stays a Uint8Array (not a Buffer) with the same bytes', () => {
      const bytes = new Uint8Array([9, 8, 7, 0, 255]);
      const decoded = roundTrip(bytes);
      expect(decoded).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(decoded)).toBe(false);
      expect([...decoded]).toEqual([9, 8, 7, 0, 255]);
    });

    it('a RegExp keeps its source and flags', () => {
      const regexp = /^a.b\/c$/gimsu;
      const decoded = roundTrip(regexp);
      expect(decoded).toBeInstanceOf(RegExp);
      expect(decoded.source).toBe(regexp.source);
      expect(decoded.flags).toBe(regexp.flags);
      expect(decoded.test('A\nB/C')).toBe(true);
    });
  });

  describe('nesting and awkward keys', () => {
    it('nested arrays and objects mixing every kind of value round-trip', () => {
      const value = {
        id: 1,
        text: '2024-01-01T00:00:00.000Z',
        when: new Date(1_700_000_000_000),
        counts: new Map<string, bigint>([['a', 10n ** 30n]]),
        members: new Set(['u1', 'u2']),
        list: [0, -0, NaN, Infinity, null, undefined, 'j', [new Date(1), { deep: new Map([[1, [2n]]]) }]],
        blob: Buffer.from('hi'),
        raw: new Uint8Array([1, 2]),
        pattern: /x+/g,
        flags: { on: true, off: false, missing: undefined },
      };
      const decoded = roundTrip(value);
      expect(decoded).toEqual(value);
      expect(decoded.when).toBeInstanceOf(Date);
      expect(typeof decoded.text).toBe('string');
      expect(decoded.counts.get('a')).toBe(10n ** 30n);
      expect(decoded.members).toBeInstanceOf(Set);
      expect(Object.is(decoded.list[1], -0)).toBe(true);
      expect(Number.isNaN(decoded.list[2])).toBe(true);
      expect(decoded.list[7]).toEqual([new Date(1), { deep: new Map([[1, [2n]]]) }]);
      expect(Buffer.isBuffer(decoded.blob)).toBe(true);
      expect(decoded.pattern).toBeInstanceOf(RegExp);
      expect('missing' in decoded.flags).toBe(true);
    });

    it('an object with a "\\u0000" key is not mistaken for a tag', () => {
      const tricky = { '\u0000': 'd', v: 0 };
      const decoded = roundTrip(tricky);
      expect(decoded).toEqual(tricky);
      expect(decoded).not.toBeInstanceOf(Date);
      expect(Object.keys(decoded).sort()).toEqual(['\u0000', 'v']);
    });

    it('a nested "\\u0000" key holding special values still round-trips', () => {
      const tricky = { inner: { '\u0000': 'u', v: new Date(2), n: undefined } };
      const decoded = roundTrip(tricky);
      expect(decoded.inner['\u0000']).toBe('u');
      expect(decoded.inner.v).toBeInstanceOf(Date);
      expect('n' in decoded.inner).toBe(true);
    });

    it.each([
      ['on the JSON path', () => JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>],
      [
        'on the tagged path',
        () => {
          const obj: Record<string, unknown> = { a: new Date(1) };
          Object.defineProperty(obj, '__proto__', { value: { polluted: true }, enumerable: true, writable: true, configurable: true });
          return obj;
        },
      ],
    ])('an own "__proto__" key comes back as an own property %s, without changing the prototype', (_path, make) => {
      const decoded = roundTrip(make());
      expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(decoded, '__proto__')).toBe(true);
      expect(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value).toEqual({ polluted: true });
      expect((decoded as { polluted?: boolean }).polluted).toBeUndefined();
      expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    });

    it('a class instance comes back as a plain object with its own fields', () => {
      class Message {
        constructor(
          public id: number,
          public sentAt: Date,
          public body: string,
        ) {}
        preview(): string {
          return this.body.slice(0, 3);
        }
      }
      const decoded = roundTrip(new Message(1, new Date(10), 'hello'));
      expect(decoded).not.toBeInstanceOf(Message);
      expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
      expect({ ...decoded }).toEqual({ id: 1, sentAt: new Date(10), body: 'hello' });
      expect(decoded.sentAt).toBeInstanceOf(Date);
    });
  });

  describe('errors', () => {
    it('rejects a cyclic object with a TypeError', () => {
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      expect(() => encodeValue(cyclic)).toThrow(TypeError);
    });

    it('rejects a cyclic array with a TypeError', () => {
      const cyclic: unknown[] = [];
      cyclic.push(cyclic);
      expect(() => encodeValue(cyclic)).toThrow(TypeError);
    });

    it.each(['', 'hello', 'x{"a":1}', '{"a":1}', 't{"\\u0000":"nope"}'])('decoding garbage %p throws a TypeError', (garbage) => {
      expect(() => decodeValue(garbage)).toThrow(TypeError);
    });

    it('refuses a top-level function or symbol with a TypeError (it would encode to nothing decodable)', () => {
      expect(() => encodeValue(() => 1)).toThrow(TypeError);
      expect(() => encodeValue(Symbol('s'))).toThrow(TypeError);
    });

    it('drops nested functions and symbols as JSON does: a member left out, an array item null', () => {
      expect(roundTrip({ a: 1, f: () => 1, s: Symbol('s') })).toEqual({ a: 1 });
      expect(roundTrip([1, () => 1])).toEqual([1, null]);
      expect(roundTrip([1, () => 1])).toEqual(JSON.parse(JSON.stringify([1, () => 1])));
    });
  });

  describe('lone UTF-16 surrogates (text cut in the middle of an emoji)', () => {
    const texts = ['\ud800', '\udc00', '\udc00\ud800', 'hi \ud83d', '\ude00 there', '\ud83d'.repeat(200)];

    it.each(texts)('a top-level string %p round-trips, and its encoding survives UTF-8 (what Redis stores)', (text) => {
      const encoded = encodeValue(text);
      const throughUtf8 = Buffer.from(encoded, 'utf8').toString('utf8');
      expect(throughUtf8).toBe(encoded);
      expect(decodeValue(throughUtf8)).toBe(text);
    });

    it('a well-formed string keeps the raw `s` encoding', () => {
      expect(encodeValue('caf\u00e9 \ud83d\ude00')).toBe('scaf\u00e9 \ud83d\ude00');
    });
  });
});
