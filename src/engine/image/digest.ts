/**
 * Content digests in the OCI form `sha256:<hex>`. Blobs are hashed as they are streamed from
 * disk, so a layer of any size never has to fit in memory.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export type Digest = `sha256:${string}`;

export function digestOf(data: string | Buffer): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export async function digestOfFile(path: string): Promise<Digest> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** The hex part of a digest: the blob's file name under blobs/sha256/. */
export function hexOf(digest: Digest): string {
  return digest.slice('sha256:'.length);
}
