import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresServer, testRunId } from './postgres-server';

/**
 * Jest globalTeardown: stops and removes the PostgreSQL clusters this run left behind. A server is
 * left when its start outlived a hook's timeout (Jest moves on, afterAll finds nothing to stop), or
 * when a worker dies; a handler on the worker's `process` cannot help, as Jest gives each test file
 * a copy of `process` whose 'exit' never fires. Only this run's clusters: another Jest run on the
 * same machine keeps its own.
 */
export default function stopLeftoverPostgres(): void {
  const prefix = `chat-cache-postgres-${testRunId()}-`;
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(prefix)) continue;
    const dir = join(tmpdir(), name);
    if (existsSync(dir)) PostgresServer.stopClusterNow(dir);
  }
}
