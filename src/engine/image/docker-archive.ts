/**
 * The lab image as a `docker save` tarball: manifest.json (Config, RepoTags, Layers) and
 * repositories for `docker load`, laid over the OCI layout's own files, the way docker 25+
 * saves images. One file therefore loads into docker and imports into containerd alike.
 */
import { linkSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexOf } from './digest.js';
import { DOCKER_TAG, IMAGE_REPO, IMAGE_TAG, type OciImage } from './oci-layout.js';
import { tarDirectory } from './tar.js';

/** Hard-links every file of `from` into `to` (same filesystem): no blob is copied. */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    if (statSync(src).isDirectory()) linkTree(src, join(to, name));
    else linkSync(src, join(to, name));
  }
}

export async function writeDockerArchive(
  layoutDir: string,
  image: OciImage,
  out: string,
  scratch: string,
): Promise<void> {
  linkTree(layoutDir, scratch);
  const blobPath = (d: OciImage['config']): string => `blobs/sha256/${hexOf(d.digest)}`;
  writeFileSync(
    join(scratch, 'manifest.json'),
    JSON.stringify([
      {
        Config: blobPath(image.config),
        RepoTags: [DOCKER_TAG],
        Layers: [blobPath(image.layer)],
      },
    ]),
  );
  // The legacy per-repository file: docker names the top layer by its id (the blob's hex).
  writeFileSync(
    join(scratch, 'repositories'),
    JSON.stringify({ [IMAGE_REPO]: { [IMAGE_TAG]: hexOf(image.layer.digest) } }),
  );
  try {
    await tarDirectory(scratch, out);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
