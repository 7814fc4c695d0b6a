import type { INestApplication, LoggerService } from '@nestjs/common';
import type { Server } from 'node:http';
import { ConnectionTracker } from './connection-tracker';

/**
 * How long closing Redis clients and the database may take once the HTTP server is closed: both
 * take milliseconds, or one round trip to Redis; a Redis that does not answer must not keep the
 * process from exiting.
 */
const CLOSE_TIMEOUT_MS = 3_000;

export interface ShutdownOptions {
  /** Longest wait for the requests in flight (SHUTDOWN_TIMEOUT_MS). */
  drainTimeoutMs: number;
  logger: LoggerService;
}

/**
 * On SIGTERM or SIGINT: stops accepting connections, waits at most `drainTimeoutMs` for the
 * requests in flight, closes every connection left, lets Nest close Redis and the database, and
 * exits 0 (1 when closing them failed or hung). Bounded on purpose: once a Node server closes it
 * stops timing out requests, and one half-sent request held the process until its client gave up.
 * A second signal (a terminal's Ctrl-C reaches npm and the app both) changes nothing.
 */
export function shutDownOnSignals(app: INestApplication, server: Server, tracker: ConnectionTracker, options: ShutdownOptions): void {
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    void shutDown(signal, app, server, tracker, options).then((code) => process.exit(code));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function shutDown(
  signal: NodeJS.Signals,
  app: INestApplication,
  server: Server,
  tracker: ConnectionTracker,
  options: ShutdownOptions,
): Promise<number> {
  const { drainTimeoutMs, logger } = options;
  const startedAt = performance.now();
  logger.log(
    `shutdown.begin signal=${signal} open_connections=${tracker.openConnections} requests_in_flight=${tracker.requestsInFlight} drain_timeout_ms=${drainTimeoutMs}`,
    'Shutdown',
  );
  const drained = await drain(server, tracker, drainTimeoutMs);
  const left = { connections: tracker.openConnections, requests: tracker.requestsInFlight };
  server.closeAllConnections();
  let closeError: string | undefined;
  try {
    await withTimeout(app.close(), CLOSE_TIMEOUT_MS);
  } catch (error) {
    closeError = (error as Error).message;
  }
  const line =
    `shutdown.end drained=${drained} requests_cut=${left.requests} connections_closed=${left.connections} ` +
    `${closeError === undefined ? 'closed=true' : `closed=false close_error=${JSON.stringify(closeError)}`} duration_ms=${Math.round(performance.now() - startedAt)}`;
  if (drained && closeError === undefined) logger.log(line, 'Shutdown');
  else logger.warn(line, 'Shutdown');
  return closeError === undefined ? 0 : 1;
}

/** Closes the server; true once every connection has ended, false when `timeoutMs` passed first. */
function drain(server: Server, tracker: ConnectionTracker, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    // close() drops the idle keep-alive connections at once; one that carried a request becomes
    // idle when its response ends, and would otherwise stay open for the whole keepAliveTimeout.
    tracker.onResponseEnd(() => setImmediate(() => server.closeIdleConnections()));
    const timer = setTimeout(() => resolve(false), timeoutMs);
    server.close(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function withTimeout(work: Promise<unknown>, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs);
    work.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
