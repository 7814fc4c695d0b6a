#!/usr/bin/env node
// Runs before `npm start` (its prestart): builds dist/ when it is missing or older than the sources,
// so that a start after a clone, a pull or an edit runs the current code, and every other start
// boots the built app at once instead of compiling it (nest start compiled on every boot: 12.9 s).
// `--mark-built` (npm's postbuild) marks a build that finished: the mark, not dist/main.js, dates
// the build, since a build cut short leaves a new main.js beside missing modules.
const { spawnSync } = require('node:child_process');
const { readdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const buildMark = join(root, 'dist', '.build-complete');

if (process.argv.includes('--mark-built')) {
  writeFileSync(buildMark, `${new Date().toISOString()}\n`);
  process.exit(0);
}

function mtimeMs(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -Infinity;
  }
}

/** Newest mtime under `dir`, directories included: deleting a file changes its directory's. */
function newestMtimeMs(dir) {
  let newest = mtimeMs(dir);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return newest;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : mtimeMs(path));
  }
  return newest;
}

const builtAt = mtimeMs(buildMark);
const sourcesAt = Math.max(
  newestMtimeMs(join(root, 'src')),
  mtimeMs(join(root, 'tsconfig.json')),
  mtimeMs(join(root, 'tsconfig.build.json')),
);
// A deployment that ships dist/ without src/ has nothing to build.
if (builtAt >= sourcesAt) process.exit(0);

console.log(
  builtAt === -Infinity
    ? 'no complete build in dist/: building it (npm run build)'
    : 'src/ changed since the last build: rebuilding (npm run build)',
);
const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('Cannot start: the build failed (npm run build); run npm ci first, it installs the build tools');
  process.exit(1);
}
