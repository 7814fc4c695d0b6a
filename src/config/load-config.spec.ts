import { ConfigError } from './config-error';
import { loadConfig } from './load-config';

describe('loadConfig', () => {
  it('boots on an empty environment with the defaults the README lists', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      nodeEnv: 'development',
      port: 3000,
      httpAdapter: 'express',
      databasePath: './data/chat.db',
      postgres: { url: undefined, poolMax: 10, statementTimeoutMs: 2000 },
      logLevel: 'log',
      logFormat: 'text',
      jwtSecret: undefined,
      adminToken: undefined,
      metricsToken: undefined,
      shutdownTimeoutMs: 10_000,
      cache: {
        driver: undefined,
        keyPrefix: 'chat:',
        defaultTtlMs: 300_000,
        graceMs: 600_000,
        memory: { maxEntries: 100_000, maxBytes: 67_108_864, policy: 'lru' },
        redis: { url: undefined, clusterNodes: undefined, commandTimeoutMs: 250 },
      },
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HTTP_ADAPTER: 'fastify',
      DATABASE_PATH: ':memory:',
      REDIS_URL: 'redis://:secret@cache:6380/2',
      CACHE_DRIVER: 'redis',
      CACHE_KEY_PREFIX: 'app1:',
      CACHE_TTL_MS: '0',
      CACHE_GRACE_MS: '0',
      CACHE_MAX_ENTRIES: '10',
      CACHE_POLICY: 'tinylfu',
      CACHE_MAX_BYTES: '1024',
      REDIS_COMMAND_TIMEOUT_MS: '50',
      JWT_SECRET: 'x',
      ADMIN_TOKEN: 'admin',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      METRICS_TOKEN: 'scraper',
      SHUTDOWN_TIMEOUT_MS: '2500',
      DATABASE_URL: 'postgres://chat:secret@db.internal:5433/chat',
      DATABASE_POOL_MAX: '25',
      DATABASE_STATEMENT_TIMEOUT_MS: '1500',
    });
    expect(config.postgres).toEqual({ url: 'postgres://chat:secret@db.internal:5433/chat', poolMax: 25, statementTimeoutMs: 1500 });
    expect(config.port).toBe(8080);
    expect(config.httpAdapter).toBe('fastify');
    expect(config.databasePath).toBe(':memory:');
    expect(config.cache).toEqual({
      driver: 'redis',
      keyPrefix: 'app1:',
      defaultTtlMs: 0,
      graceMs: 0,
      memory: { maxEntries: 10, maxBytes: 1024, policy: 'tinylfu' },
      redis: { url: 'redis://:secret@cache:6380/2', clusterNodes: undefined, commandTimeoutMs: 50 },
    });
    expect(config.adminToken).toBe('admin');
    expect(config.logLevel).toBe('debug');
    expect(config.logFormat).toBe('json');
    expect(config.metricsToken).toBe('scraper');
    expect(config.shutdownTimeoutMs).toBe(2500);
  });

  it('takes a JWT_SECRET of 32 characters in production', () => {
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).jwtSecret).toBe('x'.repeat(32));
  });

  it('splits REDIS_CLUSTER_NODES', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:7000, b:7001' }).cache.redis.clusterNodes).toEqual(['a:7000', 'b:7001']);
  });

  it('treats empty variables (as copied from .env.example) as unset', () => {
    expect(loadConfig({ REDIS_URL: '', CACHE_DRIVER: '', PORT: ' ' }).port).toBe(3000);
  });

  it.each([
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '3.5' }],
    ['CACHE_TTL_MS', { CACHE_TTL_MS: 'abc' }],
    ['CACHE_TTL_MS', { CACHE_TTL_MS: '-1' }],
    ['CACHE_GRACE_MS', { CACHE_GRACE_MS: '10m' }],
    ['CACHE_GRACE_MS', { CACHE_GRACE_MS: '-1' }],
    ['CACHE_MAX_ENTRIES', { CACHE_MAX_ENTRIES: '0' }],
    ['CACHE_POLICY', { CACHE_POLICY: 'lfu' }],
    ['CACHE_MAX_BYTES', { CACHE_MAX_BYTES: '1e6' }],
    ['REDIS_COMMAND_TIMEOUT_MS', { REDIS_COMMAND_TIMEOUT_MS: '0' }],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }],
    ['REDIS_URL', { REDIS_URL: 'http://localhost:6379' }],
    ['REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: 'a:7000,b' }],
    ['CACHE_DRIVER', { CACHE_DRIVER: 'memcached' }],
    ['CACHE_DRIVER', { CACHE_DRIVER: 'hybrid' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['HTTP_ADAPTER', { HTTP_ADAPTER: 'koa' }],
    ['LOG_FORMAT', { LOG_FORMAT: 'xml' }],
    ['JWT_SECRET', { NODE_ENV: 'production' }],
    ['JWT_SECRET', { NODE_ENV: 'production', JWT_SECRET: 'abcde' }],
    ['JWT_SECRET', { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(31) }],
    ['REDIS_URL', { REDIS_URL: 'redis://localhost:6379', REDIS_CLUSTER_NODES: 'a:7000' }],
    ['SHUTDOWN_TIMEOUT_MS', { SHUTDOWN_TIMEOUT_MS: 'soon' }],
    ['SHUTDOWN_TIMEOUT_MS', { SHUTDOWN_TIMEOUT_MS: '3600001' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://db/chat' }],
    ['DATABASE_URL', { DATABASE_URL: 'db.internal:5432/chat' }],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://' }],
    ['DATABASE_POOL_MAX', { DATABASE_POOL_MAX: '0' }],
    ['DATABASE_POOL_MAX', { DATABASE_POOL_MAX: 'many' }],
    ['DATABASE_STATEMENT_TIMEOUT_MS', { DATABASE_STATEMENT_TIMEOUT_MS: '0' }],
    ['DATABASE_STATEMENT_TIMEOUT_MS', { DATABASE_STATEMENT_TIMEOUT_MS: '2s' }],
  ])('a bad %s stops the boot with a message naming it', (variable, env) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message.startsWith(variable)).toBe(true);
    expect((error as ConfigError).message).not.toContain('\n');
  });

  it('reports a REDIS_URL without a scheme as given, with the URL to use', () => {
    expect(() => loadConfig({ REDIS_URL: 'localhost:6379' })).toThrow(
      'REDIS_URL must be redis://host:port or rediss://host:port (got "localhost:6379"); did you mean redis://localhost:6379?',
    );
  });

  it('never repeats a password of REDIS_URL in its error', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://user:hunter2@cache:6379' })).toThrow(
      'REDIS_URL must be redis://host:port or rediss://host:port (got "http://***@cache:6379")',
    );
  });

  it('never repeats a password of DATABASE_URL in its error', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://chat:hunter2@db/chat' })).toThrow(
      'DATABASE_URL must be postgres://user:password@host:port/database (got "mysql://***@db/chat"); unset it to use SQLite (DATABASE_PATH)',
    );
  });

  it('takes postgresql:// as well as postgres://', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/chat' }).postgres.url).toBe('postgresql://db/chat');
  });

  it('does not repeat a short production JWT_SECRET in its error', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'abcde' })).toThrow(
      'JWT_SECRET must be at least 32 characters when NODE_ENV=production (got 5; e.g. openssl rand -base64 48)',
    );
  });
});
