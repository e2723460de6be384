/**
 * The offline lab image, built for real with the host's busybox and GNU tar: every digest
 * in the OCI layout and the docker tarball verifies, the build is deterministic and cached,
 * and a build that was killed half-way leaves nothing that passes for an image.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { arch } from 'node:os';
import { join } from 'node:path';
import { digestOfFile } from '../../src/engine/image/digest.js';
import { ensureLabImage, type LabImage } from '../../src/engine/image/lab-image.js';
import { writeRootfs } from '../../src/engine/image/rootfs.js';
import { tarDirectory } from '../../src/engine/image/tar.js';
import { contlab } from '../helpers/cli.js';
import { buildDist } from '../helpers/daemons.js';
import { useTempLab } from '../helpers/lab-env.js';

const lab = useTempLab();
let image: LabImage;
let coldMs = 0;

interface Desc {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string };
}

const json = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const sha256 = (path: string): string =>
  'sha256:' + createHash('sha256').update(readFileSync(path)).digest('hex');

beforeAll(async () => {
  buildDist();
  const t = performance.now();
  image = await ensureLabImage();
  coldMs = performance.now() - t;
});

afterAll(() => lab.remove());

describe('the lab image', () => {
  test('is built once, under a content key, with rootfs, OCI layout, tarball and image.json', () => {
    expect(image.built).toBe(true);
    expect(image.dir.startsWith(join(lab.home, 'images') + '/')).toBe(true);
    for (const p of [
      image.rootfs,
      image.ociLayout,
      image.dockerArchive,
      join(image.dir, 'image.json'),
    ])
      expect(existsSync(p)).toBe(true);
    expect(existsSync(join(image.rootfs, 'bin/busybox'))).toBe(true);
    expect(image.reference).toBe('docker.io/contlab/busybox:latest');
    // Nothing but the finished image is left in the images directory.
    expect(readdirSync(join(lab.home, 'images'))).toEqual([image.dir.split('/').pop()]);
    process.stdout.write(`cold image build: ${coldMs.toFixed(0)} ms\n`);
  });

  test('every blob of the OCI layout matches its digest, and the manifest and config agree', () => {
    const blobs = join(image.ociLayout, 'blobs', 'sha256');
    for (const name of readdirSync(blobs)) expect(sha256(join(blobs, name))).toBe(`sha256:${name}`);
    expect(json(join(image.ociLayout, 'oci-layout'))).toEqual({ imageLayoutVersion: '1.0.0' });

    const index = json<{ schemaVersion: number; manifests: Desc[] }>(
      join(image.ociLayout, 'index.json'),
    );
    expect(index.schemaVersion).toBe(2);
    expect(index.manifests).toHaveLength(1);
    const entry = index.manifests[0] as Desc;
    expect(entry.digest).toBe(image.manifestDigest);
    expect(entry.annotations).toEqual({
      'io.containerd.image.name': 'docker.io/contlab/busybox:latest',
      'org.opencontainers.image.ref.name': 'latest',
    });

    const blob = (d: string): string => join(blobs, d.replace('sha256:', ''));
    expect(readFileSync(blob(entry.digest)).length).toBe(entry.size);
    const manifest = json<{ config: Desc; layers: Desc[]; mediaType: string }>(blob(entry.digest));
    expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(manifest.config.digest).toBe(image.configDigest);
    expect(manifest.layers.map((l) => l.digest)).toEqual([image.layerDigest]);
    for (const d of [manifest.config, ...manifest.layers])
      expect(readFileSync(blob(d.digest)).length).toBe(d.size);

    const config = json<{
      architecture: string;
      os: string;
      config: { Cmd: string[] };
      rootfs: { type: string; diff_ids: string[] };
      history: unknown[];
    }>(blob(image.configDigest));
    expect(config.os).toBe('linux');
    expect(config.architecture).toBe(arch() === 'x64' ? 'amd64' : config.architecture);
    expect(config.config.Cmd).toEqual(['/bin/sh']);
    // The layer is uncompressed: its diff_id is its own digest.
    expect(config.rootfs).toEqual({ type: 'layers', diff_ids: [image.layerDigest] });
    expect(config.history).toHaveLength(1);
  });

  test('the docker tarball has a manifest.json and repositories whose digests verify', () => {
    const out = mkdtempSync('/tmp/contlab-t-');
    try {
      const r = spawnSync('tar', ['-xf', image.dockerArchive, '-C', out]);
      expect(r.status).toBe(0);
      const [m, ...rest] = json<{ Config: string; RepoTags: string[]; Layers: string[] }[]>(
        join(out, 'manifest.json'),
      );
      expect(rest).toEqual([]);
      expect(m?.RepoTags).toEqual(['contlab/busybox:latest']);
      expect(sha256(join(out, m!.Config))).toBe(image.configDigest);
      expect(m!.Layers.map((l) => sha256(join(out, l)))).toEqual([image.layerDigest]);
      expect(json(join(out, 'repositories'))).toEqual({
        'contlab/busybox': { latest: image.layerDigest.replace('sha256:', '') },
      });
      // The OCI layout is in the same tarball, as modern `docker save` writes it.
      expect(json<{ manifests: Desc[] }>(join(out, 'index.json')).manifests[0]?.digest).toBe(
        image.manifestDigest,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('the layer is deterministic: a fresh rootfs gives the same digest', async () => {
    const scratch = mkdtempSync('/tmp/contlab-t-');
    const old = process.umask(0o077);
    try {
      writeRootfs(join(scratch, 'rootfs'));
      await tarDirectory(join(scratch, 'rootfs'), join(scratch, 'layer.tar'));
      expect(await digestOfFile(join(scratch, 'layer.tar'))).toBe(image.layerDigest);
    } finally {
      process.umask(old);
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('a second build with nothing changed is a no-op', async () => {
    const before = readFileSync(join(image.dir, 'image.json'), 'utf8');
    const t = performance.now();
    const again = await ensureLabImage();
    process.stdout.write(`warm image build: ${(performance.now() - t).toFixed(0)} ms\n`);
    expect(again.built).toBe(false);
    expect({ ...again, built: true }).toEqual(image);
    expect(readFileSync(join(image.dir, 'image.json'), 'utf8')).toBe(before);

    const cli = contlab(['image', 'build'], lab.env);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('up to date');
    const asJson = contlab(['image', 'build', '--json'], lab.env);
    expect(asJson.code).toBe(0);
    expect(JSON.parse(asJson.stdout)).toMatchObject({
      built: false,
      upToDate: true,
      manifestDigest: image.manifestDigest,
      dockerArchive: image.dockerArchive,
    });
  });

  test('a build killed half-way is cleared away and rebuilt, never used', async () => {
    rmSync(image.dir, { recursive: true, force: true });
    const abandoned = join(lab.home, 'images', '.build-999999999-1-deadbeef');
    mkdirSync(join(abandoned, 'rootfs'), { recursive: true });
    const rebuilt = await ensureLabImage();
    expect(rebuilt.built).toBe(true);
    expect(rebuilt.manifestDigest).toBe(image.manifestDigest);
    expect(existsSync(abandoned)).toBe(false);
  });
});
