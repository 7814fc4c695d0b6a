import { seededRandom } from '../../harness/measure';
import { chatMix, ChatOp, isWrite, PAGE_LIMIT, pickOp, SEARCH_WORDS } from './chat-mix';
import type { ChatUser, KnownSession } from './chat-users';
import type { ClientResponse, KeepAliveClient } from './keep-alive-client';

export interface LegResult {
  requests: number;
  durationS: number;
  /** Every request's latency, in microseconds. */
  latenciesUs: number[];
  reads: number;
  /** Reads answered `X-Cache: HIT`. */
  httpHits: number;
  /** Answers other than the route's 200 or 201. */
  unexpectedStatus: number;
  errors: number;
  /** Reads right after a write of the same user that showed the written session, and those that did not show the write. */
  checkedReads: number;
  staleReads: number;
}

/** A write whose effect the user's next read of that session must show. */
interface PendingCheck {
  session: KnownSession;
  /** A rename shows in a session and in the list, not in a page of messages. */
  renamed: boolean;
}

/** Where a variant serves the chat's reads for a user: the chat's own routes, or a per-user URL space. */
export type ReadPrefix = (user: ChatUser) => string;

const MAX_ERRORS = 100;

/**
 * The chat-shaped load of one variant over its users, leg after leg. `slots` requests are in
 * flight at once, each slot running its users in turn (one request in flight per user) and
 * sending each of its requests to the next instance (round robin), so a user's read after a
 * write often lands on the other instance.
 */
export class ChatLoad {
  private readonly randoms: (() => number)[];
  private readonly pending: (PendingCheck | undefined)[];
  private readonly mix = chatMix();
  private writes = 0;

  constructor(
    private readonly users: ChatUser[],
    private readonly readPrefix: ReadPrefix,
    seed: number,
  ) {
    this.randoms = users.map((_, index) => seededRandom(seed * 100_003 + index));
    this.pending = users.map(() => undefined);
  }

  async leg(client: KeepAliveClient, durationS: number, slots: number): Promise<LegResult> {
    const result: LegResult = {
      requests: 0,
      durationS: 0,
      latenciesUs: [],
      reads: 0,
      httpHits: 0,
      unexpectedStatus: 0,
      errors: 0,
      checkedReads: 0,
      staleReads: 0,
    };
    const started = process.hrtime.bigint();
    const deadline = Date.now() + durationS * 1000;
    const slot = async (index: number) => {
      const mine = this.users.map((_, user) => user).filter((user) => user % slots === index);
      for (let n = 0; Date.now() < deadline; n++) {
        await this.step(client, (index + n) % client.instances, mine[n % mine.length], result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(slots, this.users.length) }, (_, index) => slot(index)));
    result.durationS = Number(process.hrtime.bigint() - started) / 1e9;
    return result;
  }

  private async step(client: KeepAliveClient, instance: number, userIndex: number, result: LegResult): Promise<void> {
    const user = this.users[userIndex];
    const random = this.randoms[userIndex];
    const op = pickOp(random, this.mix);
    const session = user.sessions[Math.floor(random() * user.sessions.length)];
    let response: ClientResponse;
    try {
      response = await this.send(client, instance, user, op, session, random);
    } catch (error) {
      if (++result.errors > MAX_ERRORS) throw error;
      return;
    }
    result.requests++;
    result.latenciesUs.push(response.latencyUs);
    const expected = op === 'message' ? 201 : 200;
    if (response.status !== expected) {
      result.unexpectedStatus++;
      return;
    }
    if (isWrite(op)) {
      this.learn(op, session, response.body);
      const earlier = this.pending[userIndex];
      this.pending[userIndex] = { session, renamed: op === 'rename' || (earlier?.session === session && earlier.renamed) };
      return;
    }
    result.reads++;
    if (response.xCache === 'HIT') result.httpHits++;
    const check = this.pending[userIndex];
    if (check === undefined) return;
    const fresh = showsWrite(op, session, check, response.body);
    if (fresh === undefined) return;
    this.pending[userIndex] = undefined;
    result.checkedReads++;
    if (!fresh) result.staleReads++;
  }

  private send(
    client: KeepAliveClient,
    instance: number,
    user: ChatUser,
    op: ChatOp,
    session: KnownSession,
    random: () => number,
  ): Promise<ClientResponse> {
    const reads = this.readPrefix(user);
    const word = SEARCH_WORDS[Math.floor(random() * SEARCH_WORDS.length)];
    switch (op) {
      case 'list':
        return client.request(instance, 'GET', `${reads}/sessions`, user.token);
      case 'page':
        return client.request(instance, 'GET', `${reads}/sessions/${session.id}/messages?limit=${PAGE_LIMIT}`, user.token);
      case 'session':
        return client.request(instance, 'GET', `${reads}/sessions/${session.id}`, user.token);
      case 'search':
        return client.request(instance, 'GET', `${reads}/search?q=${word}`, user.token);
      case 'message':
        return client.request(instance, 'POST', `/sessions/${session.id}/messages`, user.token, {
          role: 'user',
          content: `Follow-up ${++this.writes}: how does the ${word} behave under load?`,
        });
      case 'rename':
        return client.request(instance, 'PATCH', `/sessions/${session.id}`, user.token, {
          title: `${session.title.split(',')[0]}, renamed ${++this.writes}`,
        });
    }
  }

  /** What a write changed, from its answer: the next read of the session must show it. */
  private learn(op: ChatOp, session: KnownSession, body: string): void {
    const answer = JSON.parse(body) as { id: string; title: string };
    if (op === 'message') {
      session.messageCount++;
      session.lastMessageId = answer.id;
    } else {
      session.title = answer.title;
    }
  }
}

/** Whether a read shows the pending write; undefined when this read does not show that session. */
function showsWrite(op: ChatOp, session: KnownSession, check: PendingCheck, body: string): boolean | undefined {
  const wanted = check.session;
  const same = (s: { title: string; messageCount: number }) => s.title === wanted.title && s.messageCount === wanted.messageCount;
  if (op === 'list') {
    const listed = (JSON.parse(body) as { items: { id: string; title: string; messageCount: number }[] }).items.find(
      (s) => s.id === wanted.id,
    );
    return listed === undefined ? undefined : same(listed);
  }
  if (session !== wanted) return undefined;
  if (op === 'session') return same(JSON.parse(body) as { title: string; messageCount: number });
  if (op === 'page' && !check.renamed) {
    const items = (JSON.parse(body) as { items: { id: string }[] }).items;
    return items[items.length - 1]?.id === wanted.lastMessageId;
  }
  return undefined;
}
