import type { StoredLifetime } from '../util/entry-lifetime';
import { decodeValue } from './value-codec';

/**
 * How an entry lies in Redis: a one-line JSON header, a newline, then the encoded value.
 * The header is `[expiresAt, ttlMs, graceMs]` or `[expiresAt, ttlMs, graceMs, tags, tagVersions]`
 * for an entry that expires, `[0]` or `[0, tags, tagVersions]` for one that never does.
 * `expiresAt` (epoch ms, 0 for never) is when the value stops being fresh: Redis keeps it `graceMs`
 * longer (PX is TTL + grace), so that a reader with a cold L1 finds a graced value and knows it is
 * stale; `ttlMs` says how old it is (eager refresh). The tag versions are what the tags stood at
 * when the value's load began (see `RedisTagVersions`).
 *
 * Records written before lifetimes were recorded, `[expiresAt]` and `[expiresAt, tags,
 * tagVersions]`, still decode (a rolling deploy): no grace, and a TTL of 0, unknown. Those older
 * readers take the new headers for records not theirs (a miss, removed): never a stale value as fresh.
 */
export interface RedisRecord extends StoredLifetime {
  tags: string[] | undefined;
  tagVersions: string[] | undefined;
  /** The encoded value, decoded only once the record is known to be fresh. */
  payload: string;
}

/**
 * The record of a value already encoded (see `encodeValue`: encoding can refuse a value, before any
 * Redis call), with its lifetime (all integers: see `resolveLifetime`).
 */
export function encodeRecord(payload: string, lifetime: StoredLifetime, tags?: readonly string[], tagVersions?: readonly string[]): string {
  const { expiresAt, ttlMs, graceMs } = lifetime;
  if (tags && tags.length > 0) {
    const times = expiresAt === 0 ? [0] : [expiresAt, ttlMs, graceMs];
    return JSON.stringify([...times, tags, tagVersions]) + '\n' + payload;
  }
  // The common headers, `[0]` and `[expiresAt, ttlMs, graceMs]`, written without JSON.stringify or an
  // array (the same text for integers).
  if (expiresAt === 0) return '[0]\n' + payload;
  if (Number.isSafeInteger(expiresAt) && Number.isSafeInteger(ttlMs) && Number.isSafeInteger(graceMs)) {
    return '[' + expiresAt + ',' + ttlMs + ',' + graceMs + ']\n' + payload;
  }
  return JSON.stringify([expiresAt, ttlMs, graceMs]) + '\n' + payload;
}

export function parseRecord(raw: string): RedisRecord {
  const newline = raw.indexOf('\n');
  if (newline === -1) throw new TypeError('not a chat-cache record');
  const payload = raw.slice(newline + 1);
  const times = untaggedTimes(raw, newline);
  if (times !== undefined) return recordOf(times, undefined, undefined, payload);
  const header = splitHeader(JSON.parse(raw.slice(0, newline)));
  if (header === undefined) throw new TypeError('not a chat-cache record');
  return recordOf(header.times, header.tags, header.tagVersions, payload);
}

/**
 * `times` is `[expiresAt]` (never expires, or a record from before lifetimes) or `[expiresAt, ttlMs,
 * graceMs]`. One object literal of one shape: spreading a lifetime into the record cost V8 several
 * microseconds a read (measured), more than parsing the 1 KB value behind it.
 */
function recordOf(times: readonly number[], tags: string[] | undefined, tagVersions: string[] | undefined, payload: string): RedisRecord {
  const lifetimeKnown = times.length !== 1 && times[0] !== 0;
  return {
    expiresAt: times[0],
    ttlMs: lifetimeKnown ? times[1] : 0,
    graceMs: lifetimeKnown ? times[2] : 0,
    tags,
    tagVersions,
    payload,
  };
}

interface Header {
  times: number[];
  tags: string[] | undefined;
  tagVersions: string[] | undefined;
}

/**
 * `[...times, tags?, tagVersions?]` taken apart, or undefined when it is not ours. The header is
 * read before anything else, and its tags become Redis commands: what another client left under
 * our prefix must not turn into a malformed call (one that would count as a Redis failure).
 */
function splitHeader(header: unknown): Header | undefined {
  if (!Array.isArray(header)) return undefined;
  const timesEnd = typeof header[1] === 'number' ? 3 : 1;
  const times: unknown[] = header.slice(0, timesEnd);
  if (times.length !== timesEnd || !times.every(isTime)) return undefined;
  const [tags, versions, ...rest] = header.slice(timesEnd) as unknown[];
  if (rest.length > 0) return undefined;
  if (tags === undefined) return { times, tags: undefined, tagVersions: undefined };
  const valid =
    isStringList(tags) &&
    tags.length > 0 &&
    tags.every((tag) => tag.length > 0) &&
    (versions === undefined || versions === null || (isStringList(versions) && versions.length === tags.length));
  return valid ? { times, tags, tagVersions: (versions as string[] | null | undefined) ?? undefined } : undefined;
}

function isTime(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

export function recordValue<T>(record: RedisRecord): T {
  return decodeValue<T>(record.payload);
}

const MAX_FAST_DIGITS = 15;
const MAX_FAST_TIMES = 3;

/**
 * The times of a header of one or three plain integers, `[digits]` or `[digits,digits,digits]` (an
 * untagged entry, the common case), read without JSON.parse; undefined for any other header (tags,
 * or anything JSON.parse must judge: spaces, leading zeros, signs, exponents).
 */
function untaggedTimes(raw: string, newline: number): number[] | undefined {
  const last = newline - 1;
  if (raw.charCodeAt(0) !== 91 /* [ */ || raw.charCodeAt(last) !== 93 /* ] */) return undefined;
  const times: number[] = [];
  let start = 1;
  while (start <= last) {
    let end = start;
    while (end < last && raw.charCodeAt(end) !== 44 /* , */) end++;
    const value = plainInteger(raw, start, end);
    if (value === -1 || times.length === MAX_FAST_TIMES) return undefined;
    times.push(value);
    start = end + 1;
  }
  return times.length === 1 || times.length === MAX_FAST_TIMES ? times : undefined;
}

/** The integer written in `raw[start, end)` as digits only, without a leading zero; -1 otherwise. */
function plainInteger(raw: string, start: number, end: number): number {
  const digits = end - start;
  if (digits < 1 || digits > MAX_FAST_DIGITS || (digits > 1 && raw.charCodeAt(start) === 48) /* 0 */) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = raw.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
