import { isWellFormed } from '../util/well-formed';

/**
 * Turns values into strings for Redis and back, exactly: a string stays a string (even one that
 * looks like a date), a Date stays a Date, Maps, Sets, BigInts, undefined, NaN, -0, Infinity,
 * Buffers and RegExps survive, at any depth. (cache-manager-ioredis-yet's telejson serializer
 * turned date-like strings into Dates and emptied Maps and Sets; Keyv's JSON turned Dates into
 * strings.)
 *
 * Three encodings, told apart by the first character:
 * - `s` + the string itself, for a top-level string: no escaping work at all;
 * - `j` + JSON, for values JSON already round-trips (checked by one walk): the common case,
 *   as fast as JSON.stringify / JSON.parse; also a top-level string with a lone UTF-16 surrogate
 *   (text cut in the middle of an emoji), which UTF-8, and so Redis, cannot hold as it is: JSON
 *   writes it as a `\ud800` escape, as it already does for strings inside objects;
 * - `t` + JSON of a tagged tree, for everything else: special values become `{"\u0000": type,
 *   "v": payload}` objects (a user object that has a "\u0000" key is itself wrapped, so nothing
 *   user-supplied can pass for a tag).
 *
 * Class instances other than those above come back as plain objects, as with JSON; functions and
 * symbols inside a value are dropped as JSON drops them (a member left out, an array item null).
 * A function or symbol at the top level, which would leave nothing to decode, and cyclic values are
 * rejected with a TypeError. Every encoding is well-formed UTF-16, so it survives UTF-8.
 *
 * `decodeValue` reads what Redis holds, which anyone may have written: it throws on anything that
 * is not one of our encodings, and callers treat that as a value to drop, not as a Redis failure.
 */
const TAG = '\u0000';
const MAX_DEPTH = 200;

/** False for what `encodeValue` refuses at the top level: functions and symbols. */
export function isRepresentable(value: unknown): boolean {
  return typeof value !== 'function' && typeof value !== 'symbol';
}

export function encodeValue(value: unknown): string {
  if (typeof value === 'string') return isWellFormed(value) ? 's' + value : 'j' + JSON.stringify(value);
  if (!isRepresentable(value)) throw new TypeError(`a ${typeof value} cannot be cached: it has no value to store`);
  if (isPlainJson(value, 0)) return 'j' + JSON.stringify(value);
  return 't' + JSON.stringify(toTagged(value, 0));
}

export function decodeValue<T = unknown>(encoded: string): T {
  switch (encoded.charCodeAt(0)) {
    case 115 /* s */:
      return encoded.slice(1) as T;
    case 106 /* j */:
      return JSON.parse(encoded.slice(1)) as T;
    case 116 /* t */:
      return fromTagged(JSON.parse(encoded.slice(1))) as T;
    default:
      throw new TypeError(`not an encoded cache value (starts with ${JSON.stringify(encoded[0])})`);
  }
}

function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || !isPlainJson(value[i], depth + 1)) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) {
    if (key === TAG || !isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

type Tagged = { [TAG]: string; v?: unknown };

function tagged(type: string, payload?: unknown): Tagged {
  return payload === undefined ? { [TAG]: type } : { [TAG]: type, v: payload };
}

function toTagged(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new TypeError('value is cyclic or nested too deeply to cache');
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value) && !Object.is(value, -0)) return value;
      return tagged('n', Object.is(value, -0) ? '-0' : String(value));
    case 'undefined':
      return tagged('u');
    case 'bigint':
      return tagged('b', value.toString());
    case 'object':
      break;
    default:
      return undefined; // functions and symbols: dropped, as JSON drops them
  }
  if (value === null) return null;
  const next = depth + 1;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = toTagged(value[i], next);
    return out;
  }
  if (value instanceof Date) {
    const time = value.getTime();
    return tagged('d', Number.isNaN(time) ? null : time);
  }
  if (value instanceof Map) {
    const pairs: unknown[] = [];
    for (const [k, v] of value) pairs.push([toTagged(k, next), toTagged(v, next)]);
    return tagged('m', pairs);
  }
  if (value instanceof Set) {
    const items: unknown[] = [];
    for (const v of value) items.push(toTagged(v, next));
    return tagged('s', items);
  }
  if (Buffer.isBuffer(value)) return tagged('B', value.toString('base64'));
  if (value instanceof Uint8Array) return tagged('U', Buffer.from(value).toString('base64'));
  if (value instanceof RegExp) return tagged('r', [value.source, value.flags]);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return toTagged(toJSON.call(value), next);
  const out: Record<string, unknown> = {};
  let hasTagKey = false;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'function' || typeof item === 'symbol') continue;
    if (key === TAG) hasTagKey = true;
    defineKey(out, key, toTagged(item, next));
  }
  return hasTagKey ? tagged('o', out) : out;
}

function fromTagged(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = fromTagged(node[i]);
    return node;
  }
  const record = node as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(record, TAG)) return fromTag(record[TAG] as string, record.v);
  return reviveProperties(record);
}

function fromTag(type: string, payload: unknown): unknown {
  switch (type) {
    case 'n':
      return payload === '-0' ? -0 : Number(payload);
    case 'u':
      return undefined;
    case 'b':
      return BigInt(payload as string);
    case 'd':
      return new Date(payload === null ? NaN : (payload as number));
    case 'm':
      return new Map((payload as [unknown, unknown][]).map(([k, v]) => [fromTagged(k), fromTagged(v)]));
    case 's':
      return new Set((payload as unknown[]).map(fromTagged));
    case 'B':
      return Buffer.from(payload as string, 'base64');
    case 'U':
      return new Uint8Array(Buffer.from(payload as string, 'base64'));
    case 'r':
      return new RegExp((payload as string[])[0], (payload as string[])[1]);
    case 'o':
      return reviveProperties(payload as Record<string, unknown>);
    default:
      throw new TypeError(`unknown tag ${JSON.stringify(type)} in an encoded cache value`);
  }
}

function reviveProperties(record: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(record)) defineKey(record, key, fromTagged(record[key]));
  return record;
}

/** Plain assignment to "__proto__" would change the object's prototype instead of adding a key. */
function defineKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
