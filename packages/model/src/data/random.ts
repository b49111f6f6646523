/**
 * The data pipeline's seeded random stream: mulberry32 (Tommy Ettinger's 32-bit generator),
 * small, fast and good enough for shuffling and drawing sine frequencies. Kept private to the
 * data module so data generation never shares a stream with training draws.
 */

/** A uniform [0, 1) stream from a 32-bit seed; the same seed gives the same stream everywhere. */
export function createDataRandom(seed: number): () => number {
  let a = (seed ^ 0x9e3779b9) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
