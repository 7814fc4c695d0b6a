#!/usr/bin/env bash
# Runs every test from a fresh clone on Debian: installs redis-server and postgresql when missing (the
# tests start their own servers on free ports), installs the locked dependencies, type-checks, lints (ESLint and
# Prettier's check), runs Jest.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server not found: installing Debian's redis-server package"
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "cannot install redis-server without root; run: sudo apt-get install -y redis-server" >&2
    exit 1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi
redis-server --version

# PostgreSQL: the tests run initdb and pg_ctl from Debian's /usr/lib/postgresql/<version>/bin (off PATH).
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "PostgreSQL not found: installing Debian's postgresql package"
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "cannot install PostgreSQL without root; run: sudo apt-get install -y postgresql" >&2
    exit 1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
ls -d /usr/lib/postgresql/*/bin/initdb

npm ci --no-audit --no-fund --loglevel=error
npm run --silent typecheck
npm run --silent lint

results="$(mktemp)"
status=0
npx jest --ci --json --outputFile="$results" || status=$?
node -e '
  const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' "$results"
rm -f "$results"
exit "$status"
