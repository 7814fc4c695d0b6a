/** Chat-like messages for scenario 7: a user asking, an assistant answering at length, seeded. */

const QUESTIONS = [
  'How do I add an index on messages(session_id, created_at) without locking the table?',
  'Can you show me the migration for that?',
  'What happens to the cache when a message is edited — do other instances see it right away?',
  'Is there a way to page backwards from a given message id?',
  'Why does the p99 jump when Redis restarts?',
  'Could we keep the last 50 messages per session in memory and the rest in SQLite?',
  'Thanks! One more thing: how should I size maxBytes for 10k active sessions?',
];

const WORDS = (
  'the cache keeps a copy of each page of messages for its session and drops it when a new message ' +
  'arrives; every instance hears the invalidation on the bus and forgets its own copy, so a client ' +
  'reads its own write. with a cursor you ask for the messages older than a given id, newest first, ' +
  'and the server answers them oldest first with the next cursor. Redis holds the shared tier; ' +
  'when it stalls, each call gives up after the command timeout and the circuit opens, so requests ' +
  'are served from memory or from SQLite. sizing: an average page is about eight kilobytes, ' +
  'so ten thousand sessions need roughly eighty megabytes — café, naïve, 👍 included.'
).split(' ');

export interface ChatMessageInput {
  role: 'user' | 'assistant';
  content: string;
}

export function chatMessages(count: number, random: () => number): ChatMessageInput[] {
  const messages: ChatMessageInput[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      messages.push({ role: 'user', content: QUESTIONS[Math.floor(random() * QUESTIONS.length)] });
    } else {
      const length = 40 + Math.floor(random() * 80);
      const start = Math.floor(random() * WORDS.length);
      const words = Array.from({ length }, (_, k) => WORDS[(start + k) % WORDS.length]);
      words[0] = words[0][0].toUpperCase() + words[0].slice(1);
      const code =
        random() < 0.3 ? '\n\n```sql\nCREATE INDEX CONCURRENTLY messages_session_created ON messages (session_id, created_at);\n```' : '';
      messages.push({ role: 'assistant', content: `${words.join(' ')}.${code}` });
    }
  }
  return messages;
}
