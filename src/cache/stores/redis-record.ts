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
  const header = tags && tags.length > 0 ? [expiresAt, tags, tagVersions] : [expiresAt];
  return JSON.stringify(header) + '\n' + encodeValue(value);
}

export function parseRecord(raw: string): RedisRecord {
  const newline = raw.indexOf('\n');
  if (newline === -1) throw new TypeError('not a chat-cache record');
  const header = JSON.parse(raw.slice(0, newline)) as [number, string[]?, string[]?];
  if (!Array.isArray(header) || typeof header[0] !== 'number') throw new TypeError('not a chat-cache record');
  return { expiresAt: header[0], tags: header[1], tagVersions: header[2], payload: raw.slice(newline + 1) };
}

export function recordValue<T>(record: RedisRecord): T {
  return decodeValue<T>(record.payload);
}
