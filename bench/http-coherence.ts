/**
 * `npm run bench:http-coherence`: how soon instance B answers what was just written on instance A,
 * over HTTP, with both on one SQLite file and one Redis (started here on a free port). B has the
 * old answer cached (HTTP and service caches) before each write. It prints; it never asserts.
 */
import 'reflect-metadata';
import request from 'supertest';
import { bearer } from '../test/support/chat-app';
import { startSharedChatInstances } from '../test/support/shared-chat-instances';

const WRITES = 300;

async function main(): Promise<void> {
  const shared = await startSharedChatInstances(2);
  const [a, b] = shared.instances;
  try {
    const { token } = await a.signUp('bench');
    const session = (await request(a.http).post('/sessions').set(bearer(token)).send({ title: 'title 0' }).expect(201)).body;
    const readOnB = () => request(b.http).get(`/sessions/${session.id}`).set(bearer(token));
    const delaysMs: number[] = [];
    let staleReads = 0;
    for (let i = 1; i <= WRITES; i++) {
      await readOnB(); // B holds the current title
      await request(a.http)
        .patch(`/sessions/${session.id}`)
        .set(bearer(token))
        .send({ title: `title ${i}` })
        .expect(200);
      const answered = performance.now();
      while ((await readOnB()).body.title !== `title ${i}`) staleReads++;
      delaysMs.push(performance.now() - answered);
    }
    delaysMs.sort((x, y) => x - y);
    const at = (q: number) => delaysMs[Math.min(delaysMs.length - 1, Math.floor(q * delaysMs.length))].toFixed(2);
    console.log(`${WRITES} renames on A; B (which had the old title cached) answered the new one after:`);
    console.log(`median ${at(0.5)} ms, p99 ${at(0.99)} ms, worst ${at(1)} ms (counted from A's answer; includes one GET on B)`);
    console.log(`reads on B that still saw the old title after A answered: ${staleReads} of ${staleReads + WRITES}`);
  } finally {
    await shared.stop();
  }
}

void main();
