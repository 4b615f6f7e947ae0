// A minimal test harness: `check(name, fn)` runs fn (sync or async) and
// prints TAP lines (`ok N - name` / `not ok N - name` with `#` details), which
// editors/test.sh counts. No dependency beyond node.
'use strict';

const checks = [];

function check(name, fn) {
  checks.push({ name, fn });
}

async function run() {
  let failed = 0;
  let n = 0;
  for (const { name, fn } of checks) {
    n += 1;
    try {
      await fn();
      console.log(`ok ${n} - ${name}`);
    } catch (error) {
      failed += 1;
      console.log(`not ok ${n} - ${name}`);
      const text = error && error.stack && !(error instanceof CheckFailure) ? error.stack : String(error.message || error);
      for (const line of text.split('\n')) console.log(`  # ${line}`);
    }
  }
  console.log(`1..${n}`);
  console.log(`# ${n - failed} passed, ${failed} failed`);
  return failed;
}

class CheckFailure extends Error {}

function fail(message) {
  throw new CheckFailure(message);
}

function assert(condition, message) {
  if (!condition) fail(message);
}

module.exports = { check, run, fail, assert };
