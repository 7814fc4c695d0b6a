import { decodeValue, encodeValue } from './value-codec';

/**
 * How an entry lies in Redis: a one-line JSON header, a newline, then the encoded value.
 * The header is `[expiresAt]` or `[expiresAt, tags, tagVersions]`; `expiresAt` (epoch ms, 0 for
 * never) lets a reader fill L1 for no longer than the entry has left, and the tag versions are
 * what the tags stood at when the value's load began (see `RedisTagVersions`).
 */
export interface RedisRecord {
  expiresAt: number;
  tags: string[] | undefined;
  tagVersions: string[] | undefined;
  /** The encoded value, decoded only once the record is known to be fresh. */
  payload: string;
}

export function encodeRecord(
  value: unknown,
  expiresAt: number,
  tags?: readonly string[],
  tagVersions?: readonly string[],
): string {
  if (tags && tags.length > 0) return JSON.stringify([expiresAt, tags, tagVersions]) + '\n' + encodeValue(value);
  // The common header, `[expiresAt]`, written without JSON.stringify (same text for an integer).
  const header = Number.isSafeInteger(expiresAt) ? '[' + expiresAt + ']' : JSON.stringify([expiresAt]);
  return header + '\n' + encodeValue(value);
}

export function parseRecord(raw: string): RedisRecord {
  const newline = raw.indexOf('\n');
  if (newline === -1) throw new TypeError('not a chat-cache record');
  const expiresAt = untaggedExpiry(raw, newline);
  if (expiresAt !== -1) return { expiresAt, tags: undefined, tagVersions: undefined, payload: raw.slice(newline + 1) };
  const header = JSON.parse(raw.slice(0, newline)) as [number, string[]?, string[]?];
  if (!Array.isArray(header) || typeof header[0] !== 'number') throw new TypeError('not a chat-cache record');
  return { expiresAt: header[0], tags: header[1], tagVersions: header[2], payload: raw.slice(newline + 1) };
}

export function recordValue<T>(record: RedisRecord): T {
  return decodeValue<T>(record.payload);
}

const MAX_FAST_DIGITS = 15;

/**
 * The expiry of a header `[digits]` (an untagged entry, the common case), read without JSON.parse;
 * -1 for any other header (tags, or anything JSON.parse must judge: leading zeros, signs, exponents).
 */
function untaggedExpiry(raw: string, newline: number): number {
  const last = newline - 1;
  if (raw.charCodeAt(0) !== 91 /* [ */ || raw.charCodeAt(last) !== 93 /* ] */) return -1;
  const digits = last - 1;
  if (digits < 1 || digits > MAX_FAST_DIGITS || (digits > 1 && raw.charCodeAt(1) === 48 /* 0 */)) return -1;
  let value = 0;
  for (let i = 1; i < last; i++) {
    const digit = raw.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
