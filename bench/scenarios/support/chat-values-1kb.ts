import { seededRandom } from '../../harness/measure';

/** The shape the chat API caches for a message (src/chat/chat.types.ts Message): times are ISO strings. */
export interface BenchMessage {
  id: string;
  sessionId: string;
  role: 'user' | 'assistant' | 'system';
  content: string;
  createdAt: string;
}

const WORDS = (
  'the a cache redis session message reply user assistant please thanks could you explain why how ' +
  'when where which latency memory tier invalidation stale fresh key value token stream answer ' +
  'question code error retry timeout connection server client request response json chat room'
).split(' ');
const ROLES = ['user', 'assistant', 'system'] as const;
const BASE_TIME = Date.UTC(2025, 0, 6, 9, 0, 0);

/**
 * `count` distinct chat messages whose JSON is about 1 KB (1000-1050 bytes), deterministic for a
 * seed. Values are plain JSON (strings and numbers only), so that every contender, JSON-based or
 * not, stores and returns the same data.
 */
export function kilobyteMessages(count: number, seed = 4): BenchMessage[] {
  const random = seededRandom(seed);
  const out: BenchMessage[] = [];
  for (let i = 0; i < count; i++) {
    const message: BenchMessage = {
      id: String(100_000 + i),
      sessionId: String(1_000 + (i % 97)),
      role: ROLES[i % 3],
      content: '',
      createdAt: new Date(BASE_TIME + i * 1_000).toISOString(),
    };
    const room = 1_000 - JSON.stringify(message).length;
    let content = '';
    while (content.length < room) content += (content ? ' ' : '') + WORDS[Math.floor(random() * WORDS.length)];
    message.content = content;
    out.push(message);
  }
  return out;
}
