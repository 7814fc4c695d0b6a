import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../support/app-process';

const run = promisify(execFile);

export const FIXTURE_DIR = join(REPO_ROOT, 'test', 'fixtures', 'nest-app');

/** A copy of the fixture app in a temporary folder with the packed tarball installed, as a user's app would have it. */
export interface InstalledFixture {
  dir: string;
  tarball: string;
  installMs: number;
  /** Runs a command in the fixture's folder and answers its stdout. */
  exec(command: string, args: string[]): Promise<string>;
  remove(): void;
}

/**
 * `npm run pack:lib`, then the fixture copied to a temporary folder, `npm install <tarball>` there (the
 * fixture's own dependencies come along; --prefer-offline answers from npm's cache what it already holds),
 * and the fixture built with its own TypeScript and tsconfig (Nest 11's default: nodenext, isolatedModules).
 */
export async function installPackedLibrary(): Promise<InstalledFixture> {
  await run('npm', ['run', '--silent', 'pack:lib'], { cwd: REPO_ROOT });
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const tarball = join(REPO_ROOT, 'dist-lib', `nestjs-chat-cache-${version}.tgz`);

  const dir = mkdtempSync(join(tmpdir(), 'nestjs-chat-cache-fixture-'));
  cpSync(FIXTURE_DIR, dir, { recursive: true, filter: (source) => !/[\\/](node_modules|dist)$/.test(source) });
  const exec = async (command: string, args: string[]) => (await run(command, args, { cwd: dir, maxBuffer: 16 * 1024 * 1024 })).stdout;
  const fixture: InstalledFixture = { dir, tarball, installMs: 0, exec, remove: () => rmSync(dir, { recursive: true, force: true }) };
  try {
    const started = Date.now();
    await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball]);
    fixture.installMs = Date.now() - started;
    await exec(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
  } catch (error) {
    fixture.remove();
    throw error;
  }
  return fixture;
}
