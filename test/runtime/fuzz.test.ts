/**
 * The config.json parser under libFuzzer with AddressSanitizer and UBSan (native/src/
 * fuzz_spec.c, `make -C native fuzz`): for 20 seconds, any byte string must either parse
 * or give one "config.json: <path>: <problem>" error, never crash, leak or hang. Seeded
 * with real configs (runc's default, the rootless one, the tests' bundles) so the fuzzer
 * starts deep inside the format. Skipped, saying why, only when clang is not installed.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { defaultConfig, hasCommand } from '../helpers/bundle.js';

const NATIVE = join(repoRoot, 'native');
const FUZZER = join(NATIVE, 'build', 'fuzz-spec');
const SECONDS = 20;

const haveClang = hasCommand('clang');
if (!haveClang) {
  process.stderr.write(
    'fuzz.test.ts: SKIPPED: clang is not installed (apt-get install clang libclang-rt-14-dev, ' +
      'or run scripts/setup.sh --test-deps)\n',
  );
}
const maybe = haveClang ? describe : describe.skip;

maybe('the config.json parser under libFuzzer + ASan + UBSan', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync('/tmp/contlab-fuzz-');
    const corpus = join(dir, 'corpus');
    mkdirSync(corpus);
    const full = defaultConfig(['sh', '-c', 'echo hi'], '/contlab/fuzz');
    const rich = structuredClone(full) as ReturnType<typeof defaultConfig> &
      Record<string, unknown>;
    rich.linux.namespaces.push({ type: 'user' }, { type: 'cgroup', path: '/proc/1/ns/cgroup' });
    rich.linux.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    rich.linux.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    rich.linux.resources = {
      memory: { limit: 1 << 25, swap: 1 << 26, reservation: 1 << 24 },
      pids: { limit: 8 },
      cpu: { shares: 512, quota: 25000, period: 100000, cpus: '0' },
      devices: [{ allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }],
    };
    rich.linux = {
      ...rich.linux,
      seccomp: {
        defaultAction: 'SCMP_ACT_ERRNO',
        architectures: ['SCMP_ARCH_X86_64'],
        syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' }],
      },
      sysctl: { 'net.ipv4.ip_forward': '1' },
      rootfsPropagation: 'rslave',
    } as typeof rich.linux;
    (rich as Record<string, unknown>).hooks = {
      prestart: [{ path: '/bin/true' }],
      createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', 'cat'], env: ['A=1'], timeout: 5 }],
      poststop: [{ path: '/bin/true' }],
    };
    const seeds = [full, rich, { ociVersion: '1.0.2' }];
    seeds.forEach((s, i) => writeFileSync(join(corpus, `seed${i}.json`), JSON.stringify(s)));
    const make = spawnSync('make', ['-s', '-C', NATIVE, 'fuzz'], { encoding: 'utf8' });
    if (make.status !== 0) throw new Error(`make fuzz failed:\n${make.stdout}${make.stderr}`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test(`${SECONDS} s of fuzzing find no crash, leak or error without a JSON path`, () => {
    const r = spawnSync(
      FUZZER,
      [
        `-max_total_time=${SECONDS}`,
        '-timeout=5',
        '-rss_limit_mb=1024',
        `-artifact_prefix=${dir}/`,
        join(dir, 'corpus'),
      ],
      {
        encoding: 'utf8',
        timeout: (SECONDS + 60) * 1000,
        env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'halt_on_error=1' },
      },
    );
    const tail = r.stderr.slice(-3000);
    // libFuzzer's closing line: "Done N runs in S second(s)".
    expect({ code: r.status, done: /Done \d+ runs in \d+ second/.test(r.stderr), tail }).toEqual({
      code: 0,
      done: true,
      tail,
    });
    const runs = Number(/Done (\d+) runs/.exec(r.stderr)?.[1]);
    expect(runs).toBeGreaterThan(1000);
    expect(readdirSync(dir).filter((f) => /^(crash|leak|timeout|oom)-/.test(f))).toEqual([]);
  });
});
