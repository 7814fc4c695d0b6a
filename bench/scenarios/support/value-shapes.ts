/**
 * The shapes of value the chat backend caches, for scenario 9 (estimate against heap). Each
 * generator makes a fresh value per call whose strings are flat and own their characters (as
 * strings read from SQLite or decoded from Redis are), so that a heap measurement counts each
 * value's own memory and nothing shared with the next.
 */
import { encodeValue, decodeValue } from '../../../src/cache/stores/value-codec';
import { seededRandom } from '../../harness/measure';
import { seededText } from './chat-data';

export interface ValueShape {
  name: string;
  /** Values to hold so that a shape fills about the same heap as another. */
  count: number;
  make(): unknown;
}

const ASCII = Buffer.from(seededText(seededRandom(901), 256 * 1024), 'latin1');
/** CJK and emoji text: V8 stores it two bytes a character. */
const TWO_BYTE = Buffer.from('\u4f60\u597d\uff0c\u7f13\u5b58\u4f1a\u8bdd\u6d88\u606f \ud83d\ude00 '.repeat(16 * 1024), 'utf16le');

class Text {
  private readonly random = seededRandom(902);

  ascii(length: number): string {
    const start = (this.random() * (ASCII.length - length)) | 0;
    return ASCII.toString('latin1', start, start + length);
  }

  twoByte(length: number): string {
    // Whole characters only: start and end on an even unit of the repeating text.
    const units = TWO_BYTE.length / 2;
    const start = ((this.random() * (units - length - 2)) | 0) & ~1;
    return TWO_BYTE.toString('utf16le', start * 2, (start + length) * 2);
  }

  uuid(): string {
    let hex = '';
    for (let i = 0; i < 32; i++) hex += ((this.random() * 16) | 0).toString(16);
    return Buffer.from(
      `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`,
      'latin1',
    ).toString('latin1');
  }

  iso(i: number): string {
    return Buffer.from(new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(), 'latin1').toString('latin1');
  }
}

const text = new Text();
let serial = 0;

function message(contentLength: number, twoByte = false) {
  const i = serial++;
  return {
    id: text.uuid(),
    sessionId: text.uuid(),
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: twoByte ? text.twoByte(contentLength) : text.ascii(contentLength),
    createdAt: text.iso(i),
  };
}

function session() {
  const i = serial++;
  return {
    id: text.uuid(),
    userId: text.uuid(),
    title: text.ascii(40),
    createdAt: text.iso(i),
    updatedAt: text.iso(i + 1),
    messageCount: i % 500,
    lastMessageAt: i % 3 === 0 ? null : text.iso(i + 2),
  };
}

function page(messages: number, contentLength: number, twoByte = false) {
  return { items: Array.from({ length: messages }, () => message(contentLength, twoByte)), nextCursor: text.uuid() };
}

/** A page as a reader of Redis gets it: decoded by the codec (JSON.parse: fresh strings, internalized keys). */
function decodedPage(messages: number, contentLength: number) {
  return decodeValue(encodeValue(page(messages, contentLength)));
}

/** What the HTTP cache stores: the JSON body and its ETag. */
function httpResponse(messages: number, contentLength: number) {
  const body = Buffer.from(JSON.stringify(page(messages, contentLength)), 'latin1').toString('latin1');
  return { body, etag: Buffer.from(`"${text.uuid().slice(0, 27)}"`, 'latin1').toString('latin1') };
}

const MB = 1024 * 1024;
/** About this much heap per shape: large against the noise of a GC, small enough for a shared machine. */
const TARGET_BYTES = 48 * MB;
const countFor = (approxBytes: number) => Math.max(100, Math.round(TARGET_BYTES / approxBytes));

export const VALUE_SHAPES: ValueShape[] = [
  { name: 'string, 40 ASCII chars (an id, a title)', count: countFor(56), make: () => text.ascii(40) },
  { name: 'string, 1,000 ASCII chars', count: countFor(1_016), make: () => text.ascii(1_000) },
  { name: 'string, 1,000 CJK/emoji units (two-byte)', count: countFor(2_016), make: () => text.twoByte(1_000) },
  { name: 'string, 32,000 ASCII chars (a long message)', count: countFor(32_016), make: () => text.ascii(32_000) },
  { name: 'Message, 200 ASCII chars of content', count: countFor(500), make: () => message(200) },
  { name: 'Message, 1,000 ASCII chars of content', count: countFor(1_300), make: () => message(1_000) },
  { name: 'Message, 500 two-byte units of content', count: countFor(1_300), make: () => message(500, true) },
  { name: 'Session', count: countFor(450), make: () => session() },
  { name: 'array of 20 Sessions (a session list)', count: countFor(9_000), make: () => Array.from({ length: 20 }, () => session()) },
  { name: 'MessagePage, 50 messages of 200 ASCII chars', count: countFor(25_000), make: () => page(50, 200) },
  { name: 'MessagePage, 50 messages of 200 chars, decoded from Redis', count: countFor(25_000), make: () => decodedPage(50, 200) },
  { name: 'MessagePage, 50 messages of 200 two-byte units', count: countFor(35_000), make: () => page(50, 200, true) },
  { name: 'MessagePage, 5 messages of 32,000 ASCII chars', count: countFor(160_000), make: () => page(5, 32_000) },
  { name: 'HTTP response (JSON body of a 50-message page, ETag)', count: countFor(16_000), make: () => httpResponse(50, 200) },
];
