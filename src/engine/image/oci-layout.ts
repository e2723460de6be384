/**
 * The lab image as an OCI image layout (image-spec v1.0): oci-layout, index.json and
 * blobs/sha256/<hex> holding one uncompressed layer, the image config and the manifest.
 * Uncompressed, the layer's digest is also its diff_id, and every byte is deterministic.
 */
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { digestOf, digestOfFile, hexOf, type Digest } from './digest.js';
import type { Platform } from './platform.js';
import { tarDirectory } from './tar.js';

export const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
} as const;

/** The names the image goes by: docker's short tag and containerd's full reference. */
export const IMAGE_REPO = 'contlab/busybox';
export const IMAGE_TAG = 'latest';
export const DOCKER_TAG = `${IMAGE_REPO}:${IMAGE_TAG}`;
export const IMAGE_REFERENCE = `docker.io/${DOCKER_TAG}`;

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
}

export interface OciImage {
  manifest: Descriptor;
  config: Descriptor;
  layer: Descriptor;
  /** The index.json entry, with the annotations that name the image on import. */
  indexEntry: Descriptor;
}

/** Image timestamps are the epoch: a build date would change every digest for nothing. */
const EPOCH = '1970-01-01T00:00:00Z';

function writeJsonBlob(blobs: string, value: unknown, mediaType: string): Descriptor {
  const bytes = Buffer.from(JSON.stringify(value));
  const digest = digestOf(bytes);
  writeFileSync(join(blobs, hexOf(digest)), bytes);
  return { mediaType, digest, size: bytes.length };
}

export async function writeOciLayout(
  rootfs: string,
  layoutDir: string,
  platform: Platform,
  createdBy: string,
): Promise<OciImage> {
  const blobs = join(layoutDir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });

  const layerTmp = join(blobs, 'layer.tar.partial');
  await tarDirectory(rootfs, layerTmp);
  const layerDigest = await digestOfFile(layerTmp);
  renameSync(layerTmp, join(blobs, hexOf(layerDigest)));
  const layer: Descriptor = {
    mediaType: MEDIA.layer,
    digest: layerDigest,
    size: statSync(join(blobs, hexOf(layerDigest))).size,
  };

  const config = writeJsonBlob(
    blobs,
    {
      created: EPOCH,
      architecture: platform.architecture,
      ...(platform.variant === undefined ? {} : { variant: platform.variant }),
      os: platform.os,
      config: {
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        Cmd: ['/bin/sh'],
        WorkingDir: '/',
      },
      rootfs: { type: 'layers', diff_ids: [layerDigest] },
      history: [{ created: EPOCH, created_by: createdBy }],
    },
    MEDIA.config,
  );

  const manifest = writeJsonBlob(
    blobs,
    {
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
      layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.size }],
    },
    MEDIA.manifest,
  );

  const indexEntry: Descriptor = {
    ...manifest,
    annotations: {
      // containerd's `ctr import` names the image from this one...
      'io.containerd.image.name': IMAGE_REFERENCE,
      // ...and the OCI spec's own tag annotation is what other tools (skopeo, docker) read.
      'org.opencontainers.image.ref.name': IMAGE_TAG,
    },
    platform,
  };
  writeFileSync(
    join(layoutDir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.index, manifests: [indexEntry] }),
  );
  writeFileSync(join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  return { manifest, config, layer, indexEntry };
}
