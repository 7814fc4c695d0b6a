/**
 * Heap bytes a value holds, as V8 (Node 20, x64, no pointer compression: 8-byte slots) lays it out,
 * measured against `process.memoryUsage().heapUsed` by bench scenario 9: within 1.5x either way for
 * the values this app caches (strings, flat objects such as Session and Message, arrays of them,
 * MessagePage, HTTP bodies). What it counts:
 * - a string: a 16-byte header and one byte a character, or two when it holds a character above
 *   U+00FF (V8 stores Latin-1 text in one byte); rounded up to 8;
 * - a plain object: 24 bytes and one slot a property; its keys are free, since objects of one shape
 *   share them (through their hidden class). Past 128 properties V8 keeps a hash table instead:
 *   about 48 bytes a property, plus the keys, which such objects (records keyed by ids) rarely share;
 * - an array: 48 bytes and one slot an item;
 * - a number: nothing besides its slot when it is a small integer, 16 bytes for a double
 *   (an array of numbers only keeps doubles unboxed: one slot each);
 * - true, false, null, undefined: nothing besides their slot (V8 shares them).
 *
 * Known blind spots, outside what the app caches: objects used as dictionaries with fewer than 128
 * keys (their keys are not shared: up to about 10x more than counted), strings that share memory
 * with others (slices, concatenations), Buffers (their bytes are counted, though they live outside
 * the V8 heap). It stops walking once the estimate passes `limit`, so an oversized value costs no
 * more to refuse than a value of `limit` bytes. It runs on every L1 write: one pass, no allocation.
 */
const SLOT_BYTES = 8;
const STRING_HEADER_BYTES = 16;
const HEAP_NUMBER_BYTES = 16;
const OBJECT_HEADER_BYTES = 24;
const ARRAY_HEADER_BYTES = 48;
const DATE_BYTES = 96;
const COLLECTION_HEADER_BYTES = 32;
const MAP_ENTRY_BYTES = 40;
const SET_ENTRY_BYTES = 28;
const BINARY_HEADER_BYTES = 184;
/** Past this many properties V8 turns an object into a hash table (a dictionary-mode object). */
const FAST_PROPERTIES = 128;
const DICTIONARY_PROPERTY_BYTES = 48;
/**
 * Shorter strings (ids, dates, roles) are counted one byte a character without looking: the error
 * is at most this many bytes a string, and the check costs a call.
 */
const CHECKED_STRING_LENGTH = 64;
const MAX_DEPTH = 64;
/** Matches a character V8 cannot store in one byte; fails at once on a one-byte string (irregexp knows). */
// eslint-disable-next-line no-control-regex -- the range starts at U+0000 on purpose: every one-byte character
const TWO_BYTE_CHARACTER = /[^\u0000-\u00ff]/;

export function estimateBytes(value: unknown, limit = Number.MAX_SAFE_INTEGER): number {
  return sizeOf(value, 0, limit);
}

/** The estimate of one string, as `estimateBytes` counts it. */
export function estimateStringBytes(text: string): number {
  const length = text.length;
  const bytes = length >= CHECKED_STRING_LENGTH && TWO_BYTE_CHARACTER.test(text) ? length * 2 : length;
  return (STRING_HEADER_BYTES + bytes + 7) & ~7;
}

function numberBytes(value: number): number {
  return (value | 0) === value ? 0 : HEAP_NUMBER_BYTES;
}

function sizeOf(value: unknown, depth: number, limit: number): number {
  switch (typeof value) {
    case 'string':
      return estimateStringBytes(value);
    case 'number':
      return numberBytes(value);
    case 'boolean':
    case 'undefined':
      return 0;
    case 'bigint':
      return STRING_HEADER_BYTES + SLOT_BYTES * Math.ceil(value.toString(16).length / 16);
    case 'object':
      break;
    default:
      return SLOT_BYTES;
  }
  if (value === null) return 0;
  if (depth >= MAX_DEPTH) return limit + 1; // cyclic or absurdly deep: never cache it
  if (Array.isArray(value)) return arrayBytes(value, depth, limit);
  if (value instanceof Date) return DATE_BYTES;
  if (ArrayBuffer.isView(value)) return BINARY_HEADER_BYTES + value.byteLength;
  if (value instanceof Map) {
    let total = COLLECTION_HEADER_BYTES;
    for (const [k, v] of value) {
      total += MAP_ENTRY_BYTES + sizeOf(k, depth + 1, limit) + sizeOf(v, depth + 1, limit);
      if (total > limit) break;
    }
    return total;
  }
  if (value instanceof Set) {
    let total = COLLECTION_HEADER_BYTES;
    for (const v of value) {
      total += SET_ENTRY_BYTES + sizeOf(v, depth + 1, limit);
      if (total > limit) break;
    }
    return total;
  }
  return objectBytes(value as Record<string, unknown>, depth, limit);
}

/** Strings and numbers (most of a chat value) are sized in the loop, without a call per member. */
function arrayBytes(array: readonly unknown[], depth: number, limit: number): number {
  let total = ARRAY_HEADER_BYTES;
  let boxedNumbers = 0;
  let onlyNumbers = true;
  for (let i = 0; i < array.length && total <= limit; i++) {
    const item: unknown = array[i];
    total += SLOT_BYTES;
    if (typeof item === 'number') boxedNumbers += numberBytes(item);
    else {
      onlyNumbers = false;
      total += typeof item === 'string' ? estimateStringBytes(item) : sizeOf(item, depth + 1, limit);
    }
  }
  return onlyNumbers ? total : total + boxedNumbers;
}

function objectBytes(object: Record<string, unknown>, depth: number, limit: number): number {
  let total = OBJECT_HEADER_BYTES;
  let properties = 0;
  for (const key in object) {
    const member = object[key];
    properties++;
    total +=
      typeof member === 'string'
        ? estimateStringBytes(member)
        : typeof member === 'number'
          ? numberBytes(member)
          : sizeOf(member, depth + 1, limit);
    if (total > limit) return total;
  }
  if (properties <= FAST_PROPERTIES) return total + properties * SLOT_BYTES;
  total += properties * DICTIONARY_PROPERTY_BYTES;
  for (const key in object) total += estimateStringBytes(key);
  return total;
}
