import { keyvApiTests, keyvNamespaceTest, keyvValueTests } from '@keyv/test-suite';
import { Keyv } from 'keyv';
import { ChatCacheKeyvStore } from '../../src/cache';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { RedisServer } from '../support/redis-server';

/**
 * `@keyv/test-suite`, the official Keyv compliance suite, against ChatCacheKeyvStore in memory and
 * hybrid mode (a real redis-server). Its test functions take the test API as an argument (vitest's);
 * Jest's hooks fit it, and its tests read `expect` from the test context, which JEST_AS_VITEST hands
 * them. Run: api, values, namespace (the suite's default export is these three). Not run, since
 * they do not apply, with the reasons in README's CACHE_MANAGER section: `keyvIteratorTests` and
 * `keyvCompresstionTests`.
 */
type TestApi = Parameters<typeof keyvApiTests>[0];
type KeyvClass = Parameters<typeof keyvApiTests>[1];

const JEST_AS_VITEST = {
  it: (name: string, body: (context: { expect: typeof expect }) => unknown) => it(name, () => body({ expect }) as Promise<void>),
  describe,
  beforeEach,
  afterEach,
  beforeAll,
  afterAll,
} as unknown as TestApi;

/** A Keyv whose values reach the store as they are, as `CACHE_MANAGER`'s Keyv is built (a test may still pass a serializer). */
class KeyvWithoutSerializer extends Keyv {
  constructor(options: ConstructorParameters<typeof Keyv>[0] = {}) {
    super({ serialize: undefined, deserialize: undefined, ...(options as object) });
  }
}

function runKeyvCompliance(context: () => CacheContext): void {
  const store = () => new ChatCacheKeyvStore(context().cache);
  const flavours: [string, unknown][] = [
    ["with Keyv's default serializer", Keyv],
    ['without a serializer, as CACHE_MANAGER builds its Keyv', KeyvWithoutSerializer],
  ];
  describe.each(flavours)('%s', (_name, keyvClass) => {
    const KeyvForSuite = keyvClass as KeyvClass;
    describe('api', () => keyvApiTests(JEST_AS_VITEST, KeyvForSuite, store));
    describe('values', () => keyvValueTests(JEST_AS_VITEST, KeyvForSuite, store));
    describe('namespace', () => keyvNamespaceTest(JEST_AS_VITEST, KeyvForSuite, store));
  });
}

describe('@keyv/test-suite against ChatCacheKeyvStore', () => {
  describe('memory mode', () => {
    let ctx: CacheContext;

    beforeAll(async () => {
      ctx = await startCacheContext({});
    });

    afterAll(async () => {
      await ctx?.close();
    });

    runKeyvCompliance(() => ctx);
  });

  describe('hybrid mode, real Redis', () => {
    let server: RedisServer;
    let ctx: CacheContext;

    beforeAll(async () => {
      server = await RedisServer.start();
      ctx = await startCacheContext({ keyPrefix: 'keyv-suite:', redis: { url: server.url } });
    });

    afterAll(async () => {
      await ctx?.close();
      await server?.stop();
    });

    runKeyvCompliance(() => ctx);
  });
});
