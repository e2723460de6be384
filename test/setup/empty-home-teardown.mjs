/** jest globalTeardown: removes the home empty-home.mjs made (and what programs put in it). */
import { rmSync } from 'node:fs';

export default function removeEmptyHome() {
  const home = process.env.CONTLAB_TEST_HOME;
  if (home !== undefined && home.startsWith('/tmp/contlab-test-home-'))
    rmSync(home, { recursive: true, force: true });
}
