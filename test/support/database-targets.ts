import { PostgresServer } from './postgres-server';

/**
 * The databases a chat spec runs its cases on. `env()` answers the environment of a new, empty
 * database of that kind, for startChatApp or startSharedChatInstances: a fresh in-memory (or, with
 * `shared`, file) SQLite, or a new database on the one PostgreSQL server of this spec file.
 */
export interface DatabaseTarget {
  database: 'sqlite' | 'postgres';
  env(): Promise<Record<string, string>>;
}

let server: PostgresServer | undefined;
let hooked = false;

/**
 * Starts the spec file's PostgreSQL before its first test and stops it after its last. Call at the
 * top level of a spec file (directly or through databaseTargets / chatModes): Jest loads modules
 * afresh for every file, so each file gets one server of its own, shared by all its tests.
 */
export function postgresForThisFile(): { server(): PostgresServer } {
  if (!hooked) {
    hooked = true;
    beforeAll(async () => {
      server = await PostgresServer.start();
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
      server = undefined;
    });
  }
  return {
    server: () => {
      if (server === undefined) throw new Error('the PostgreSQL of this spec file is not running');
      return server;
    },
  };
}

export type DatabaseKind = DatabaseTarget['database'];

/** The targets of `databases` (both by default); PostgreSQL's server is started only when it is one of them. */
export function databaseTargets(databases: readonly DatabaseKind[] = ['sqlite', 'postgres']): DatabaseTarget[] {
  const targets: DatabaseTarget[] = [];
  if (databases.includes('sqlite')) targets.push({ database: 'sqlite', env: async () => ({}) });
  if (databases.includes('postgres')) {
    const postgres = postgresForThisFile();
    targets.push({ database: 'postgres', env: async () => ({ DATABASE_URL: await postgres.server().createDatabase() }) });
  }
  return targets;
}
