/**
 * The offline lab image, built once per set of inputs and kept under
 * imagesDir()/<key>/: rootfs/ (a directory tree), oci/ (an OCI image layout),
 * contlab-busybox.tar (a `docker save` tarball) and image.json (what is where, with the
 * digests). The key hashes every input, so an unchanged host gets the cached image back and
 * a new busybox gets a new image beside the old one.
 *
 * A build happens in a temporary directory next to the final one and is renamed into place
 * only when complete: a directory named by a key is always a whole image, whatever killed
 * a build half-way.
 */
import { phrase } from '../../i18n/phrase.js';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { errnoOf, LabError, messageOf } from '../errors.js';
import { ensureDir, imagesDir } from '../paths.js';
import { identityOf, isAlive } from '../procfs.js';
import type { Digest } from './digest.js';
import { writeDockerArchive } from './docker-archive.js';
import { DOCKER_TAG, IMAGE_REFERENCE, writeOciLayout } from './oci-layout.js';
import { hostPlatform, type Platform } from './platform.js';
import { ETC_FILES, hostBusybox, writeRootfs } from './rootfs.js';

/**
 * Bumped whenever what the generator writes changes (rootfs.ts, the config, the layout),
 * so an image made by an older contlab is never mistaken for the current one.
 */
export const GENERATOR_VERSION = 'contlab-image/1';

export interface LabImage {
  dir: string;
  rootfs: string;
  ociLayout: string;
  dockerArchive: string;
  manifestDigest: Digest;
  configDigest: Digest;
  layerDigest: Digest;
  /** containerd's name for it (docker.io/contlab/busybox:latest). */
  reference: string;
  /** docker's name for it (contlab/busybox:latest). */
  dockerTag: string;
  platform: Platform;
  /** False when the cached image was already there. */
  built: boolean;
}

/** image.json: written last, so its presence marks a finished build. */
interface ImageRecord {
  generator: string;
  key: string;
  manifestDigest: Digest;
  configDigest: Digest;
  layerDigest: Digest;
  reference: string;
  dockerTag: string;
  platform: Platform;
  busybox: string;
}

const ROOTFS = 'rootfs';
const OCI = 'oci';
const ARCHIVE = 'contlab-busybox.tar';
const RECORD = 'image.json';
const BUILD_PREFIX = '.build-';

/**
 * The cache key: a hash of everything the image is made from. 16 hex digits (64 bits) are
 * plenty to tell builds apart and keep the paths (and overlay mount options made from
 * them) short.
 */
export function imageKey(busybox: string, platform: Platform): string {
  const h = createHash('sha256');
  h.update(GENERATOR_VERSION + '\0');
  h.update(JSON.stringify(platform) + '\0');
  h.update(JSON.stringify(ETC_FILES) + '\0');
  h.update(readFileSync(busybox));
  return h.digest('hex').slice(0, 16);
}

function toLabImage(dir: string, rec: ImageRecord, built: boolean): LabImage {
  return {
    dir,
    rootfs: join(dir, ROOTFS),
    ociLayout: join(dir, OCI),
    dockerArchive: join(dir, ARCHIVE),
    manifestDigest: rec.manifestDigest,
    configDigest: rec.configDigest,
    layerDigest: rec.layerDigest,
    reference: rec.reference,
    dockerTag: rec.dockerTag,
    platform: rec.platform,
    built,
  };
}

/** The finished image in `dir`, or undefined when there is none (or not a whole one). */
export function readLabImage(dir: string): LabImage | undefined {
  let rec: ImageRecord;
  try {
    rec = JSON.parse(readFileSync(join(dir, RECORD), 'utf8')) as ImageRecord;
  } catch {
    return undefined;
  }
  if (rec.generator !== GENERATOR_VERSION) return undefined;
  const image = toLabImage(dir, rec, false);
  const whole = [image.rootfs, join(image.ociLayout, 'index.json'), image.dockerArchive].every(
    (p) => existsSync(p),
  );
  return whole ? image : undefined;
}

/** Removes build directories whose builder is gone (killed mid-build). */
function removeAbandonedBuilds(root: string): void {
  for (const name of readdirSync(root)) {
    const m = /^\.build-(\d+)-(\d+)-/.exec(name);
    if (m === null) continue;
    if (isAlive({ pid: Number(m[1]), start: Number(m[2]) })) continue;
    rmSync(join(root, name), { recursive: true, force: true });
  }
}

async function build(
  tmp: string,
  key: string,
  busybox: string,
  platform: Platform,
): Promise<ImageRecord> {
  const rootfs = join(tmp, ROOTFS);
  writeRootfs(rootfs, busybox);
  const image = await writeOciLayout(
    rootfs,
    join(tmp, OCI),
    platform,
    `contlab image build (${GENERATOR_VERSION}, busybox from ${busybox})`,
  );
  await writeDockerArchive(join(tmp, OCI), image, join(tmp, ARCHIVE), join(tmp, '.archive'));
  const rec: ImageRecord = {
    generator: GENERATOR_VERSION,
    key,
    manifestDigest: image.manifest.digest,
    configDigest: image.config.digest,
    layerDigest: image.layer.digest,
    reference: IMAGE_REFERENCE,
    dockerTag: DOCKER_TAG,
    platform,
    busybox,
  };
  writeFileSync(join(tmp, RECORD), JSON.stringify(rec, null, 2) + '\n');
  return rec;
}

/** The lab image for this host: the cached one, or a fresh build of it. */
export async function ensureLabImage(): Promise<LabImage> {
  const busybox = hostBusybox();
  const platform = hostPlatform();
  const root = ensureDir(imagesDir(), 'lab image directory');
  const key = imageKey(busybox, platform);
  const dir = join(root, key);

  const cached = readLabImage(dir);
  if (cached !== undefined) return cached;

  removeAbandonedBuilds(root);
  if (existsSync(dir)) {
    // A directory under this key that is not a whole image was not made by this code
    // (builds only ever appear by rename): set it aside rather than trust it.
    renameSync(dir, join(root, `${BUILD_PREFIX}0-0-broken-${key}`));
    removeAbandonedBuilds(root);
  }

  const me = identityOf(process.pid);
  const tmp = join(root, `${BUILD_PREFIX}${me?.pid ?? 0}-${me?.start ?? 0}-${key}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  let rec: ImageRecord;
  try {
    rec = await build(tmp, key, busybox, platform);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (err instanceof LabError) throw err;
    throw new LabError(phrase('error.image.build', { error: messageOf(err) }), { cause: err });
  }
  try {
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    const code = errnoOf(err);
    // Another contlab finished the same build first: its image is identical, use it.
    const theirs = readLabImage(dir);
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && theirs !== undefined) return theirs;
    throw new LabError(phrase('error.image.move', { dir, error: messageOf(err) }));
  }
  return toLabImage(dir, rec, true);
}
