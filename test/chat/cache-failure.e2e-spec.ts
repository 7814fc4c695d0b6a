import request from 'supertest';
import { CacheService } from '../../src/cache';
import { bearer, ChatApp, startChatApp } from '../support/chat-app';
import { databaseTargets } from '../support/database-targets';

/** A cache that fails (a fault a real Redis cannot be made to produce on demand) never fails a write. */
describe.each(databaseTargets())('when the cache fails ($database)', (target) => {
  let chat: ChatApp;

  beforeAll(async () => {
    chat = await startChatApp({ ADMIN_TOKEN: 'admin', ...(await target.env()) });
  });

  afterAll(async () => {
    await chat.close();
  });

  it('a write whose invalidation throws still answers, is kept, and the failure is counted', async () => {
    const { token } = await chat.signUp();
    const session = (await request(chat.http).post('/sessions').set(bearer(token)).send({ title: 't' }).expect(201)).body;
    const cache = chat.app.get(CacheService);
    const invalidateTags = jest.spyOn(cache, 'invalidateTags').mockRejectedValue(new Error('cache down'));
    try {
      await request(chat.http)
        .post(`/sessions/${session.id}/messages`)
        .set(bearer(token))
        .send({ role: 'user', content: 'kept' })
        .expect(201);
      await request(chat.http).patch(`/sessions/${session.id}`).set(bearer(token)).send({ title: 'renamed' }).expect(200);
      expect(invalidateTags).toHaveBeenCalledTimes(2);
    } finally {
      invalidateTags.mockRestore();
    }
    const stats = await request(chat.http).get('/cache/stats').set(bearer('admin')).expect(200);
    expect(stats.body.invalidationListener.failures).toBe(2);

    // The writes are in the database: once the stale entries are dropped, reads show them.
    await cache.clear();
    const page = await request(chat.http).get(`/sessions/${session.id}/messages`).set(bearer(token)).expect(200);
    expect(page.body.items.map((m: { content: string }) => m.content)).toEqual(['kept']);
    expect((await request(chat.http).get(`/sessions/${session.id}`).set(bearer(token)).expect(200)).body.title).toBe('renamed');
  });

  it('a read whose cache throws is served from the database', async () => {
    const { token } = await chat.signUp();
    const session = (await request(chat.http).post('/sessions').set(bearer(token)).send({ title: 'from the db' }).expect(201)).body;
    const cache = chat.app.get(CacheService);
    const getOrSet = jest.spyOn(cache, 'getOrSet').mockRejectedValue(new Error('cache down'));
    try {
      const response = await request(chat.http).get(`/sessions/${session.id}`).set(bearer(token)).expect(200);
      expect(response.body.title).toBe('from the db');
      expect(response.headers['x-cache']).toBe('BYPASS');
      await request(chat.http).get('/sessions').set(bearer(token)).expect(200);
    } finally {
      getOrSet.mockRestore();
    }
    const stats = await request(chat.http).get('/cache/stats').set(bearer('admin')).expect(200);
    expect(stats.body.absorbedErrors.httpCache).toBeGreaterThanOrEqual(2);
    expect(stats.body.absorbedErrors.cachedMethods).toBeGreaterThanOrEqual(2);
  });
});
