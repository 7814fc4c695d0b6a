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
export const PAGE_LIMIT = 8;

/** Words of the seeded messages (http/chat-messages.ts) and of the new ones: each user searches among them. */
export const SEARCH_WORDS = ['cache', 'index', 'redis', 'sqlite', 'cursor', 'instance', 'session', 'messages'];

export function isWrite(op: ChatOp): boolean {
  return op === 'message' || op === 'rename';
}

/**
 * The mix of this run: CHAT_MIX, or with BENCH_CHAT_READS_ONLY=1 its reads alone, in the same
 * proportions (what the cache gives when nothing invalidates: an experiment, not the scenario).
 */
export function chatMix(): readonly (readonly [ChatOp, number])[] {
  if (process.env.BENCH_CHAT_READS_ONLY !== '1') return CHAT_MIX;
  const reads = CHAT_MIX.filter(([op]) => !isWrite(op));
  const total = reads.reduce((sum, [, share]) => sum + share, 0);
  return reads.map(([op, share]) => [op, share / total] as const);
}

export function pickOp(random: () => number, mix: readonly (readonly [ChatOp, number])[] = CHAT_MIX): ChatOp {
  let r = random();
  for (const [op, share] of mix) {
    if (r < share) return op;
    r -= share;
  }
  return mix[0][0];
}
