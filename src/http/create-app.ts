import { LoggerService, LogLevel, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../app.module';
import { AppConfig } from '../config';
import { HttpMetrics } from '../health/metrics/http.metrics';
import { jsonBody } from './json-body.middleware';
import { StrictValidationPipe } from './validation.pipe';

/**
 * The HTTP application as it runs: main.ts and the e2e specs both build it here, so the specs test
 * the body limit, the validation and the routes that users get.
 */
export async function createApp(config: AppConfig, logger: LoggerService | LogLevel[] | false): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), appOptions(logger));
  return configureApp(app);
}

/**
 * abortOnError: false: a module that fails to start rethrows to the caller (main.ts reports it in
 * one line) instead of process.abort(), which dumps core.
 */
export function appOptions(logger: LoggerService | LogLevel[] | false): NestApplicationOptions {
  return { bodyParser: false, logger, abortOnError: false };
}

/**
 * Everything the application needs besides its modules. Exported for the specs that build the
 * modules themselves (to put a fault in front of the database) and must serve the same HTTP.
 */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  // First, so that requests refused by the body parser are timed and counted too.
  app.use(app.get(HttpMetrics).middleware);
  app.use(jsonBody());
  app.useGlobalPipes(new StrictValidationPipe());
  // Cached routes set a strong ETag of their own; hashing every other response body is wasted work.
  app.set('etag', false);
  app.disable('x-powered-by');
  return app;
}
