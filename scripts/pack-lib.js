// npm run pack:lib: builds src/cache alone (tsconfig.lib.json: Nest 11's default nodenext + isolatedModules)
// into dist-lib/package/, writes its package.json from packaging/nestjs-chat-cache/package.template.json,
// and packs dist-lib/nestjs-chat-cache-<version>.tgz. It refuses to pack when the built code requires a
// package the template does not declare: a user's install must bring everything the cache needs.
'use strict';
const { execFileSync } = require('node:child_process');
const { builtinModules } = require('node:module');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const packaging = path.join(root, 'packaging', 'nestjs-chat-cache');
const outDir = path.join(root, 'dist-lib');
const stage = path.join(outDir, 'package');

function main() {
  fs.rmSync(outDir, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.lib.json')], { stdio: 'inherit' });

  const manifest = readJson(path.join(packaging, 'package.template.json'));
  // One version for the repository and the package: the package is this repository's cache module.
  manifest.version = readJson(path.join(root, 'package.json')).version;
  fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  fs.copyFileSync(path.join(packaging, 'README.md'), path.join(stage, 'README.md'));
  fs.copyFileSync(path.join(root, 'LICENSE'), path.join(stage, 'LICENSE'));

  const undeclared = undeclaredRequires(path.join(stage, 'dist'), manifest);
  if (undeclared.length) {
    throw new Error(`the built cache requires packages its package.json does not declare: ${undeclared.join(', ')}`);
  }

  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: stage, encoding: 'utf8' }));
  console.log(
    `${path.relative(root, path.join(outDir, packed.filename))}: ${packed.entryCount} files, ${kib(packed.size)} packed, ${kib(packed.unpackedSize)} unpacked`,
  );
}

/** Bare specifiers of every require() in the built JavaScript that are neither Node builtins nor declared. */
function undeclaredRequires(dir, manifest) {
  const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
  const builtins = new Set(builtinModules);
  const missing = new Set();
  for (const file of fs.readdirSync(dir, { recursive: true })) {
    if (!String(file).endsWith('.js')) continue;
    const source = fs.readFileSync(path.join(dir, String(file)), 'utf8');
    for (const [, specifier] of source.matchAll(/require\("([^"]+)"\)/g)) {
      if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) continue;
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
      if (!declared.has(name)) missing.add(name);
    }
  }
  return [...missing].sort();
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

main();
