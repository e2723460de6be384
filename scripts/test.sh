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

# --forceExit: a handle a test leaves open must not keep jest, and so CI, waiting until its
# time runs out with no result. A process a test leaves running fails the run by name
# (test/setup/global-teardown.mjs).
jest() {
  NODE_OPTIONS=--experimental-vm-modules npx jest --ci --json --forceExit "$@"
}
results=$(mktemp /tmp/contlab-jest-XXXXXX.json)
status=0
if [ "$#" -gt 0 ]; then
  echo "==> tests: $*"
  jest --outputFile="$results" "$@" || status=$?
else
  # The cgroup v2 curriculum runs in emulated VMs (test/vm/curriculum-v2.test.ts) beside the
  # host suite: emulation is CPU-bound, the host suite mostly waits on the system, so the two
  # share 2 cores well. The VMs run niced: the host tests' timing stays the host's.
  echo "==> tests: the host suite, and beside it the cgroup v2 curriculum in VMs"
  vm_results=$(mktemp /tmp/contlab-jest-vm-XXXXXX.json)
  vm_log=$(mktemp /tmp/contlab-jest-vm-XXXXXX.log)
  nice -n 10 bash -c 'NODE_OPTIONS=--experimental-vm-modules exec npx jest --ci --json --forceExit \
    --outputFile="$1" test/vm/curriculum-v2.test.ts' _ "$vm_results" >"$vm_log" 2>&1 &
  vm_pid=$!
  jest --outputFile="$results" --testPathIgnorePatterns test/vm/curriculum-v2 || status=$?
  vm_status=0
  wait "$vm_pid" || vm_status=$?
  echo "==> the cgroup v2 curriculum in VMs (exit $vm_status)"
  cat "$vm_log"
  [ "$vm_status" = 0 ] || status=1
  # One summary for both runs.
  node -e '
const fs = require("fs");
const [a, b] = process.argv.slice(1).map((f) => { try { return JSON.parse(fs.readFileSync(f, "utf8")); } catch { return {}; } });
for (const k of ["numPassedTests", "numFailedTests", "numPendingTests"]) a[k] = (a[k] ?? 0) + (b[k] ?? 0);
fs.writeFileSync(process.argv[1], JSON.stringify(a));
' "$results" "$vm_results"
  rm -f "$vm_results" "$vm_log"
fi

echo "==> leftovers on the host"
leak=0
bash scripts/leak-check.sh || leak=1

node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' "$results"
rm -f "$results"
[ "$status" = 0 ] && [ "$leak" = 0 ]
