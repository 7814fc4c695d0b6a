import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/config';
import { RedisServer } from '../support/redis-server';

const run = promisify(execFile);

async function startApp(env: Record<string, string>): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(loadConfig(env)), { logger: false });
  await app.init();
  return app;
}

describe('the application', () => {
  it('answers GET /health on its embedded defaults (memory cache, no Redis)', async () => {
    const app = await startApp({});
    try {
      const response = await request(app.getHttpServer()).get('/health').expect(200);
      expect(response.body.status).toBe('ok');
      expect(response.body.details.cache).toEqual({ status: 'up', driver: 'memory', redis: 'not configured' });
    } finally {
      await app.close();
    }
  });

  describe('with Redis', () => {
    let server: RedisServer;
    beforeAll(async () => {
      server = await RedisServer.start();
    });
    afterAll(async () => {
      await server.stop();
    });

    it('reports Redis up, then down without failing the health check, then up again', async () => {
      const app = await startApp({ REDIS_URL: server.url, REDIS_COMMAND_TIMEOUT_MS: '100' });
      try {
        const health = () => request(app.getHttpServer()).get('/health').expect(200);
        expect((await health()).body.details.cache).toMatchObject({ driver: 'hybrid', redis: 'up' });
        await server.kill();
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect((await health()).body.details.cache).toMatchObject({ status: 'up', redis: 'down' });
        await server.restart();
        let redisState = '';
        for (let i = 0; i < 100 && redisState !== 'up'; i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          redisState = (await health()).body.details.cache.redis;
        }
        expect(redisState).toBe('up');
      } finally {
        await app.close();
      }
    });
  });

  it('a bad variable stops the real entry point with one line naming it', async () => {
    const failure = await run(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      env: { ...process.env, CACHE_MAX_ENTRIES: 'lots' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect('code' in failure && failure.code).toBe(1);
    expect((failure as { stderr: string }).stderr.trim()).toBe(
      'Invalid configuration: CACHE_MAX_ENTRIES must be an integer from 1 to 9007199254740991 (got "lots")',
    );
  }, 30_000); // a new Node process compiling the app with ts-node: seconds on a busy machine
});
