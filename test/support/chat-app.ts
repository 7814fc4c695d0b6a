import { INestApplication, LoggerService } from '@nestjs/common';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { AppModule } from '../../src/app.module';
import { AppConfig, loadConfig } from '../../src/config';
import { createApp, initApp, NestAppFactory } from '../../src/http/create-app';
import { E2E_HTTP_ADAPTER } from './e2e-http-adapter';

export interface ChatApp {
  app: INestApplication;
  http: App;
  /** Creates a user through the API and answers its id and bearer token. */
  signUp(name?: string): Promise<{ id: string; name: string; token: string }>;
  close(): Promise<void>;
}

/**
 * The real application, as main.ts builds it, on an in-memory SQLite database and the jest
 * project's HTTP adapter (E2E_HTTP_ADAPTER) unless the env says otherwise. `env` holds environment
 * variables as a user would set them; logs go to `logger` (none by default). `customize`, for fault
 * injection only, changes the modules before they start (see DatabaseFault); the HTTP around them
 * stays the real one.
 */
export async function startChatApp(
  env: Record<string, string> = {},
  logger: LoggerService | false = false,
  customize?: (builder: TestingModuleBuilder) => TestingModuleBuilder,
): Promise<ChatApp> {
  const config = loadConfig({ DATABASE_PATH: ':memory:', JWT_SECRET: 'e2e-secret', HTTP_ADAPTER: E2E_HTTP_ADAPTER, ...env });
  const app = await createApp(config, logger, customize && (await testingModuleFactory(config, customize)));
  await initApp(app);
  // The e2e-fastify project would otherwise pass on Express without a word if the adapter were not honoured.
  if (app.getHttpAdapter().getType() !== config.httpAdapter)
    throw new Error(`the app runs on ${app.getHttpAdapter().getType()}, not ${config.httpAdapter}`);
  const http = app.getHttpServer();
  let users = 0;
  return {
    app,
    http,
    async signUp(name = `user ${++users}`) {
      const response = await request(http).post('/users').send({ name }).expect(201);
      return response.body;
    },
    close: () => app.close(),
  };
}

/** `Authorization` header of a bearer token. */
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function testingModuleFactory(
  config: AppConfig,
  customize: (builder: TestingModuleBuilder) => TestingModuleBuilder,
): Promise<NestAppFactory> {
  const modules = await customize(Test.createTestingModule({ imports: [AppModule.forRoot(config)] })).compile();
  return (adapter, options) =>
    Promise.resolve(adapter === undefined ? modules.createNestApplication(options) : modules.createNestApplication(adapter, options));
}
