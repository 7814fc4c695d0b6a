import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BootError } from './boot-error';

/**
 * Creates the directory of DATABASE_PATH and checks that this process can write there (SQLite
 * creates its -wal and -shm files beside the database), before Nest starts: a bad path is then one
 * line naming the variable instead of a stack trace from deep inside the boot.
 */
export function prepareDatabaseDirectory(databasePath: string): void {
  if (databasePath === ':memory:' || databasePath.startsWith('file:')) return;
  const file = resolve(databasePath);
  const directory = dirname(file);
  const refuse = (problem: string) =>
    new BootError(`DATABASE_PATH is "${databasePath}": ${problem}; set DATABASE_PATH to a file in a directory this process can write`);
  try {
    createDirectory(directory);
  } catch (error) {
    throw refuse(`cannot create the directory ${(error as NodeJS.ErrnoException).path ?? directory} (${reason(error)})`);
  }
  try {
    accessSync(directory, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw refuse(`the directory ${directory} is not writable (${reason(error)})`);
  }
  const existing = statOrUndefined(file);
  if (existing?.isDirectory()) throw refuse(`${file} is a directory`);
  if (existing !== undefined) {
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch (error) {
      throw refuse(`the file cannot be read and written (${reason(error)})`);
    }
  }
}

/**
 * mkdir -p, one directory at a time. Not mkdirSync({ recursive: true }): where mkdir answers ENOENT
 * under an existing parent (under /proc), Node 20's recursive mkdir retries forever, and
 * DATABASE_PATH=/proc/nope/chat.db hung the boot, silent.
 */
function createDirectory(directory: string): void {
  const existing = statOrUndefined(directory);
  if (existing !== undefined) {
    if (!existing.isDirectory()) throw Object.assign(new Error('ENOTDIR: not a directory'), { code: 'ENOTDIR', path: directory });
    return;
  }
  const parent = dirname(directory);
  if (parent !== directory) createDirectory(parent);
  try {
    mkdirSync(directory);
  } catch (error) {
    // Another instance booting on the same file may have made it a moment ago.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** "ENOENT: no such file or directory", without the syscall and path Node appends. */
function reason(error: unknown): string {
  return String((error as Error).message).split(',')[0];
}
