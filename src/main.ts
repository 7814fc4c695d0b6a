import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { ConfigError, loadConfig } from './config';
import { createApp } from './http/create-app';

/** Levels at or above `level`, in Nest's order of severity. */
function logLevelsFrom(level: LogLevel): LogLevel[] {
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  return order.slice(0, order.indexOf(level) + 1);
}

async function bootstrap(): Promise<void> {
  // A .env file is optional: every variable has a default (see .env.example).
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Invalid configuration: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const logLevels = logLevelsFrom(config.logLevel);
  const app = await createApp(config, config.logFormat === 'json' ? new ConsoleLogger({ json: true, logLevels }) : logLevels);
  app.enableShutdownHooks();
  await app.listen(config.port);
  console.log(`chat-cache listening on http://localhost:${config.port} (POST /users to begin, GET /health)`);
}

void bootstrap();
