/**
 * Bad input: a malformed or invalid config.json must give exactly one line that names the
 * JSON path and the problem, exit 1, and leave nothing behind (no state dir, no cgroup, no
 * mount, no process). Each case is a real `create` (and a `run`) of the real binary.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  RUNTIME,
  RuntimeLab,
  cgroupDirs,
  defaultConfig,
  type OciConfig,
} from '../helpers/bundle.js';
import { pidsMentioning } from '../helpers/daemons.js';

let lab: RuntimeLab;
beforeAll(() => {
  lab = new RuntimeLab('bad');
});
afterAll(() => {
  lab?.cleanup();
});

type Edit = (c: OciConfig & Record<string, unknown>) => void;
const set =
  (path: string, value: unknown): Edit =>
  (c) => {
    const keys = path.split('.');
    let o: Record<string, unknown> = c;
    for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
    const last = keys[keys.length - 1]!;
    if (value === undefined) delete o[last];
    else o[last] = value;
  };

interface Case {
  name: string;
  edit?: Edit;
  raw?: string;
  /** The whole stderr line, as a regexp. */
  line: RegExp;
}

const CASES: Case[] = [
  {
    name: 'not JSON at all',
    raw: '{"ociVersion": "1.0.2", "process": {',
    line: /^config\.json: invalid JSON at byte \d+: unexpected end of file$/,
  },
  {
    name: 'trailing garbage',
    raw: '{"ociVersion": "1.0.2"} x',
    line: /^config\.json: invalid JSON at byte 24: trailing data$/,
  },
  {
    name: 'the document is an array',
    raw: '[]',
    line: /^config\.json: \.: expected an object, got an array$/,
  },
  {
    name: 'missing ociVersion',
    edit: set('ociVersion', undefined),
    line: /^config\.json: \.ociVersion: required field is missing$/,
  },
  {
    name: 'missing process',
    edit: set('process', undefined),
    line: /^config\.json: \.process: required field is missing$/,
  },
  {
    name: 'args is a string',
    edit: set('process.args', 'sh -c true'),
    line: /^config\.json: \.process\.args: expected an array of strings, got a string$/,
  },
  {
    name: 'args holds a number',
    edit: set('process.args', ['sh', 7]),
    line: /^config\.json: \.process\.args: expected an array of strings \(element 1 is an integer\)$/,
  },
  {
    name: 'uid is a string',
    edit: set('process.user.uid', '0'),
    line: /^config\.json: \.process\.user\.uid: expected an integer, got a string$/,
  },
  {
    name: 'unknown capability',
    edit: set('process.capabilities.bounding', ['CAP_KILL', 'CAP_FLY']),
    line: /^config\.json: \.process\.capabilities\.bounding: unknown capability "CAP_FLY"$/,
  },
  {
    name: 'unknown rlimit',
    edit: set('process.rlimits', [{ type: 'RLIMIT_FUN', hard: 1, soft: 1 }]),
    line: /^config\.json: \.process\.rlimits\[0\]\.type: unknown rlimit "RLIMIT_FUN"$/,
  },
  {
    name: 'root.path missing',
    edit: set('root', { readonly: true }),
    line: /^config\.json: \.root\.path: required field is missing$/,
  },
  {
    name: 'nonexistent rootfs',
    edit: set('root.path', '/nonexistent/contlab-rootfs'),
    line: /^config\.json: \.root\.path: rootfs \/nonexistent\/contlab-rootfs does not exist$/,
  },
  {
    name: 'relative mount destination',
    edit: set('mounts', [{ destination: 'proc', type: 'proc', source: 'proc' }]),
    line: /^config\.json: \.mounts\[0\]\.destination: must be an absolute path, got "proc"$/,
  },
  {
    name: 'unknown namespace',
    edit: set('linux.namespaces', [{ type: 'pid' }, { type: 'mount' }, { type: 'pidd' }]),
    line: /^config\.json: \.linux\.namespaces\[2\]\.type: unknown namespace "pidd" \(expected .*\)$/,
  },
  {
    name: 'namespace listed twice',
    edit: set('linux.namespaces', [{ type: 'mount' }, { type: 'mount' }]),
    line: /^config\.json: \.linux\.namespaces\[1\]\.type: namespace "mount" is listed twice$/,
  },
  {
    name: 'a user namespace without mappings',
    edit: set('linux.namespaces', [{ type: 'mount' }, { type: 'user' }]),
    line: /^config\.json: \.linux\.uidMappings: a new user namespace needs uid and gid mappings$/,
  },
  {
    name: 'a mapping of size 0',
    edit: (c) => {
      c.linux.namespaces.push({ type: 'user' });
      c.linux.uidMappings = [{ containerID: 0, hostID: 100000, size: 0 }];
      c.linux.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    },
    line: /^config\.json: \.linux\.uidMappings\[0\]\.size: 0 out of range \[1, 4294967295\]$/,
  },
  {
    name: 'a mapping without hostID',
    edit: (c) => {
      c.linux.namespaces.push({ type: 'user' });
      c.linux.uidMappings = [{ containerID: 0, hostID: 0, size: 1 }];
      c.linux.gidMappings = [{ containerID: 0, size: 1 } as never];
    },
    line: /^config\.json: \.linux\.gidMappings\[0\]\.hostID: required field is missing$/,
  },
  {
    name: 'mappings without a user namespace',
    edit: set('linux.uidMappings', [{ containerID: 0, hostID: 100000, size: 1 }]),
    line: /^config\.json: \.linux\.uidMappings: mappings need a new user namespace in \.linux\.namespaces$/,
  },
  {
    name: 'memory limit as a string',
    edit: set('linux.resources.memory', { limit: '64m' }),
    line: /^config\.json: \.linux\.resources\.memory\.limit: expected an integer, got a string$/,
  },
  {
    name: 'a fractional pids limit',
    edit: set('linux.resources.pids', { limit: 1.5 }),
    line: /^config\.json: \.linux\.resources\.pids\.limit: expected an integer, got a fractional number$/,
  },
  {
    name: 'hostname without a uts namespace',
    edit: set('linux.namespaces', [{ type: 'mount' }, { type: 'pid' }]),
    line: /^config\.json: \.hostname: setting the hostname needs a uts namespace in \.linux\.namespaces \(without one it would be the host's\)$/,
  },
];

function bundleFor(c: Case, i: number): string {
  if (c.raw !== undefined) return lab.rawBundle(c.raw, `bad${i}`);
  const cfg = defaultConfig(['true'], lab.cgroupsPath(`bad${i}`)) as OciConfig &
    Record<string, unknown>;
  c.edit!(cfg);
  return lab.bundle(cfg, `bad${i}`);
}

describe('a bad config.json: one line naming the JSON path, exit 1, nothing left', () => {
  test.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, i) => {
    const bundle = bundleFor(c, i);
    for (const cmd of ['create', 'run']) {
      const id = `contlab-bad-${i}-${cmd}`;
      const log = join(lab.base, `bad-${i}-${cmd}.log`);
      const r = lab.run([cmd, '--bundle', bundle, id], {
        global: ['--log', log, '--log-format', 'json'],
      });
      expect({ cmd, code: r.code, stdout: r.stdout }).toEqual({ cmd, code: 1, stdout: '' });
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(c.line);
      // The same line goes to --log as JSON, for containerd's shim.
      const logged = JSON.parse(readFileSync(log, 'utf8').trim()) as { level: string; msg: string };
      expect(logged).toMatchObject({ level: 'error', msg: lines[0] });
      // Nothing left behind.
      expect(existsSync(join(lab.stateRoot(RUNTIME), id))).toBe(false);
      expect(cgroupDirs(lab.cgroupsPath(`bad${i}`))).toEqual([]);
      expect(pidsMentioning(id)).toEqual([]);
    }
  });

  test('a failure inside init (no such program) is reported and cleaned up too', () => {
    const bundle = lab.bundle(defaultConfig(['/no/such/program'], lab.cgroupsPath('noprog')));
    const id = 'contlab-bad-noprog';
    const r = lab.run(['create', '--bundle', bundle, id]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('exec: "/no/such/program": no such file or directory\n');
    expect(existsSync(join(lab.stateRoot(RUNTIME), id))).toBe(false);
    expect(cgroupDirs(lab.cgroupsPath('noprog'))).toEqual([]);
  });

  test('nothing at all is left under --root, in the cgroup tree or in the mount table', () => {
    const root = lab.stateRoot(RUNTIME);
    expect(existsSync(root) ? readdirSync(root) : []).toEqual([]);
    expect(cgroupDirs(lab.cgroupParent)).toEqual([]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(lab.base);
  });
});
