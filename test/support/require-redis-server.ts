import { postgresBinDir } from './postgres-server-binary';
import { redisServerVersion } from './redis-server-binary';

/**
 * Jest globalSetup: no test is skipped for want of Redis or PostgreSQL; the whole run fails and says
 * how to install what is missing.
 */
export default function requireRedisServer(): void {
  redisServerVersion();
  postgresBinDir();
}
