/**
 * The chat-shaped mix of scenario 15, per user: 90% reads (the session list, the newest page of a
 * session, a session, a search), 10% writes (a new message, a rename). A user's requests follow
 * one another (one in flight per user), so the read after a write can be checked against it.
 */
export type ChatOp = 'list' | 'page' | 'session' | 'search' | 'message' | 'rename';

/** Each operation and its share of a user's requests. */
export const CHAT_MIX: readonly (readonly [ChatOp, number])[] = [
  ['list', 0.225],
  ['page', 0.225],
  ['session', 0.225],
  ['search', 0.225],
  ['message', 0.07],
  ['rename', 0.03],
];

/** The newest page: the same size whatever the writes added, so that no variant reads more bytes than another. */
export const PAGE_LIMIT = 10;

/** Words of the seeded messages (http/chat-messages.ts) and of the new ones: each user searches among them. */
export const SEARCH_WORDS = ['cache', 'index', 'redis', 'sqlite', 'cursor', 'instance', 'session', 'messages'];

export function isWrite(op: ChatOp): boolean {
  return op === 'message' || op === 'rename';
}

export function pickOp(random: () => number): ChatOp {
  let r = random();
  for (const [op, share] of CHAT_MIX) {
    if (r < share) return op;
    r -= share;
  }
  return CHAT_MIX[0][0];
}
