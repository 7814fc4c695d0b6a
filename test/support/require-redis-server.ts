import { randomUUID } from 'node:crypto';
import { postgresBinDir } from './postgres-server-binary';
import { redisServerVersion } from './redis-server-binary';

/**
 * Jest globalSetup: no test is skipped for want of Redis or PostgreSQL; the whole run fails and says
 * how to install what is missing.
 */
export default function requireRedisServer(): void {
  redisServerVersion();
  postgresBinDir();
  // Inherited by the workers: names this run's PostgreSQL clusters for the teardown.
  process.env.CHAT_CACHE_TEST_RUN ??= randomUUID().slice(0, 8);
}
