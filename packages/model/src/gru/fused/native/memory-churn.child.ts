/**
 * Child process of memory.spec.ts: allocates and frees the kind of Float32Arrays a training step
 * does (several sizes, 72 MiB in all) round after round, and prints the minor page faults of the
 * rounds after the first. Run with --expose-gc; GRUGAN_KEEP_FREED_MEMORY=off skips the policy.
 */
import { keepFreedMemory, nativeAddon } from './addon.js';

const applied = keepFreedMemory(nativeAddon());
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const sizesMiB = [16, 8, 24, 4, 12, 8];
const round = () => {
  const live = sizesMiB.map((m) => new Float32Array((m << 20) / 4).fill(1));
  const sum = live.reduce((s, a) => s + a[a.length - 1], 0);
  live.length = 0;
  gc();
  return sum;
};
round();
const before = process.resourceUsage().minorPageFault;
for (let i = 0; i < 10; i++) round();
console.log(JSON.stringify({ applied, faults: process.resourceUsage().minorPageFault - before }));
