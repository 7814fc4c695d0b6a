import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { LogLevel } from '@nestjs/common';
import { AppConfig, ConfigError, loadConfig } from './config';
import { createApp, initApp } from './http/create-app';
import { applyServerLimits } from './http/server-limits';
import { AppLogger, printFatalLine } from './lifecycle/app-logger';
import { describeBootError } from './lifecycle/boot-error';
import { ConnectionTracker } from './lifecycle/connection-tracker';
import { prepareDatabaseDirectory } from './lifecycle/database-directory';
import { shutDownOnSignals } from './lifecycle/graceful-shutdown';
import { listen } from './lifecycle/listen';

/** Levels at or above `level`, in Nest's order of severity. */
function logLevelsFrom(level: LogLevel): LogLevel[] {
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  return order.slice(0, order.indexOf(level) + 1);
}

function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // LOG_FORMAT may be the variable at fault: JSON only when it is valid and says json.
    printFatalLine(`Invalid configuration: ${error.message}`, process.env.LOG_FORMAT?.trim() === 'json');
    process.exit(1);
  }
}

async function bootstrap(): Promise<void> {
  // A .env file is optional: every variable has a default (see .env.example).
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfigOrExit();
  const logger = new AppLogger({ json: config.logFormat === 'json', logLevels: logLevelsFrom(config.logLevel) });
  try {
    if (config.postgres.url === undefined) prepareDatabaseDirectory(config.databasePath);
    const app = await createApp(config, logger);
    const server = app.getHttpServer();
    applyServerLimits(server);
    const tracker = new ConnectionTracker(server);
    await initApp(app);
    await listen(server, config.port);
    shutDownOnSignals(app, server, tracker, { drainTimeoutMs: config.shutdownTimeoutMs, logger });
    logger.log(`chat-cache listening on http://localhost:${config.port} (POST /users to begin, GET /health)`, 'Bootstrap');
  } catch (error) {
    const { line, stack } = describeBootError(error, config.databasePath);
    if (stack !== undefined) logger.debug(stack, 'Bootstrap');
    printFatalLine(`Cannot start: ${line}`, config.logFormat === 'json');
    process.exit(1);
  }
}

void bootstrap();
