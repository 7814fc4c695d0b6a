import request from 'supertest';
import { ChatRepository } from '../../src/chat/chat.repository';
import { bearer, ChatApp } from '../support/chat-app';
import { databaseTargets } from '../support/database-targets';
import { SharedChatInstances, startSharedChatInstances } from '../support/shared-chat-instances';

/** How soon another instance must see a write, counted from the moment the write answered. */
const COHERENCE_BOUND_MS = 100;

/** Long enough that both instances' reads of a cold key are in flight together. */
const SLOW_LOAD_MS = 300;

/**
 * Counts the instance's database reads of `method` for ids among `ids`, each slowed by
 * SLOW_LOAD_MS: the spy sits on the repository instance the app's services hold.
 */
function countSlowReads(app: ChatApp, method: 'findSession' | 'listMessages', ids: Set<string>): { calls: number } {
  const repository = app.app.get(ChatRepository, { strict: false });
  const original = repository[method].bind(repository) as (...args: unknown[]) => Promise<unknown>;
  const counted = { calls: 0 };
  jest.spyOn(repository, method).mockImplementation((async (...args: unknown[]) => {
    if (ids.has(args[0] as string)) {
      counted.calls++;
      await new Promise((resolve) => setTimeout(resolve, SLOW_LOAD_MS));
    }
    return original(...args);
  }) as never);
  return counted;
}

/** Polls `read` until `seen` holds or the bound passes; answers whether it held in time. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of several shapes
async function seenWithin(boundMs: number, read: () => Promise<request.Response>, seen: (body: any) => boolean): Promise<boolean> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const response = await read();
    if (response.status === 200 && seen(response.body)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe.each(databaseTargets())('two instances sharing one $database database and one Redis', (target) => {
  let shared: SharedChatInstances;
  let a: ChatApp;
  let b: ChatApp;
  let token: string;
  let sessionId: string;

  beforeAll(async () => {
    shared = await startSharedChatInstances(2, await target.env());
    [a, b] = shared.instances;
    ({ token } = await a.signUp('ada'));
    sessionId = (await request(a.http).post('/sessions').set(bearer(token)).send({ title: 'first' }).expect(201)).body.id;
  });

  afterAll(async () => {
    await shared.stop();
  });

  const onB = (path: string) => () => request(b.http).get(path).set(bearer(token));

  it('a token issued by A is accepted by B (one JWT_SECRET)', async () => {
    await request(b.http).get('/users/me').set(bearer(token)).expect(200);
  });

  it("a cold session's details and newest page, read at once on both instances, come from the database once (lock 'cluster')", async () => {
    const cold = (await request(a.http).post('/sessions').set(bearer(token)).send({ title: 'hot' }).expect(201)).body.id;
    const ids = new Set([cold]);
    const details = [countSlowReads(a, 'findSession', ids), countSlowReads(b, 'findSession', ids)];
    const pages = [countSlowReads(a, 'listMessages', ids), countSlowReads(b, 'listMessages', ids)];
    try {
      const reads = [a, b].flatMap((app) =>
        [`/sessions/${cold}`, `/sessions/${cold}/messages`].map((path) => request(app.http).get(path).set(bearer(token))),
      );
      const answers = await Promise.all(reads);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
      expect(answers[0].body.title).toBe('hot');
      expect(answers[2].body.title).toBe('hot');
      // Under the process's single-flight alone each instance would read each once: 2 and 2.
      expect(details[0].calls + details[1].calls).toBe(1);
      expect(pages[0].calls + pages[1].calls).toBe(1);
    } finally {
      jest.restoreAllMocks();
      // The tests below count the user's sessions.
      await request(a.http).delete(`/sessions/${cold}`).set(bearer(token)).expect(204);
    }
  });

  it('a rename on A is seen on B, which had the old title cached', async () => {
    const before = await onB(`/sessions/${sessionId}`)();
    expect(before.body.title).toBe('first');
    expect((await onB(`/sessions/${sessionId}`)()).headers['x-cache']).toBe('HIT');

    await request(a.http).patch(`/sessions/${sessionId}`).set(bearer(token)).send({ title: 'renamed on A' }).expect(200);
    expect(await seenWithin(COHERENCE_BOUND_MS, onB(`/sessions/${sessionId}`), (s) => s.title === 'renamed on A')).toBe(true);
    expect(await seenWithin(COHERENCE_BOUND_MS, onB('/sessions'), (l) => l.items[0].title === 'renamed on A')).toBe(true);
  });

  it('a message posted on A is in B’s page, count and search', async () => {
    expect((await onB(`/sessions/${sessionId}/messages`)()).body.items).toEqual([]);
    expect((await onB('/search?q=coherent')()).body.items).toEqual([]);

    const message = (
      await request(a.http)
        .post(`/sessions/${sessionId}/messages`)
        .set(bearer(token))
        .send({ role: 'user', content: 'a coherent cache' })
        .expect(201)
    ).body;
    expect(await seenWithin(COHERENCE_BOUND_MS, onB(`/sessions/${sessionId}/messages`), (p) => p.items[0]?.id === message.id)).toBe(true);
    expect(await seenWithin(COHERENCE_BOUND_MS, onB(`/sessions/${sessionId}`), (s) => s.messageCount === 1)).toBe(true);
    expect(await seenWithin(COHERENCE_BOUND_MS, onB('/search?q=coherent'), (r) => r.items[0]?.messageId === message.id)).toBe(true);
  });

  it('a delete on A is a 404 on B', async () => {
    await onB(`/sessions/${sessionId}`)().then((r) => expect(r.status).toBe(200));
    await request(a.http).delete(`/sessions/${sessionId}`).set(bearer(token)).expect(204);
    const deadline = Date.now() + COHERENCE_BOUND_MS;
    let status = 200;
    while (status === 200 && Date.now() <= deadline) status = (await onB(`/sessions/${sessionId}`)()).status;
    expect(status).toBe(404);
    expect(await seenWithin(COHERENCE_BOUND_MS, onB('/sessions'), (l) => l.items.length === 0)).toBe(true);
  });
});
