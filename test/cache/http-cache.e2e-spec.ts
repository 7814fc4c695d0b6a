import {
  Controller,
  createParamDecorator,
  ExecutionContext,
  Get,
  INestApplication,
  MiddlewareConsumer,
  Module,
  NestModule,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { CacheService, ChatCacheModule, ChatCacheOptions, HttpCache, HttpCacheInterceptor } from '../../src/cache';
import { Deferred, deferred } from '../support/deferred';
import { eventually, RedisServer } from '../support/redis-server';

/** How many times the handlers ran: a HIT leaves it unchanged. */
const handled = { count: 0 };

/** Holds the `slow` route's handler open while a test acts; resolved by the test. */
let slowGate: Deferred<void> | undefined;

/** Stands in for the auth guard: `X-User: <id>` becomes `request.user`. */
function fakeAuth(req: Request & { user?: { id: string } }, _res: Response, next: NextFunction): void {
  const id = req.header('x-user');
  if (id !== undefined) req.user = { id };
  next();
}

/** A tiny @CurrentUser(): the fixture does not depend on the application's auth code. */
const UserId = createParamDecorator((_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest().user?.id);

@Controller('notes')
class NotesController {
  @Get(':id')
  @HttpCache({ ttlMs: 60_000, tags: (req) => [`note:${req.params.id}`] })
  get(@Param('id') id: string, @Query() query: Record<string, string>, @UserId() user: string | undefined) {
    handled.count++;
    if (id === 'missing') throw new NotFoundException(`note ${id} not found`);
    return { id, owner: user ?? null, query, version: handled.count };
  }

  @Get(':id/slow')
  @HttpCache({ tags: (req) => [`note:${req.params.id}`] })
  async slow(@Param('id') id: string) {
    handled.count++;
    const version = handled.count;
    await slowGate?.promise;
    return { id, version };
  }

  @Post(':id')
  update(@Param('id') id: string) {
    handled.count++;
    return { id, updated: true };
  }

  @Get(':id/nothing')
  @HttpCache()
  nothing(): undefined {
    handled.count++;
    return undefined;
  }

  @Get(':id/text')
  @HttpCache()
  text(): string {
    handled.count++;
    return `plain text ${handled.count}`;
  }
}

/** A route whose data belongs to a tenant named in a header, whoever asks. */
@Controller('tenant')
@HttpCache({ partitionBy: (req) => req.headers['x-tenant'] })
class TenantController {
  @Get('settings')
  settings() {
    handled.count++;
    return { version: handled.count };
  }
}

/** A feature module that does not import ChatCacheModule: the interceptor resolves CacheService from the global module. */
@Module({ controllers: [NotesController, TenantController] })
class NotesModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(fakeAuth).forRoutes('*');
  }
}

async function startHttpApp(options: ChatCacheOptions): Promise<INestApplication> {
  @Module({ imports: [ChatCacheModule.forRoot(options), NotesModule] })
  class RootModule {}
  const app = await NestFactory.create(RootModule, { logger: false });
  await app.init();
  return app;
}

function describeHttpCache(driver: string, cacheOptions: () => ChatCacheOptions): void {
  describe(`@HttpCache (${driver})`, () => {
    let app: INestApplication;
    let cache: CacheService;
    const get = (path: string) => request(app.getHttpServer()).get(path);
    const asUser = (path: string, user: string) => get(path).set('X-User', user);

    beforeEach(async () => {
      app = await startHttpApp(cacheOptions());
      cache = app.get(CacheService);
      await cache.clear();
    });

    afterEach(async () => {
      jest.restoreAllMocks();
      await app.close();
    });

    it('answers MISS, then HIT with the same JSON body and ETag, without running the handler again', async () => {
      const first = await asUser('/notes/n1', 'alice').expect(200);
      expect(first.headers['x-cache']).toBe('MISS');
      expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(first.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      expect(first.body).toEqual({ id: 'n1', owner: 'alice', query: {}, version: handled.count });
      const handledAfterMiss = handled.count;

      const second = await asUser('/notes/n1', 'alice').expect(200);
      expect(second.headers['x-cache']).toBe('HIT');
      expect(second.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(second.headers.etag).toBe(first.headers.etag);
      expect(second.text).toBe(first.text);
      expect(handled.count).toBe(handledAfterMiss);
    });

    it('answers 304 without a body when If-None-Match carries the ETag, 200 when it does not', async () => {
      const first = await asUser('/notes/n1', 'alice').expect(200);
      const notModified = await asUser('/notes/n1', 'alice').set('If-None-Match', first.headers.etag).expect(304);
      expect(notModified.text).toBe('');
      expect(notModified.headers['x-cache']).toBe('HIT');
      const changed = await asUser('/notes/n1', 'alice').set('If-None-Match', '"something-else"').expect(200);
      expect(changed.body).toEqual(first.body);
    });

    it("never serves one user's response to another", async () => {
      const alice = await asUser('/notes/n1', 'alice').expect(200);
      const bob = await asUser('/notes/n1', 'bob').expect(200);
      expect(bob.headers['x-cache']).toBe('MISS');
      expect(bob.body.owner).toBe('bob');
      const aliceAgain = await asUser('/notes/n1', 'alice').expect(200);
      expect(aliceAgain.headers['x-cache']).toBe('HIT');
      expect(aliceAgain.body.owner).toBe('alice');
      expect(aliceAgain.body).toEqual(alice.body);
      // A user whose id is "public" is not the anonymous public either.
      const anonymous = await get('/notes/n1').expect(200);
      const publicUser = await asUser('/notes/n1', 'public').expect(200);
      expect(publicUser.headers['x-cache']).toBe('MISS');
      expect(publicUser.body.owner).toBe('public');
      expect(anonymous.body.owner).toBeNull();
    });

    it('shares an entry between the same query parameters in any order, not between different ones', async () => {
      const first = await asUser('/notes/n1?a=1&b=2', 'alice').expect(200);
      expect(first.body.query).toEqual({ a: '1', b: '2' });
      const reordered = await asUser('/notes/n1?b=2&a=1', 'alice').expect(200);
      expect(reordered.headers['x-cache']).toBe('HIT');
      const other = await asUser('/notes/n1?a=1&b=3', 'alice').expect(200);
      expect(other.headers['x-cache']).toBe('MISS');
      expect(other.body.query).toEqual({ a: '1', b: '3' });
      const otherId = await asUser('/notes/n2?a=1&b=2', 'alice').expect(200);
      expect(otherId.headers['x-cache']).toBe('MISS');
      expect(otherId.body.id).toBe('n2');
    });

    it('Cache-Control: no-cache skips the read but stores the fresh answer', async () => {
      const stale = await asUser('/notes/n1', 'alice').expect(200);
      const fresh = await asUser('/notes/n1', 'alice').set('Cache-Control', 'no-cache').expect(200);
      expect(fresh.headers['x-cache']).toBe('BYPASS');
      expect(fresh.body.version).toBeGreaterThan(stale.body.version);
      expect(fresh.headers.etag).toMatch(/^"/);
      const next = await asUser('/notes/n1', 'alice').expect(200);
      expect(next.headers['x-cache']).toBe('HIT');
      expect(next.body).toEqual(fresh.body);
    });

    it('Cache-Control: no-store neither reads nor writes', async () => {
      const cached = await asUser('/notes/n1', 'alice').expect(200);
      const uncached = await asUser('/notes/n1', 'alice').set('Cache-Control', 'no-store').expect(200);
      expect(uncached.headers['x-cache']).toBe('BYPASS');
      expect(uncached.body.version).toBeGreaterThan(cached.body.version);
      const next = await asUser('/notes/n1', 'alice').expect(200);
      expect(next.headers['x-cache']).toBe('HIT');
      expect(next.body).toEqual(cached.body);

      const neverStored = await asUser('/notes/n9', 'alice').set('Cache-Control', 'no-store').expect(200);
      expect(neverStored.headers['x-cache']).toBe('BYPASS');
      expect((await asUser('/notes/n9', 'alice').expect(200)).headers['x-cache']).toBe('MISS');
    });

    it('answers a MISS with the new data after the tags of the route are invalidated', async () => {
      const before = await asUser('/notes/n1', 'alice').expect(200);
      await asUser('/notes/n2', 'alice').expect(200);
      await cache.invalidateTags(['note:n1']);
      const after = await asUser('/notes/n1', 'alice').expect(200);
      expect(after.headers['x-cache']).toBe('MISS');
      expect(after.body.version).toBeGreaterThan(before.body.version);
      expect((await asUser('/notes/n2', 'alice').expect(200)).headers['x-cache']).toBe('HIT');
    });

    it('keeps an answer out of the cache when its tags were invalidated while the handler ran', async () => {
      slowGate = deferred<void>();
      const before = handled.count;
      const during = asUser('/notes/n1/slow', 'alice').then((response) => response);
      await eventually(() => handled.count > before, 2_000, 1);
      const versionRunning = handled.count;
      // The write that makes the running answer stale lands while the handler is still reading.
      await cache.invalidateTags(['note:n1']);
      slowGate.resolve();
      const stale = await during;
      expect(stale.body.version).toBe(versionRunning);
      slowGate = undefined;
      const next = await asUser('/notes/n1/slow', 'alice').expect(200);
      expect(next.headers['x-cache']).toBe('MISS');
      expect(next.body.version).toBeGreaterThan(versionRunning);
    });

    it('runs the handler once for concurrent misses of one caller and route', async () => {
      slowGate = deferred<void>();
      const before = handled.count;
      const joinsBefore = cache.stats().singleFlight.joins;
      const responses = Promise.all([1, 2, 3].map(() => asUser('/notes/n3/slow', 'alice').then((response) => response)));
      // All three are in: one runs the handler, two wait for it.
      expect(await eventually(() => cache.stats().singleFlight.joins === joinsBefore + 2, 5_000, 1)).toBe(true);
      slowGate.resolve();
      const answers = await responses;
      slowGate = undefined;
      expect(handled.count).toBe(before + 1);
      expect(new Set(answers.map((response) => response.text)).size).toBe(1);
      expect(answers.map((response) => response.headers['x-cache']).sort()).toEqual(['HIT', 'HIT', 'MISS']);
    });

    it('bypasses requests that carry credentials but no user, and never stores their answers', async () => {
      await get('/notes/n1').expect(200); // the public answer, now cached
      for (const [header, value] of [
        ['Authorization', 'Bearer not-a-valid-token'],
        ['Cookie', 'session=abc'],
      ]) {
        const response = await get('/notes/n1').set(header, value).expect(200);
        expect(response.headers['x-cache']).toBe('BYPASS');
      }
      const credentialed = await get('/notes/n7').set('Authorization', 'Bearer x').expect(200);
      expect(credentialed.headers['x-cache']).toBe('BYPASS');
      expect((await get('/notes/n7').expect(200)).headers['x-cache']).toBe('MISS');
    });

    it('shares anonymous answers without credentials, in the public partition', async () => {
      expect((await get('/notes/n1').expect(200)).headers['x-cache']).toBe('MISS');
      expect((await get('/notes/n1').expect(200)).headers['x-cache']).toBe('HIT');
    });

    it('partitions by partitionBy when given, and bypasses when it answers undefined', async () => {
      const acme = await get('/tenant/settings').set('X-Tenant', 'acme').expect(200);
      expect(acme.headers['x-cache']).toBe('MISS');
      const acmeAgain = await get('/tenant/settings').set('X-Tenant', 'acme').set('X-User', 'someone').expect(200);
      expect(acmeAgain.headers['x-cache']).toBe('HIT');
      expect(acmeAgain.body).toEqual(acme.body);
      const globex = await get('/tenant/settings').set('X-Tenant', 'globex').expect(200);
      expect(globex.headers['x-cache']).toBe('MISS');
      expect((await get('/tenant/settings').expect(200)).headers['x-cache']).toBe('BYPASS');
    });

    it('lets handler errors through and caches nothing', async () => {
      const first = await asUser('/notes/missing', 'alice').expect(404);
      expect(first.body).toEqual({ statusCode: 404, message: 'note missing not found', error: 'Not Found' });
      const handledBefore = handled.count;
      await asUser('/notes/missing', 'alice').expect(404);
      expect(handled.count).toBe(handledBefore + 1);
    });

    it('does not cache what is not a JSON body: undefined, or a string Nest sends as text', async () => {
      await asUser('/notes/n1/nothing', 'alice').expect(200);
      const handledBefore = handled.count;
      const nothing = await asUser('/notes/n1/nothing', 'alice').expect(200);
      expect(nothing.headers['x-cache']).toBe('BYPASS');
      expect(handled.count).toBe(handledBefore + 1);

      const text = await asUser('/notes/n1/text', 'alice').expect(200);
      expect(text.headers['x-cache']).toBe('BYPASS');
      expect(text.text).toMatch(/^plain text \d+$/);
      expect((await asUser('/notes/n1/text', 'alice').expect(200)).text).not.toBe(text.text);
    });

    it('leaves other methods alone', async () => {
      const response = await request(app.getHttpServer()).post('/notes/n1').set('X-User', 'alice').expect(201);
      expect(response.headers['x-cache']).toBeUndefined();
      expect(response.body).toEqual({ id: 'n1', updated: true });
    });

    it('answers HEAD requests from the cache too', async () => {
      const first = await request(app.getHttpServer()).head('/notes/n1').set('X-User', 'alice').expect(200);
      expect(first.headers['x-cache']).toBe('MISS');
      const second = await request(app.getHttpServer()).head('/notes/n1').set('X-User', 'alice').expect(200);
      expect(second.headers['x-cache']).toBe('HIT');
      expect(second.headers.etag).toBe(first.headers.etag);
    });

    it('answers BYPASS, never an error, when the cache fails', async () => {
      const interceptorErrors = () => app.get(HttpCacheInterceptor).errors;
      jest.spyOn(cache, 'getOrSet').mockRejectedValueOnce(new Error('cache read failed'));
      const readFailed = await asUser('/notes/n1', 'alice').expect(200);
      expect(readFailed.headers['x-cache']).toBe('BYPASS');
      expect(readFailed.body.owner).toBe('alice');
      expect((await asUser('/notes/n1', 'alice').expect(200)).headers['x-cache']).toBe('MISS');

      jest.spyOn(cache, 'delete').mockRejectedValueOnce(new Error('cache delete failed'));
      const refreshFailed = await asUser('/notes/n2', 'alice').set('Cache-Control', 'no-cache').expect(200);
      expect(refreshFailed.headers['x-cache']).toBe('BYPASS');
      expect(refreshFailed.body.id).toBe('n2');
      expect(interceptorErrors()).toBe(2);
    });
  });
}

describeHttpCache('memory driver', () => ({}));

describe('with a real Redis', () => {
  let server: RedisServer;
  let prefixNumber = 0;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  describeHttpCache('redis driver', () => ({ driver: 'redis', redis: { url: server.url }, keyPrefix: `http-${++prefixNumber}:` }));

  it('serves a response stored by one instance from another, byte for byte, 304 included', async () => {
    const options: ChatCacheOptions = { redis: { url: server.url }, keyPrefix: 'http-shared:' };
    const a = await startHttpApp(options);
    const b = await startHttpApp(options);
    try {
      const stored = await request(a.getHttpServer()).get('/notes/n1?tricky=2024-01-01T00:00:00.000Z').set('X-User', 'alice').expect(200);
      expect(stored.headers['x-cache']).toBe('MISS');
      const served = await request(b.getHttpServer()).get('/notes/n1?tricky=2024-01-01T00:00:00.000Z').set('X-User', 'alice').expect(200);
      expect(served.headers['x-cache']).toBe('HIT');
      expect(served.text).toBe(stored.text);
      expect(served.headers.etag).toBe(stored.headers.etag);
      await request(b.getHttpServer()).get('/notes/n1?tricky=2024-01-01T00:00:00.000Z').set('X-User', 'alice').set('If-None-Match', stored.headers.etag).expect(304);
      const otherUser = await request(b.getHttpServer()).get('/notes/n1?tricky=2024-01-01T00:00:00.000Z').set('X-User', 'bob').expect(200);
      expect(otherUser.headers['x-cache']).toBe('MISS');
      expect(otherUser.body.owner).toBe('bob');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
