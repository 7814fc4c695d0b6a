import { LoggerService, LogLevel } from '@nestjs/common';
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
  // abortOnError: false: a module that fails to start rethrows to the caller (main.ts reports it
  // in one line) instead of process.abort(), which dumps core.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger,
    abortOnError: false,
  });
  // First, so that requests refused by the body parser are timed and counted too.
  app.use(app.get(HttpMetrics).middleware);
  app.use(jsonBody());
  app.useGlobalPipes(new StrictValidationPipe());
  // Cached routes set a strong ETag of their own; hashing every other response body is wasted work.
  app.set('etag', false);
  app.disable('x-powered-by');
  return app;
}
