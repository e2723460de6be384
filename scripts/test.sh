#!/usr/bin/env bash
# contlab's whole test suite: set-up (idempotent), type check, lint, every jest test on the
# real system, then a host-side check that the tests left nothing behind.
#   sudo scripts/test.sh [jest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --no-start --test-deps

echo "==> type check"
npm run --silent typecheck
echo "==> lint and format"
npm run --silent lint

echo "==> tests"
results=$(mktemp /tmp/contlab-jest-XXXXXX.json)
status=0
NODE_OPTIONS=--experimental-vm-modules npx jest --ci --json --outputFile="$results" "$@" || status=$?

echo "==> leftovers on the host"
leak=0
bash scripts/leak-check.sh || leak=1

node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' "$results"
rm -f "$results"
[ "$status" = 0 ] && [ "$leak" = 0 ]
