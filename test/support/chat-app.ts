import { INestApplication, LoggerService } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { AppModule } from '../../src/app.module';
import { AppConfig, loadConfig } from '../../src/config';
import { appOptions, configureApp, createApp } from '../../src/http/create-app';

export interface ChatApp {
  app: INestApplication;
  http: App;
  /** Creates a user through the API and answers its id and bearer token. */
  signUp(name?: string): Promise<{ id: string; name: string; token: string }>;
  close(): Promise<void>;
}

/**
 * The real application, as main.ts builds it, on an in-memory SQLite database unless the env says
 * otherwise. `env` holds environment variables as a user would set them; logs go to `logger`
 * (none by default). `customize`, for fault injection only, changes the modules before they start
 * (see DatabaseFault); the HTTP around them stays the real one.
 */
export async function startChatApp(
  env: Record<string, string> = {},
  logger: LoggerService | false = false,
  customize?: (builder: TestingModuleBuilder) => TestingModuleBuilder,
): Promise<ChatApp> {
  const config = loadConfig({ DATABASE_PATH: ':memory:', JWT_SECRET: 'e2e-secret', ...env });
  const app = customize === undefined ? await createApp(config, logger) : await createCustomizedApp(config, logger, customize);
  await app.init();
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

async function createCustomizedApp(
  config: AppConfig,
  logger: LoggerService | false,
  customize: (builder: TestingModuleBuilder) => TestingModuleBuilder,
): Promise<NestExpressApplication> {
  const modules = await customize(Test.createTestingModule({ imports: [AppModule.forRoot(config)] })).compile();
  return configureApp(modules.createNestApplication<NestExpressApplication>(appOptions(logger)));
}
