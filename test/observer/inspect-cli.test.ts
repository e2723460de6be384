/**
 * `contlab inspect PID [--json]`: the library function and the real built CLI. The JSON
 * must validate against schemas/inspect.schema.json; a bad PID is one clear message.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import { inspectOutput } from '../../src/cli/commands/inspect.js';
import { LabError } from '../../src/engine/errors.js';
import { LabSession } from '../../src/engine/session.js';
import { buildDist } from '../helpers/daemons.js';
import { privateLabHome, startUnshared, type Unshared } from './helpers.js';

privateLabHome();

const repo = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
const schema = JSON.parse(
  readFileSync(join(repo, 'schemas/inspect.schema.json'), 'utf8'),
) as object;
// ajv is CommonJS: under ESM its class is the default export, or that export's `default`.
type AjvClass = typeof Ajv2020Module.default;
const Ajv2020: AjvClass =
  (Ajv2020Module as unknown as { default?: AjvClass }).default ??
  (Ajv2020Module as unknown as AjvClass);
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

function expectValid(json: string): Record<string, unknown> {
  const data = JSON.parse(json) as Record<string, unknown>;
  const ok = validate(data);
  if (!ok) throw new Error(JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  return data;
}

function cli(
  args: string[],
  uid?: number,
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(join(repo, 'bin/contlab'), args, {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    ...(uid === undefined ? {} : { uid, gid: uid }),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('contlab inspect', () => {
  let box: Unshared;
  let sleeper: ChildProcess;
  let session: LabSession;

  beforeAll(async () => {
    buildDist(); // bin/contlab runs the build: the compiled TypeScript and the CLI bundle
    box = await startUnshared(['--pid', '--mount-proc', '--uts', '--net']);
    sleeper = spawn('sleep', ['60']);
    session = await LabSession.open();
    // `ip link ... netns PID` puts the peer straight into the box's network namespace.
    await session.addVethPair('obs0', 'obs1', String(box.pid));
  });

  afterAll(async () => {
    await box?.kill();
    sleeper?.kill('SIGKILL');
    const report = await session?.close();
    expect(report?.errors ?? []).toEqual([]);
  });

  test('library JSON for this process validates against the schema', async () => {
    const data = expectValid(await inspectOutput(String(process.pid), { json: true }));
    expect((data.process as { pid: number }).pid).toBe(process.pid);
  });

  test('library JSON for a process in new namespaces says what differs', async () => {
    const data = expectValid(await inspectOutput(String(box.pid), { json: true }));
    const rows = data.namespaces as { type: string; differsFromHost: boolean | null }[];
    const differ = rows.filter((r) => r.differsFromHost).map((r) => r.type);
    expect(differ).toEqual(['mnt', 'net', 'pid', 'pid_for_children', 'uts']);
    expect((data.process as { nsPid: number }).nsPid).toBe(box.innerPid);
    const net = data.network as { interfaces: { name: string }[]; veth: object[] };
    expect(net.interfaces.map((i) => i.name)).toEqual(['lo', 'contlab-obs1']);
    // The cable's other end is in the host's network namespace, held by pid 1 (or kthreadd).
    expect(net.veth).toEqual([
      expect.objectContaining({ local: 'contlab-obs1', peer: 'contlab-obs0' }),
    ]);
  });

  test('the built CLI prints JSON that validates (contlab inspect $$ --json)', () => {
    const r = cli(['inspect', String(process.pid), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectValid(r.stdout);
  });

  test('the text report names the real cgroup files', () => {
    const r = cli(['inspect', String(box.pid)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('namespaces');
    expect(r.stdout).toMatch(/memory\.(limit_in_bytes|max)/);
    expect(r.stdout).toContain('{pid:new}');
  });

  test('a bad PID is one message and exit 1, no stack', () => {
    for (const arg of ['abc', '0', '-5']) {
      const r = cli(['inspect', '--', arg]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('is not a process ID');
      expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    }
    const gone = cli(['inspect', '4194303']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('no process with PID 4194303');
    expect(gone.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  test('the library throws LabError for bad input', async () => {
    await expect(inspectOutput('12x')).rejects.toThrow(LabError);
  });

  test('run as an unprivileged user: permission errors become absent fields', () => {
    // nobody may not read root's /proc/PID/ns/* or root: EACCES from the real kernel.
    const r = cli(['inspect', String(sleeper.pid), '--json'], 65534);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const data = expectValid(r.stdout);
    const p = data.process as { namespaces: object; root: unknown };
    expect(p.namespaces).toEqual({});
    expect(p.root).toBeNull();
  });
});
