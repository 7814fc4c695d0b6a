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
  ValidationPipe,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { AddressInfo } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { CacheService, ChatCacheModule, ChatCacheOptions, HttpCache, HttpCacheInterceptor, InvalidationEvent } from '../../src/cache';
import { Deferred, deferred } from '../support/deferred';
import { eventually, RedisServer } from '../support/redis-server';

/** How many times the handlers ran: a HIT leaves it unchanged. */
const handled = { count: 0 };

/** What the `stable` route answers for a note: its answer changes only when a test bumps it. */
const revisions = new Map<string, number>();

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

/** A query DTO as the application declares them: `?limit=020` is validated and transformed to 20. */
class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
}

@Controller('notes')
class NotesController {
  @Get(':id')
  @HttpCache({ ttlMs: 60_000, tags: (req) => [`note:${req.params.id}`] })
  get(@Param('id') id: string, @Query() query: Record<string, string>, @UserId() user: string | undefined) {
    handled.count++;
    if (id === 'missing') throw new NotFoundException(`note ${id} not found`);
    return { id, owner: user ?? null, query, version: handled.count };
  }

  @Get(':id/stable')
  @HttpCache({ tags: (req) => [`note:${req.params.id}`] })
  stable(@Param('id') id: string) {
    handled.count++;
    return { id, revision: revisions.get(id) ?? 0 };
  }

  @Get(':id/page')
  @HttpCache({ tags: (req) => [`note:${req.params.id}`] })
  page(@Param('id') id: string, @Query() query: PageQuery) {
    handled.count++;
    return { id, limit: query.limit, isPageQuery: query instanceof PageQuery };
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
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  await app.init();
  return app;
}

/** The app listening on a free port of 127.0.0.1, for clients that need a real socket (Node's fetch). */
async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
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

    it("answers 304 to Node's fetch, which adds Cache-Control: no-cache to a request with If-None-Match", async () => {
      const base = await listen(app);
      const headers = { 'X-User': 'alice' };
      const first = await fetch(`${base}/notes/n1/stable`, { headers });
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag')!;
      await first.text();

      const notModified = await fetch(`${base}/notes/n1/stable`, { headers: { ...headers, 'If-None-Match': etag } });
      expect(notModified.status).toBe(304);
      expect(await notModified.text()).toBe('');
      // fetch made it a reload: the handler ran, and its (unchanged) answer matched the ETag.
      expect(notModified.headers.get('x-cache')).toBe('BYPASS');
      expect(notModified.headers.get('etag')).toBe(etag);

      // Weak comparison and lists, as RFC 9110 defines If-None-Match.
      expect((await fetch(`${base}/notes/n1/stable`, { headers: { ...headers, 'If-None-Match': `"other", W/${etag}` } })).status).toBe(304);
      expect((await fetch(`${base}/notes/n1/stable`, { headers: { ...headers, 'If-None-Match': '*' } })).status).toBe(304);

      revisions.set('n1', (revisions.get('n1') ?? 0) + 1);
      const changed = await fetch(`${base}/notes/n1/stable`, { headers: { ...headers, 'If-None-Match': etag } });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
      expect(await changed.json()).toEqual({ id: 'n1', revision: revisions.get('n1') });
      // The reload stored the changed answer: a plain request now hits it.
      const after = await fetch(`${base}/notes/n1/stable`, { headers });
      expect(after.headers.get('x-cache')).toBe('HIT');
      expect(after.headers.get('etag')).toBe(changed.headers.get('etag'));
      await after.text();
    });

    it('tells shared caches that per-user answers are private, and varies them by Authorization', async () => {
      const miss = await asUser('/notes/n1', 'alice').expect(200);
      const hit = await asUser('/notes/n1', 'alice').expect(200);
      const notModified = await asUser('/notes/n1', 'alice').set('If-None-Match', hit.headers.etag).expect(304);
      const reload = await asUser('/notes/n1', 'alice').set('Cache-Control', 'no-cache').expect(200);
      const unstored = await asUser('/notes/n1', 'alice').set('Cache-Control', 'no-store').expect(200);
      for (const response of [miss, hit, notModified, reload, unstored]) {
        expect({ cache: response.headers['x-cache'], cacheControl: response.headers['cache-control'] }).toEqual({
          cache: response.headers['x-cache'],
          cacheControl: 'private, no-cache',
        });
        expect(response.headers.vary).toMatch(/\bAuthorization\b/);
      }
      // Credentials without a user: whoever it is, a proxy must not share it.
      const credentialed = await get('/notes/n1').set('Authorization', 'Bearer x').expect(200);
      expect(credentialed.headers['cache-control']).toBe('private, no-cache');
      // The public partition is everyone's: shareable, but revalidated, and never for a caller with credentials.
      const anonymous = await get('/notes/n1').expect(200);
      expect(anonymous.headers['cache-control']).toBe('no-cache');
      expect(anonymous.headers.vary).toMatch(/\bAuthorization\b/);
      // A custom partition could be anything: private.
      expect((await get('/tenant/settings').set('X-Tenant', 'acme').expect(200)).headers['cache-control']).toBe('private, no-cache');
    });

    it('keys a request by its validated query: 50 spellings of limit=20 share one entry', async () => {
      const before = handled.count;
      const first = await asUser('/notes/n1/page', 'alice').expect(200);
      expect(first.body).toEqual({ id: 'n1', limit: 20, isPageQuery: true });
      const spellings = Array.from({ length: 50 }, (_, zeros) => `/notes/n1/page?limit=${'0'.repeat(zeros)}20`);
      for (const path of spellings) {
        const response = await asUser(path, 'alice').expect(200);
        expect({ path, cache: response.headers['x-cache'] }).toEqual({ path, cache: 'HIT' });
        expect(response.text).toBe(first.text);
      }
      expect(handled.count).toBe(before + 1);
      const other = await asUser('/notes/n1/page?limit=21', 'alice').expect(200);
      expect(other.headers['x-cache']).toBe('MISS');
      expect(other.body.limit).toBe(21);
    });

    it('leaves an invalid query to the ValidationPipe: a 400, never cached', async () => {
      for (const path of ['/notes/n1/page?limit=0', '/notes/n1/page?limit=abc', '/notes/n1/page?offset=3']) {
        const before = handled.count;
        for (let i = 0; i < 2; i++) {
          const response = await asUser(path, 'alice').expect(400);
          expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
        }
        expect(handled.count).toBe(before);
      }
    });

    it('Cache-Control: no-cache with an unchanged answer deletes nothing and announces nothing', async () => {
      await asUser('/notes/n5/stable', 'alice').expect(200);
      const events: unknown[] = [];
      const stop = cache.onInvalidate((event) => events.push(event));
      const deletes = jest.spyOn(cache, 'delete');
      const sets = jest.spyOn(cache, 'set');
      try {
        const before = handled.count;
        for (let i = 0; i < 5; i++) {
          const reload = await asUser('/notes/n5/stable', 'alice').set('Cache-Control', 'no-cache').expect(200);
          expect(reload.headers['x-cache']).toBe('BYPASS');
        }
        expect(handled.count).toBe(before + 5);
        expect(events).toEqual([]);
        expect(deletes).not.toHaveBeenCalled();
        expect(sets).not.toHaveBeenCalled();
        expect((await asUser('/notes/n5/stable', 'alice').expect(200)).headers['x-cache']).toBe('HIT');
        expect(handled.count).toBe(before + 5);
      } finally {
        stop();
      }
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

      jest.spyOn(cache, 'refresh').mockRejectedValueOnce(new Error('cache refresh failed'));
      const refreshFailed = await asUser('/notes/n2', 'alice').set('Cache-Control', 'no-cache').expect(200);
      expect(refreshFailed.headers['x-cache']).toBe('BYPASS');
      expect(refreshFailed.body.id).toBe('n2');
      expect(interceptorErrors()).toBe(2);

      // A cache that fails while storing the handler's answer still lets that answer through.
      jest.spyOn(cache, 'refresh').mockImplementationOnce(async (_key, factory) => {
        await factory({ stale: undefined, setTtlMs: () => undefined, setTags: () => undefined, skipCache: () => undefined });
        throw new Error('cache write failed');
      });
      const handledBefore = handled.count;
      const writeFailed = await asUser('/notes/n3', 'alice').set('Cache-Control', 'no-cache').expect(200);
      expect(writeFailed.headers['x-cache']).toBe('BYPASS');
      expect(writeFailed.body).toMatchObject({ id: 'n3', owner: 'alice', version: handledBefore + 1 });
      expect(handled.count).toBe(handledBefore + 1);
      expect(interceptorErrors()).toBe(3);
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

  it('a no-cache reload publishes on the bus only when the answer changed, and then every instance serves the new one', async () => {
    const options: ChatCacheOptions = { redis: { url: server.url }, keyPrefix: 'http-reload:' };
    const a = await startHttpApp(options);
    const b = await startHttpApp(options);
    const heardByB: InvalidationEvent[] = [];
    // What a's messages made b do (b's own bus subscription may report itself as a local flush).
    const stop = b.get(CacheService).onInvalidate((event) => {
      if (event.origin === 'remote') heardByB.push(event);
    });
    try {
      const path = '/notes/r1/stable';
      const stored = await request(a.getHttpServer()).get(path).set('X-User', 'alice').expect(200);
      expect((await request(b.getHttpServer()).get(path).set('X-User', 'alice').expect(200)).headers['x-cache']).toBe('HIT');
      const sentBefore = a.get(CacheService).stats().bus!.sent;
      for (let i = 0; i < 10; i++) {
        const reload = await request(a.getHttpServer()).get(path).set('X-User', 'alice').set('Cache-Control', 'no-cache').expect(200);
        expect(reload.headers.etag).toBe(stored.headers.etag);
      }
      expect(a.get(CacheService).stats().bus!.sent).toBe(sentBefore);
      // b still holds its copy, and Redis too: nothing was deleted.
      const fromB = await request(b.getHttpServer()).get(path).set('X-User', 'alice').expect(200);
      expect(fromB.headers['x-cache']).toBe('HIT');

      revisions.set('r1', (revisions.get('r1') ?? 0) + 1);
      const changed = await request(a.getHttpServer()).get(path).set('X-User', 'alice').set('Cache-Control', 'no-cache').expect(200);
      expect(changed.body.revision).toBe(revisions.get('r1'));
      expect(a.get(CacheService).stats().bus!.sent).toBe(sentBefore + 1);
      expect(await eventually(() => heardByB.length === 1, 5_000, 5)).toBe(true);
      expect(heardByB[0]).toMatchObject({ origin: 'remote', reason: 'set' });
      const handledBefore = handled.count;
      const served = await request(b.getHttpServer()).get(path).set('X-User', 'alice').expect(200);
      expect(served.headers['x-cache']).toBe('HIT');
      expect(served.text).toBe(changed.text);
      expect(handled.count).toBe(handledBefore);
      expect(heardByB).toHaveLength(1);
    } finally {
      stop();
      await Promise.all([a.close(), b.close()]);
    }
  });

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
      await request(b.getHttpServer())
        .get('/notes/n1?tricky=2024-01-01T00:00:00.000Z')
        .set('X-User', 'alice')
        .set('If-None-Match', stored.headers.etag)
        .expect(304);
      const otherUser = await request(b.getHttpServer()).get('/notes/n1?tricky=2024-01-01T00:00:00.000Z').set('X-User', 'bob').expect(200);
      expect(otherUser.headers['x-cache']).toBe('MISS');
      expect(otherUser.body.owner).toBe('bob');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
