import { decodeValue } from './value-codec';

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

/** The record of a value already encoded (see `encodeValue`: encoding can refuse a value, before any Redis call). */
export function encodeRecord(payload: string, expiresAt: number, tags?: readonly string[], tagVersions?: readonly string[]): string {
  if (tags && tags.length > 0) return JSON.stringify([expiresAt, tags, tagVersions]) + '\n' + payload;
  // The common header, `[expiresAt]`, written without JSON.stringify (same text for an integer).
  const header = Number.isSafeInteger(expiresAt) ? '[' + expiresAt + ']' : JSON.stringify([expiresAt]);
  return header + '\n' + payload;
}

export function parseRecord(raw: string): RedisRecord {
  const newline = raw.indexOf('\n');
  if (newline === -1) throw new TypeError('not a chat-cache record');
  const expiresAt = untaggedExpiry(raw, newline);
  if (expiresAt !== -1) return { expiresAt, tags: undefined, tagVersions: undefined, payload: raw.slice(newline + 1) };
  const header: unknown = JSON.parse(raw.slice(0, newline));
  if (!isHeader(header)) throw new TypeError('not a chat-cache record');
  return { expiresAt: header[0], tags: header[1], tagVersions: header[2] ?? undefined, payload: raw.slice(newline + 1) };
}

type Header = [expiresAt: number, tags?: string[], tagVersions?: string[] | null];

/**
 * The header is read before anything else, and its tags become Redis commands: what another client
 * left under our prefix must not turn into a malformed call (one that would count as a Redis failure).
 */
function isHeader(header: unknown): header is Header {
  if (!Array.isArray(header) || header.length > 3 || !Number.isSafeInteger(header[0]) || header[0] < 0) return false;
  if (header.length === 1) return true;
  const [, tags, versions] = header as unknown[];
  return (
    isStringList(tags) &&
    tags.length > 0 &&
    tags.every((tag) => tag.length > 0) &&
    (versions === undefined || versions === null || (isStringList(versions) && versions.length === tags.length))
  );
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
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
  if (digits < 1 || digits > MAX_FAST_DIGITS || (digits > 1 && raw.charCodeAt(1) === 48) /* 0 */) return -1;
  let value = 0;
  for (let i = 1; i < last; i++) {
    const digit = raw.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
