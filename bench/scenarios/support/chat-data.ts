/**
 * Chat-shaped keys and values, and seeded access sequences, for the memory-tier scenarios
 * (1, 2, 3, 8). Everything here is built before a timed batch, never inside it.
 */
import { seededRandom } from '../../harness/measure';

/** A v4-looking UUID drawn from `random`, so that ids are as long as the real ones. */
export function seededUuid(random: () => number): string {
  let hex = '';
  for (let i = 0; i < 32; i++) hex += ((random() * 16) | 0).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/**
 * `count` distinct keys shaped like those the chat backend caches (prefix `chat:`): a session
 * record, a page of messages per HTTP route and user, a user's session list, a search result.
 * 40 to 110 characters, flat strings (built once, so their hashes are cached by V8 for every contender alike).
 */
export function chatKeys(count: number, seed = 1): string[] {
  const random = seededRandom(seed);
  const users = Array.from({ length: Math.max(1, Math.ceil(count / 20)) }, () => seededUuid(random));
  const keys = new Set<string>();
  while (keys.size < count) {
    const user = users[(random() * users.length) | 0];
    const session = seededUuid(random);
    const shape = random();
    let key: string;
    if (shape < 0.35) key = `chat:session:${session}`;
    else if (shape < 0.75) key = `chat:http:${user}:GET:/sessions/${session}/messages?limit=50`;
    else if (shape < 0.9) key = `chat:http:${user}:GET:/sessions?limit=20`;
    else key = `chat:http:${user}:GET:/search?q=term${(random() * 1e6) | 0}&limit=20`;
    keys.add(key);
  }
  // Flatten: a key built by concatenation is a cons string until first hashed; make them all flat.
  return [...keys].map((key) => JSON.parse(JSON.stringify(key)) as string);
}

export interface ChatMessage {
  id: string;
  sessionId: string;
  role: 'user' | 'assistant' | 'system';
  content: string;
  createdAt: string;
}

const WORDS = [
  'cache',
  'session',
  'message',
  'redis',
  'hello',
  'thanks',
  'deploy',
  'latency',
  'token',
  'review',
  'the',
  'a',
  'is',
  'and',
  'of',
];

/** ASCII text of exactly `length` characters. */
export function seededText(random: () => number, length: number): string {
  let text = '';
  while (text.length < length) text += WORDS[(random() * WORDS.length) | 0] + ' ';
  return text.slice(0, length);
}

/** A message as the chat backend returns it; `contentLength` characters of ASCII content. */
export function chatMessage(random: () => number, contentLength: number, index = 0): ChatMessage {
  return {
    id: seededUuid(random),
    sessionId: seededUuid(random),
    role: index % 2 === 0 ? 'user' : 'assistant',
    content: seededText(random, contentLength),
    createdAt: new Date(Date.UTC(2025, 0, 1) + index * 1000).toISOString(),
  };
}

/**
 * Ranks 0..n-1 drawn with probability proportional to 1 / (rank + 1)^s, `length` of them.
 * Inverse-CDF sampling over a precomputed table (binary search), exact for any s >= 0.
 */
export function zipfRanks(n: number, s: number, length: number, random: () => number): Uint32Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / Math.pow(i + 1, s);
  const out = new Uint32Array(length);
  for (let j = 0; j < length; j++) {
    const u = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    out[j] = lo;
  }
  return out;
}

/** A seeded permutation of 0..n-1, so that popular ranks land on keys of every shape. */
export function seededPermutation(n: number, random: () => number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = (random() * (i + 1)) | 0;
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** `length` keys out of `keys`, Zipf(s)-skewed (popular ranks mapped to random keys). */
export function zipfKeySequence(keys: readonly string[], s: number, length: number, seed: number): string[] {
  const random = seededRandom(seed);
  const permutation = seededPermutation(keys.length, random);
  const ranks = zipfRanks(keys.length, s, length, random);
  const out = new Array<string>(length);
  for (let i = 0; i < length; i++) out[i] = keys[permutation[ranks[i]]];
  return out;
}

/** `length` keys out of `keys`, uniformly at random. */
export function uniformKeySequence(keys: readonly string[], length: number, seed: number): string[] {
  const random = seededRandom(seed);
  const out = new Array<string>(length);
  for (let i = 0; i < length; i++) out[i] = keys[(random() * keys.length) | 0];
  return out;
}

/**
 * Chat messages of about `jsonBytes` bytes of JSON each, generated one at a time, every string
 * flat and owning its characters (as strings decoded from Redis or read from SQLite are), so
 * that a memory measurement counts each message's own memory and nothing shared.
 */
export class KilobyteMessages {
  private readonly random: () => number;
  private readonly text: Buffer;
  private readonly hex = Buffer.alloc(36);
  private readonly contentLength: number;
  private index = 0;

  constructor(seed: number, jsonBytes = 1024) {
    this.random = seededRandom(seed);
    this.text = Buffer.from(seededText(this.random, 64 * 1024), 'latin1');
    const probe = JSON.stringify({ ...this.message(0), content: '' });
    this.contentLength = jsonBytes - probe.length;
    this.index = 0;
  }

  /** A flat 36-character UUID-shaped string. */
  uuid(): string {
    const hex = this.hex;
    for (let i = 0; i < 36; i++) hex[i] = i === 8 || i === 13 || i === 18 || i === 23 ? 45 : HEX_DIGITS[(this.random() * 16) | 0];
    return hex.toString('latin1');
  }

  /** The next message and its key (`chat:message:<id>`, flat). */
  next(): { key: string; value: ChatMessage } {
    const value = this.message(this.contentLength);
    return { key: Buffer.from(`chat:message:${value.id}`, 'latin1').toString('latin1'), value };
  }

  private message(contentLength: number): ChatMessage {
    const start = (this.random() * (this.text.length - contentLength)) | 0;
    const i = this.index++;
    return {
      id: this.uuid(),
      sessionId: this.uuid(),
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: this.text.toString('latin1', start, start + contentLength),
      createdAt: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
    };
  }
}

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
