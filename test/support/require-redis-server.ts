import { redisServerVersion } from './redis-server-binary';

/** Jest globalSetup: no test is skipped for want of Redis; the whole run fails and says how to fix it. */
export default function requireRedisServer(): void {
  redisServerVersion();
}
