/**
 * jest globalSetup: every test, and every shell and program a test starts, gets an empty home
 * of its own. The machine's ~/.bashrc is not what the suite tests: this one ran pyenv's
 * `rehash`, whose lock file in /root/.pyenv/shims, left behind by any killed shell, made
 * every interactive bash after it wait 60 s for its prompt. Tests that are about a learner's
 * own start-up files make a home with those files themselves.
 */
import { mkdtempSync } from 'node:fs';

export default function emptyHome() {
  const home = mkdtempSync('/tmp/contlab-test-home-');
  process.env.CONTLAB_TEST_HOME = home;
  process.env.HOME = home;
}
