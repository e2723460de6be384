/**
 * Putting the offline lab image into the lab daemons: `ctr images import` of the tarball
 * (its index.json names the image docker.io/contlab/busybox:latest) and `docker load` of the
 * same file (its manifest.json tags it contlab/busybox:latest). Nothing is pulled.
 */
import { phrase } from '../../i18n/phrase.js';
import { LabError } from '../errors.js';
import { ensureLabImage, type LabImage } from '../image/lab-image.js';
import type { RunResult } from '../exec.js';
import type { LabContainerd } from './containerd.js';
import type { LabDockerd } from './dockerd.js';

function failed(what: string, r: RunResult): LabError {
  return new LabError(`${what}: ${(r.stderr || r.spawnError || `exit ${r.code}`).trim()}`);
}

export async function importLabImage(
  containerd: LabContainerd,
  image?: LabImage,
): Promise<LabImage> {
  const img = image ?? (await ensureLabImage());
  const r = await containerd.ctr(['images', 'import', img.dockerArchive], { timeoutMs: 120_000 });
  if (r.code !== 0) throw failed(`ctr images import ${img.dockerArchive}`, r);
  const list = await containerd.ctr(['images', 'list', '--quiet']);
  if (!list.stdout.split('\n').includes(img.reference))
    throw new LabError(
      phrase('error.daemon.ctrNoImage', { file: img.dockerArchive, image: img.reference }),
    );
  return img;
}

export async function loadLabImage(dockerd: LabDockerd, image?: LabImage): Promise<LabImage> {
  const img = image ?? (await ensureLabImage());
  const r = await dockerd.docker(['load', '--input', img.dockerArchive]);
  if (r.code !== 0) throw failed(`docker load ${img.dockerArchive}`, r);
  // docker's image ID is the config digest: the loaded image is exactly the built one.
  const id = await dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', img.dockerTag]);
  if (id.code !== 0 || id.stdout.trim() !== img.configDigest)
    throw new LabError(
      id.stdout.trim() === ''
        ? phrase('error.daemon.dockerMissing', { file: img.dockerArchive, tag: img.dockerTag })
        : phrase('error.daemon.dockerWrong', {
            file: img.dockerArchive,
            tag: img.dockerTag,
            got: id.stdout.trim(),
            digest: img.configDigest,
          }),
    );
  return img;
}
