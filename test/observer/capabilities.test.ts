/** Capability decoding against the real `capsh --decode`, for random masks. */
import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import {
  capBits,
  capshDecode,
  decodeCapSets,
  diffCaps,
  fullMask,
  readCapLastCap,
} from '../../src/engine/observer/index.js';
import { privateLabHome } from './helpers.js';

privateLabHome();

/** A deterministic PRNG (mulberry32), so a failing mask can be reproduced. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('capabilities', () => {
  test('decoding matches capsh --decode for 20 random masks', async () => {
    const last = await readCapLastCap();
    expect(last).toBeGreaterThanOrEqual(36);
    const random = rng(20240611);
    const masks: bigint[] = [0n, fullMask(last!)];
    while (masks.length < 20) {
      let m = 0n;
      for (let bit = 0; bit <= last!; bit++) if (random() < 0.5) m |= 1n << BigInt(bit);
      masks.push(m);
    }
    for (const mask of masks) {
      const hex = mask.toString(16).padStart(16, '0');
      const expected = execFileSync('capsh', [`--decode=0x${hex}`], { encoding: 'utf8' }).trim();
      expect(capshDecode(mask)).toBe(expected);
    }
  });

  test('bits and set differences', () => {
    expect(capBits(0x1ffn)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(diffCaps(0x0fn, 0x1fn)).toEqual({ dropped: ['cap_fsetid'], added: [] });
    expect(diffCaps(1n << 41n, 0n).added).toEqual(['41']);
  });

  test("a container's sets versus the host's", () => {
    const host = {
      inheritable: '0000000000000000',
      permitted: '000001ffffffffff',
      effective: '000001ffffffffff',
      bounding: '000001ffffffffff',
      ambient: '0000000000000000',
    };
    // Docker's default set.
    const docker = { ...host, permitted: '00000000a80425fb', effective: '00000000a80425fb' };
    const d = decodeCapSets({ ...docker, bounding: '00000000a80425fb' }, host);
    expect(d.effective.names).toContain('cap_net_bind_service');
    expect(d.effective.vsHost?.dropped).toContain('cap_sys_admin');
    expect(d.bounding.vsHost?.dropped).not.toContain('cap_chown');
    expect(d.ambient.names).toEqual([]);
  });
});
