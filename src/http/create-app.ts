import { INestApplication, LoggerService, LogLevel, NestApplicationOptions } from '@nestjs/common';
import { AbstractHttpAdapter, NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { AppConfig } from '../config';
import { createExpressApp } from './express-app';
import { createFastifyApp } from './fastify-app';
import { setupOpenApi } from './openapi/openapi';
import { StrictValidationPipe } from './validation.pipe';

/**
 * Makes the Nest application on an adapter (undefined: Express). The default one builds AppModule
 * as main.ts does; the specs that put a fault in front of the database pass a testing module's
 * `createNestApplication`, so the HTTP around those modules stays the real one.
 */
export type NestAppFactory = <T extends INestApplication>(
  adapter: AbstractHttpAdapter | undefined,
  options: NestApplicationOptions,
) => Promise<T>;

/**
 * The HTTP application as it runs, on the adapter HTTP_ADAPTER names: main.ts and the e2e specs
 * both build it here, so the specs test the body limit, the validation and the routes that users
 * get, and /docs. Start it with initApp.
 */
export async function createApp(
  config: AppConfig,
  logger: LoggerService | LogLevel[] | false,
  create: NestAppFactory = appModuleFactory(config),
): Promise<INestApplication> {
  const app = config.httpAdapter === 'fastify' ? await createFastifyApp(create, logger) : await createExpressApp(create, logger);
  app.useGlobalPipes(new StrictValidationPipe());
  setupOpenApi(app);
  return app;
}

function appModuleFactory(config: AppConfig): NestAppFactory {
  const module = AppModule.forRoot(config);
  return (adapter, options) => (adapter === undefined ? NestFactory.create(module, options) : NestFactory.create(module, adapter, options));
}

/**
 * app.init(), and on Fastify its ready(): Fastify adds the routes Nest registered (and its hooks)
 * only then, and main.ts and the specs hand the Node server to listen() or supertest themselves.
 */
export async function initApp(app: INestApplication): Promise<void> {
  await app.init();
  const instance: unknown = app.getHttpAdapter().getInstance();
  if (app.getHttpAdapter().getType() === 'fastify') await (instance as { ready(): PromiseLike<unknown> }).ready();
}
