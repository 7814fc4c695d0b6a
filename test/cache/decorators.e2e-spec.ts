import { Injectable, INestApplicationContext, Module, OnModuleInit, Scope } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitter2, EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import {
  Cacheable,
  CacheableMethodsExplorer,
  CacheEvict,
  CachePut,
  CacheService,
  ChatCacheModule,
  ChatCacheOptions,
  REDIS_STORE,
  RedisStore,
} from '../../src/cache';
import { eventually, RedisServer } from '../support/redis-server';

interface Session {
  id: string;
  title: string;
  createdAt: Date;
}

/** Stands in for the database: counts reads so that a test can tell a cache hit from a load. */
@Injectable()
class SessionTable {
  readonly rows = new Map<string, Session>([['s1', { id: 's1', title: 'first', createdAt: new Date('2024-01-01T00:00:00.000Z') }]]);
  reads = 0;

  async find(id: string): Promise<Session | undefined> {
    this.reads++;
    // A turn of the event loop, as a database would take, so that concurrent callers overlap.
    await new Promise((resolve) => setImmediate(resolve));
    return this.rows.get(id);
  }
}

@Injectable()
class SessionService {
  constructor(private readonly table: SessionTable) {}

  @Cacheable({ key: 'session:{0}', tags: ['session:{0}'] })
  getSession(id: string): Promise<Session | undefined> {
    return this.table.find(id);
  }

  @Cacheable({ key: ([id]: [string]) => `title:${id}` })
  async getTitle(id: string): Promise<string | null> {
    return (await this.table.find(id))?.title ?? null;
  }

  @CachePut({ key: 'session:{result.id}', tags: ['session:{result.id}'] })
  async rename(id: string, title: string): Promise<Session> {
    const renamed = { ...this.table.rows.get(id)!, title };
    this.table.rows.set(id, renamed);
    return renamed;
  }

  @CacheEvict({ keys: ['session:{0}', 'title:{0}'] })
  async remove(id: string): Promise<boolean> {
    return this.table.rows.delete(id);
  }

  @Cacheable({ key: () => '' })
  countWithBrokenKey(): Promise<number> {
    return Promise.resolve(this.table.rows.size);
  }
}

/** Invalidates on a domain event: @OnEvent must still find the method once it is wrapped. */
@Injectable()
class SessionEventsListener {
  @OnEvent('session.updated')
  @CacheEvict({ tags: ['session:{0.id}'] })
  async onSessionUpdated(event: { id: string }): Promise<void> {
    void event;
  }
}

/** Calls a cached method from its own onModuleInit, as a warm-up would. */
@Injectable()
class WarmUp implements OnModuleInit {
  constructor(private readonly sessions: SessionService) {}

  async onModuleInit(): Promise<void> {
    await this.sessions.getSession('s1');
  }
}

@Injectable({ scope: Scope.TRANSIENT })
class TransientCounter {
  calls = 0;

  @Cacheable({ key: 'transient:{0}' })
  count(_id: string): number {
    return ++this.calls;
  }
}

@Injectable()
class UsesTransient {
  constructor(readonly counter: TransientCounter) {}
}

@Injectable({ scope: Scope.REQUEST })
class PerRequest {
  calls = 0;

  @Cacheable({ key: 'per-request' })
  value(): number {
    return ++this.calls;
  }
}

/** A feature module that does not import ChatCacheModule: the cache module is global. */
@Module({
  imports: [EventEmitterModule.forRoot()],
  providers: [SessionTable, SessionService, SessionEventsListener, WarmUp, TransientCounter, UsesTransient, PerRequest],
})
class SessionsModule {}

async function startApp(options: ChatCacheOptions = {}): Promise<INestApplicationContext> {
  @Module({ imports: [ChatCacheModule.forRoot(options), SessionsModule] })
  class RootModule {}
  const app = await NestFactory.createApplicationContext(RootModule, { logger: false });
  await app.init();
  return app;
}

describe('cache decorators in a Nest application', () => {
  let app: INestApplicationContext;
  let sessions: SessionService;
  let table: SessionTable;
  let cache: CacheService;

  beforeEach(async () => {
    app = await startApp();
    sessions = app.get(SessionService);
    table = app.get(SessionTable);
    cache = app.get(CacheService);
  });

  afterEach(async () => {
    await app.close();
  });

  it('wraps the decorated methods of providers, in modules that do not import the cache module', async () => {
    const explorer = app.get(CacheableMethodsExplorer);
    expect(explorer.wrappedMethods).toEqual(
      expect.arrayContaining([
        'SessionService.getSession',
        'SessionService.getTitle',
        'SessionService.rename',
        'SessionService.remove',
        'SessionEventsListener.onSessionUpdated',
      ]),
    );
    // Already wrapped for onModuleInit of other modules: the warm-up loaded s1 into the cache.
    expect(table.reads).toBe(1);
    await expect(sessions.getSession('s1')).resolves.toEqual(table.rows.get('s1'));
    expect(table.reads).toBe(1);
  });

  it('makes concurrent callers of a cold key share one load', async () => {
    const titles = await Promise.all(Array.from({ length: 20 }, () => sessions.getTitle('s1')));
    expect(titles).toEqual(Array(20).fill('first'));
    expect(table.reads).toBe(2); // the warm-up's, then this one
  });

  it('caches a null result', async () => {
    await expect(sessions.getTitle('missing')).resolves.toBeNull();
    await expect(sessions.getTitle('missing')).resolves.toBeNull();
    expect(table.reads).toBe(2);
  });

  it('serves the @CachePut result to the next @Cacheable read, then reloads after @CacheEvict', async () => {
    await sessions.rename('s1', 'second');
    await expect(sessions.getSession('s1')).resolves.toMatchObject({ title: 'second' });
    expect(table.reads).toBe(1);
    await sessions.remove('s1');
    await expect(sessions.getSession('s1')).resolves.toBeUndefined();
    expect(table.reads).toBe(2);
  });

  it('keeps @OnEvent working on a wrapped method: the event evicts the tagged entry', async () => {
    table.rows.set('s1', { ...table.rows.get('s1')!, title: 'changed in the database' });
    await expect(sessions.getSession('s1')).resolves.toMatchObject({ title: 'first' });
    await app.get(EventEmitter2).emitAsync('session.updated', { id: 's1' });
    await expect(sessions.getSession('s1')).resolves.toMatchObject({ title: 'changed in the database' });
  });

  it('counts a cache failure on the explorer and answers from the method', async () => {
    const explorer = app.get(CacheableMethodsExplorer);
    await expect(sessions.countWithBrokenKey()).resolves.toBe(1);
    expect(explorer.errors).toBe(1);
  });

  it('wraps transient providers as injected', async () => {
    const { counter } = app.get(UsesTransient);
    await expect(counter.count('a')).resolves.toBe(1);
    await expect(counter.count('a')).resolves.toBe(1);
    expect(counter.calls).toBe(1);
  });

  it('leaves request-scoped providers unwrapped, still working', async () => {
    const perRequest = await app.resolve(PerRequest);
    expect(perRequest.value()).toBe(1);
    expect(perRequest.value()).toBe(2);
    await expect(cache.get('per-request')).resolves.toBeUndefined();
  });
});

describe('cache decorators with Redis', () => {
  let server: RedisServer;
  const apps: INestApplicationContext[] = [];

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  afterAll(async () => {
    await server.stop();
  });

  let prefix = '';
  let testNumber = 0;

  beforeEach(() => {
    // Each test its own keys: the Redis server outlives the test's instances.
    prefix = `decorators-${++testNumber}:`;
  });

  async function instance(): Promise<INestApplicationContext> {
    const app = await startApp({ redis: { url: server.url }, keyPrefix: prefix });
    apps.push(app);
    return app;
  }

  it("serves one instance's load to another, with the exact values: a Date stays a Date, undefined stays undefined", async () => {
    const a = await instance();
    const b = await instance();
    await a.get(SessionService).getSession('s1');
    await a.get(SessionService).getSession('nobody');
    await a.get(SessionService).getTitle('nobody');
    // A load reaches Redis in the background, just after its caller has the value.
    const redis = a.get<RedisStore>(REDIS_STORE);
    const inRedis = async (key: string) => (await redis.getEntry(key)) !== undefined;
    for (const key of ['session:s1', 'session:nobody', 'title:nobody']) expect(await eventually(() => inRedis(key))).toBe(true);
    const readsBefore = b.get(SessionTable).reads;

    const session = await b.get(SessionService).getSession('s1');
    expect(session).toEqual({ id: 's1', title: 'first', createdAt: new Date('2024-01-01T00:00:00.000Z') });
    expect(session!.createdAt).toBeInstanceOf(Date);
    await expect(b.get(SessionService).getSession('nobody')).resolves.toBeUndefined();
    await expect(b.get(SessionService).getTitle('nobody')).resolves.toBeNull();
    expect(b.get(SessionTable).reads).toBe(readsBefore);
  });

  it('makes another instance see a @CachePut write and a @CacheEvict', async () => {
    const a = await instance();
    const b = await instance();
    const titleOnB = async () => (await b.get(SessionService).getSession('s1'))?.title;
    expect(await titleOnB()).toBe('first');
    await a.get(SessionService).rename('s1', 'renamed on a');
    // The other instance drops its memory copy when the bus message arrives: soon, not at once.
    expect(await eventually(async () => (await titleOnB()) === 'renamed on a')).toBe(true);
    b.get(SessionTable).rows.delete('s1');
    await a.get(SessionService).remove('s1');
    expect(await eventually(async () => (await titleOnB()) === undefined)).toBe(true);
  });
});
