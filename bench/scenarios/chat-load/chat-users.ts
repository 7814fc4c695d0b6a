import { seededRandom } from '../../harness/measure';
import { chatMessages } from '../http/chat-messages';
import type { KeepAliveClient } from './keep-alive-client';

/** A seeding write that met a locked database is sent again this many times at most. */
const SEED_RETRIES_ON_BUSY = 5;

/** What a user's client knows of one of its sessions: what its next read must show. */
export interface KnownSession {
  id: string;
  title: string;
  messageCount: number;
  lastMessageId: string;
}

export interface ChatUser {
  id: string;
  token: string;
  sessions: KnownSession[];
}

export interface SeedPlan {
  users: number;
  sessionsPerUser: number;
  messagesPerSession: number;
  /** Users seeded at once. */
  concurrency: number;
}

/**
 * Creates the users, their sessions and messages through the API (POST /users, /sessions,
 * /sessions/:id/messages), spread over the instances, and answers what each user's client knows.
 */
export async function seedChatUsers(client: KeepAliveClient, plan: SeedPlan): Promise<ChatUser[]> {
  const users: ChatUser[] = new Array(plan.users);
  let next = 0;
  let calls = 0;
  const call = async (method: string, path: string, token: string, body: unknown, status: number) => {
    let response = await client.request(calls++ % client.instances, method, path, token, body);
    // Two instances writing one SQLite file: a write that waited past busy_timeout answers 503 and
    // changed nothing (the app's DatabaseUnavailableFilter), so it is sent again.
    for (let retry = 0; response.status === 503 && retry < SEED_RETRIES_ON_BUSY; retry++) {
      await new Promise((resolve) => setTimeout(resolve, 50 * (retry + 1)));
      response = await client.request(calls++ % client.instances, method, path, token, body);
    }
    if (response.status !== status)
      throw new Error(`seeding: ${method} ${path} answered ${response.status}: ${response.body.slice(0, 200)}`);
    return JSON.parse(response.body);
  };
  const seedOne = async (index: number): Promise<ChatUser> => {
    const created = await call('POST', '/users', '', { name: `bench user ${index}` }, 201);
    const user: ChatUser = { id: created.id, token: created.token, sessions: [] };
    const random = seededRandom(1000 + index);
    for (let s = 0; s < plan.sessionsPerUser; s++) {
      const title = `Session ${s + 1} of user ${index}`;
      const session = await call('POST', '/sessions', user.token, { title }, 201);
      let lastMessageId = '';
      for (const message of chatMessages(plan.messagesPerSession, random)) {
        lastMessageId = (await call('POST', `/sessions/${session.id}/messages`, user.token, message, 201)).id;
      }
      user.sessions.push({ id: session.id, title, messageCount: plan.messagesPerSession, lastMessageId });
    }
    return user;
  };
  const worker = async () => {
    while (next < plan.users) {
      const index = next++;
      users[index] = await seedOne(index);
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  return users;
}

/** An independent copy of what the clients know, for a variant that writes on its own copy of the data. */
export function copyUsers(users: readonly ChatUser[]): ChatUser[] {
  return users.map((user) => ({ ...user, sessions: user.sessions.map((session) => ({ ...session })) }));
}
