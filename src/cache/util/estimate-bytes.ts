const STRING_HEADER_BYTES = 16;
const OBJECT_HEADER_BYTES = 32;
const SLOT_BYTES = 8;
const MAX_DEPTH = 64;

/**
 * A fast, deliberately generous estimate of the heap a value holds (strings count two bytes a
 * character, as V8 may store them). It stops walking once the estimate passes `limit`, so an
 * oversized value costs no more to reject than a value of `limit` bytes.
 *
 * Strings inside arrays and objects (most of a chat value: ids, text, ISO dates) are sized in the
 * loop rather than by a recursive call: the same figure, without a call per member.
 */
export function estimateBytes(value: unknown, limit = Number.MAX_SAFE_INTEGER): number {
  return sizeOf(value, 0, limit);
}

function sizeOf(value: unknown, depth: number, limit: number): number {
  switch (typeof value) {
    case 'string':
      return STRING_HEADER_BYTES + value.length * 2;
    case 'number':
      return SLOT_BYTES;
    case 'boolean':
    case 'undefined':
      return 4;
    case 'bigint':
      return STRING_HEADER_BYTES + Math.ceil(value.toString(16).length / 2);
    case 'object':
      break;
    default:
      return SLOT_BYTES;
  }
  if (value === null) return 4;
  if (depth >= MAX_DEPTH) return limit + 1; // cyclic or absurdly deep: never cache it
  if (value instanceof Date) return OBJECT_HEADER_BYTES;
  if (ArrayBuffer.isView(value)) return OBJECT_HEADER_BYTES + value.byteLength;
  let total = OBJECT_HEADER_BYTES;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && total <= limit; i++) {
      const item: unknown = value[i];
      total += SLOT_BYTES + (typeof item === 'string' ? STRING_HEADER_BYTES + item.length * 2 : sizeOf(item, depth + 1, limit));
    }
    return total;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) {
      total += sizeOf(k, depth + 1, limit) + sizeOf(v, depth + 1, limit);
      if (total > limit) break;
    }
    return total;
  }
  if (value instanceof Set) {
    for (const v of value) {
      total += SLOT_BYTES + sizeOf(v, depth + 1, limit);
      if (total > limit) break;
    }
    return total;
  }
  for (const key in value) {
    const member = (value as Record<string, unknown>)[key];
    total += STRING_HEADER_BYTES + key.length * 2 + (typeof member === 'string' ? STRING_HEADER_BYTES + member.length * 2 : sizeOf(member, depth + 1, limit));
    if (total > limit) break;
  }
  return total;
}

/** The estimate of one string, as `estimateBytes` counts it. */
export function estimateStringBytes(text: string): number {
  return STRING_HEADER_BYTES + text.length * 2;
}
