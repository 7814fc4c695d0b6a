import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NestAppFactory } from './create-app';
import { HttpMetrics } from '../health/metrics/http.metrics';
import { jsonBody } from './json-body.middleware';

/** The Nest application on @nestjs/platform-express (HTTP_ADAPTER=express, the default). */
export async function createExpressApp(
  create: NestAppFactory,
  logger: LoggerService | LogLevel[] | false,
): Promise<NestExpressApplication> {
  // abortOnError: false: a module that fails to start rethrows to the caller (main.ts reports it
  // in one line) instead of process.abort(), which dumps core.
  const app = await create<NestExpressApplication>(undefined, { bodyParser: false, logger, abortOnError: false });
  // First, so that requests refused by the body parser are timed and counted too.
  app.use(app.get(HttpMetrics).middleware);
  app.use(jsonBody());
  // Cached routes set a strong ETag of their own; hashing every other response body is wasted work.
  app.set('etag', false);
  app.disable('x-powered-by');
  return app;
}
