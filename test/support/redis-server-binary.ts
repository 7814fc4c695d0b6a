import { execFileSync } from 'node:child_process';

export const REDIS_INSTALL_HINT =
  'redis-server is required by the tests (they start real Redis servers on free ports). ' +
  'Install it with: sudo apt-get update && sudo apt-get install -y redis-server ' +
  '(or run `npm run test:all`, which installs it on Debian).';

/** The redis-server version, or an Error telling how to install it. */
export function redisServerVersion(): string {
  try {
    return execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(REDIS_INSTALL_HINT);
  }
}
