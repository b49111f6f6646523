/** FNV-1a (32-bit) over the bits of named arrays in sorted-key order: equal iff bit-identical (w.h.p.). */
import type { NamedArrays } from '@grugan/model';

export function weightsChecksum(weights: NamedArrays): string {
  let h = 0x811c9dc5;
  for (const key of Object.keys(weights).sort()) {
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    const a = weights[key].data;
    const bits = new Uint32Array(a.buffer, a.byteOffset, a.length);
    for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i], 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
