import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const POSTGRES_INSTALL_HINT =
  'PostgreSQL is required by the tests (they start real PostgreSQL servers on free ports with initdb and pg_ctl ' +
  'from /usr/lib/postgresql/<version>/bin). Install it with: sudo apt-get update && sudo apt-get install -y postgresql ' +
  '(or run `npm run test:all`, which installs it on Debian).';

const POSTGRES_LIB = '/usr/lib/postgresql';

/**
 * The bin directory of the newest PostgreSQL Debian installed (where initdb and pg_ctl live: Debian
 * keeps them off PATH), or an Error telling how to install it.
 */
export function postgresBinDir(): string {
  const versions = existsSync(POSTGRES_LIB)
    ? readdirSync(POSTGRES_LIB)
        .filter((version) => existsSync(join(POSTGRES_LIB, version, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(POSTGRES_INSTALL_HINT);
  return join(POSTGRES_LIB, versions[0], 'bin');
}
