import { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { AppModule } from '../app.module';
import { AppConfig } from '../config';
import { createExpressApp } from './express-app';
import { createFastifyApp } from './fastify-app';
import { setupOpenApi } from './openapi/openapi';
import { StrictValidationPipe } from './validation.pipe';

/**
 * The HTTP application as it runs, on the adapter HTTP_ADAPTER names: main.ts and the e2e specs
 * both build it here, so the specs test the body limit, the validation and the routes that users
 * get, and /docs. Start it with initApp.
 */
export async function createApp(config: AppConfig, logger: LoggerService | LogLevel[] | false): Promise<INestApplication> {
  const module = AppModule.forRoot(config);
  const app = config.httpAdapter === 'fastify' ? await createFastifyApp(module, logger) : await createExpressApp(module, logger);
  app.useGlobalPipes(new StrictValidationPipe());
  setupOpenApi(app);
  return app;
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
