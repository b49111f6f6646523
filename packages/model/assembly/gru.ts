/**
 * The fused GRU layer in WebAssembly SIMD: the same algorithm and memory layouts as the
 * TypeScript kernel (`src/gru/fused/ts-kernel.ts`, which documents the formulas), split by batch
 * rows so that threads need no synchronisation inside a call: rows [b0, b1) of every time step
 * belong to one thread for the whole forward, or the whole backward through time.
 *
 * All pointers are byte addresses in the (shared) linear memory, laid out by the JavaScript side;
 * nothing here allocates. `scratch` is private to the calling thread.
 *
 * Packed weights (see gemm.ts, `packB`):
 *   wp   W  [in, 3u]                    (the input projection of all rows)
 *   up   U  [u, 3u], each gate's columns padded to u8 = ⌈u/8⌉·8, so a gate is a panel range
 *   utp  Uᵀ [3u, u]                     (backward: dh_prev = dG·Uᵀ, with a k range per gate)
 */
import { gemm, gemmScratchFloats } from './gemm';
import { sigmoid1, sigmoid4, tanh1, tanh4 } from './activations';

// @ts-ignore: decorator
@inline
function f(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** Rounds u up to the packing width: a gate's column count in `up` and in the step buffer. */
export function padUnits(u: i32): i32 {
  return (u + 7) & ~7;
}

/** Floats of per-thread scratch `gruForward` needs for nb batch rows. */
export function forwardScratchFloats(nb: i32, u: i32): i32 {
  return gemmScratchFloats() + nb * u * 2 + nb * 3 * padUnits(u);
}

/** Floats of per-thread scratch `gruBackward` needs for nb batch rows. */
export function backwardScratchFloats(nb: i32, u: i32): i32 {
  return gemmScratchFloats() + nb * u * 3;
}

/** 'reset-after' step for units j … j+3 of one row: gates from P (in g) and h·U (in q). */
// @ts-ignore: decorator
@inline
function resetAfterUnits4(g: usize, q: usize, hb: usize, sq: usize, bu: usize, u: i32, u8: i32, j: i32): void {
  const z = sigmoid4(f32x4.add(v128.load(f(g, j)), f32x4.add(v128.load(f(q, j)), v128.load(f(bu, j)))));
  const r = sigmoid4(f32x4.add(v128.load(f(g, u + j)), f32x4.add(v128.load(f(q, u8 + j)), v128.load(f(bu, u + j)))));
  const n = f32x4.add(v128.load(f(q, 2 * u8 + j)), v128.load(f(bu, 2 * u + j)));
  const c = tanh4(f32x4.add(v128.load(f(g, 2 * u + j)), f32x4.mul(r, n)));
  const hp = v128.load(f(hb, j));
  const hn = f32x4.add(hp, f32x4.mul(z, f32x4.sub(c, hp)));
  v128.store(f(g, j), z);
  v128.store(f(g, u + j), r);
  v128.store(f(g, 2 * u + j), c);
  v128.store(f(g, 3 * u + j), n);
  v128.store(f(hb, j), hn);
  v128.store(f(sq, j), hn);
}

/** 'cho2014' update and reset gates for units j … j+3, and r ⊙ h for the candidate's product. */
// @ts-ignore: decorator
@inline
function choGateUnits4(g: usize, q: usize, hb: usize, rb: usize, u: i32, u8: i32, j: i32): void {
  const z = sigmoid4(f32x4.add(v128.load(f(g, j)), v128.load(f(q, j))));
  const r = sigmoid4(f32x4.add(v128.load(f(g, u + j)), v128.load(f(q, u8 + j))));
  v128.store(f(g, j), z);
  v128.store(f(g, u + j), r);
  v128.store(f(rb, j), f32x4.mul(r, v128.load(f(hb, j))));
}

/** 'cho2014' candidate and new state for units j … j+3 ((r ⊙ h)·U_h in q). */
// @ts-ignore: decorator
@inline
function choCandidateUnits4(g: usize, q: usize, hb: usize, sq: usize, u: i32, j: i32): void {
  const c = tanh4(f32x4.add(v128.load(f(g, 2 * u + j)), v128.load(f(q, j))));
  const z = v128.load(f(g, j));
  const hp = v128.load(f(hb, j));
  const hn = f32x4.add(hp, f32x4.mul(z, f32x4.sub(c, hp)));
  v128.store(f(g, 2 * u + j), c);
  v128.store(f(hb, j), hn);
  v128.store(f(sq, j), hn);
}

/**
 * Forward for batch rows [b0, b1): saved[rows] = gates, seq[rows] = states, fin[b0:b1] = last state.
 * h0 = 0 means zeros; bu = 0 for 'cho2014'.
 */
export function gruForward(
  T: i32, I: i32, u: i32, resetAfter: bool, reverse: bool, b0: i32, b1: i32,
  x: usize, h0: usize, wp: usize, bias: usize, up: usize, bu: usize,
  seq: usize, fin: usize, saved: usize, scratch: usize,
): void {
  const nb = b1 - b0;
  if (nb <= 0) return;
  const G = resetAfter ? 4 * u : 3 * u;
  const u3 = 3 * u;
  const u8 = padUnits(u);
  const u4 = u & ~3;
  const h = f(scratch, gemmScratchFloats());
  const rh = f(h, nb * u);
  const rec = f(rh, nb * u); // [nb, 3·u8]
  const ldr = 3 * u8;

  // P = x·W + b for this thread's rows (rows b0·T … b1·T − 1 are contiguous), into saved[:, 0:3u].
  const rows = nb * T;
  const sv = f(saved, b0 * T * G);
  gemm(rows, u3, I, f(x, b0 * T * I), I, 1, wp, I, 0, sv, G, false, scratch);
  const u3v = u3 & ~3;
  for (let r = 0; r < rows; r++) {
    const p = f(sv, r * G);
    let j = 0;
    for (; j < u3v; j += 4) v128.store(f(p, j), f32x4.add(v128.load(f(p, j)), v128.load(f(bias, j))));
    for (; j < u3; j++) store<f32>(f(p, j), load<f32>(f(p, j)) + load<f32>(f(bias, j)));
  }

  if (h0 !== 0) memory.copy(h, f(h0, b0 * u), <usize>(nb * u) << 2);
  else memory.fill(h, 0, <usize>(nb * u) << 2);

  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    gemm(nb, (resetAfter ? 3 : 2) * u8, u, h, u, 1, up, u, 0, rec, ldr, false, scratch);
    for (let b = 0; b < nb; b++) {
      const row = (b0 + b) * T + t;
      const g = f(saved, row * G);
      const q = f(rec, b * ldr);
      const hb = f(h, b * u);
      const sq = f(seq, row * u);
      let j = 0;
      if (resetAfter) {
        // Two independent 4-unit groups per iteration: the σ/tanh chains are latency-bound.
        for (; j + 8 <= u; j += 8) {
          resetAfterUnits4(g, q, hb, sq, bu, u, u8, j);
          resetAfterUnits4(g, q, hb, sq, bu, u, u8, j + 4);
        }
        for (; j < u4; j += 4) resetAfterUnits4(g, q, hb, sq, bu, u, u8, j);
        for (; j < u; j++) {
          const z = sigmoid1(load<f32>(f(g, j)) + (load<f32>(f(q, j)) + load<f32>(f(bu, j))));
          const r = sigmoid1(load<f32>(f(g, u + j)) + (load<f32>(f(q, u8 + j)) + load<f32>(f(bu, u + j))));
          const n = load<f32>(f(q, 2 * u8 + j)) + load<f32>(f(bu, 2 * u + j));
          const c = tanh1(load<f32>(f(g, 2 * u + j)) + r * n);
          const hp = load<f32>(f(hb, j));
          const hn = hp + z * (c - hp);
          store<f32>(f(g, j), z);
          store<f32>(f(g, u + j), r);
          store<f32>(f(g, 2 * u + j), c);
          store<f32>(f(g, u3 + j), n);
          store<f32>(f(hb, j), hn);
          store<f32>(f(sq, j), hn);
        }
      } else {
        const rb = f(rh, b * u);
        for (; j + 8 <= u; j += 8) {
          choGateUnits4(g, q, hb, rb, u, u8, j);
          choGateUnits4(g, q, hb, rb, u, u8, j + 4);
        }
        for (; j < u4; j += 4) choGateUnits4(g, q, hb, rb, u, u8, j);
        for (; j < u; j++) {
          const z = sigmoid1(load<f32>(f(g, j)) + load<f32>(f(q, j)));
          const r = sigmoid1(load<f32>(f(g, u + j)) + load<f32>(f(q, u8 + j)));
          store<f32>(f(g, j), z);
          store<f32>(f(g, u + j), r);
          store<f32>(f(rb, j), r * load<f32>(f(hb, j)));
        }
      }
    }
    if (resetAfter) continue;
    // Candidate: (r ⊙ h)·U_h, then h' = h + z (h̃ − h).
    gemm(nb, u, u, rh, u, 1, f(up, 2 * u8 * u), u, 0, f(rec, 2 * u8), ldr, false, scratch);
    for (let b = 0; b < nb; b++) {
      const row = (b0 + b) * T + t;
      const g = f(saved, row * G);
      const q = f(rec, b * ldr + 2 * u8);
      const hb = f(h, b * u);
      const sq = f(seq, row * u);
      let j = 0;
      for (; j + 8 <= u; j += 8) {
        choCandidateUnits4(g, q, hb, sq, u, j);
        choCandidateUnits4(g, q, hb, sq, u, j + 4);
      }
      for (; j < u4; j += 4) choCandidateUnits4(g, q, hb, sq, u, j);
      for (; j < u; j++) {
        const c = tanh1(load<f32>(f(g, 2 * u + j)) + load<f32>(f(q, j)));
        const z = load<f32>(f(g, j));
        const hp = load<f32>(f(hb, j));
        const hn = hp + z * (c - hp);
        store<f32>(f(g, 2 * u + j), c);
        store<f32>(f(hb, j), hn);
        store<f32>(f(sq, j), hn);
      }
    }
  }
  memory.copy(f(fin, b0 * u), h, <usize>(nb * u) << 2);
}

/**
 * Backward through time for batch rows [b0, b1). Writes, for those rows: dA [B·T, 3u] (∂L/∂ of
 * each gate's input projection), dN [B·T, u] ('reset-after': ∂L/∂n), hprev [B·T, u] (the state
 * entering each step), rh [B·T, u] ('cho2014': r ⊙ hprev), dh0 [B, u].
 * h0, dseq, dfin = 0 mean zeros.
 */
export function gruBackward(
  T: i32, u: i32, resetAfter: bool, reverse: bool, b0: i32, b1: i32,
  h0: usize, utp: usize, seq: usize, saved: usize, dseq: usize, dfin: usize,
  dA: usize, dN: usize, hprev: usize, rh: usize, dh0: usize, scratch: usize,
): void {
  const nb = b1 - b0;
  if (nb <= 0) return;
  const G = resetAfter ? 4 * u : 3 * u;
  const u3 = 3 * u;
  const u4 = u & ~3;
  let dh = f(scratch, gemmScratchFloats());
  let dhp = f(dh, nb * u);
  const dRH = f(dhp, nb * u);
  if (dfin !== 0) memory.copy(dh, f(dfin, b0 * u), <usize>(nb * u) << 2);
  else memory.fill(dh, 0, <usize>(nb * u) << 2);
  const one = f32x4.splat(1);

  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const tPrev = reverse ? t + 1 : t - 1;
    for (let b = 0; b < nb; b++) {
      const bb = b0 + b;
      const row = bb * T + t;
      const hp = f(hprev, row * u);
      if (s > 0) memory.copy(hp, f(seq, (bb * T + tPrev) * u), <usize>u << 2);
      else if (h0 !== 0) memory.copy(hp, f(h0, bb * u), <usize>u << 2);
      else memory.fill(hp, 0, <usize>u << 2);
      const g = f(saved, row * G);
      const a = f(dA, row * u3);
      const db = f(dh, b * u);
      const dpb = f(dhp, b * u);
      const ds = f(dseq, row * u);
      let j = 0;
      for (; j < u4; j += 4) {
        let d = v128.load(f(db, j));
        if (dseq !== 0) d = f32x4.add(d, v128.load(f(ds, j)));
        const z = v128.load(f(g, j));
        const r = v128.load(f(g, u + j));
        const c = v128.load(f(g, 2 * u + j));
        const h = v128.load(f(hp, j));
        const dz = f32x4.mul(d, f32x4.sub(c, h));
        const dAc = f32x4.mul(f32x4.mul(d, z), f32x4.sub(one, f32x4.mul(c, c)));
        v128.store(f(a, j), f32x4.mul(f32x4.mul(dz, z), f32x4.sub(one, z)));
        v128.store(f(a, 2 * u + j), dAc);
        v128.store(f(dpb, j), f32x4.mul(d, f32x4.sub(one, z)));
        if (resetAfter) {
          const n = v128.load(f(g, u3 + j));
          v128.store(f(a, u + j), f32x4.mul(f32x4.mul(f32x4.mul(dAc, n), r), f32x4.sub(one, r)));
          v128.store(f(dN, row * u + j), f32x4.mul(dAc, r));
        } else {
          v128.store(f(rh, row * u + j), f32x4.mul(r, h));
        }
      }
      for (; j < u; j++) {
        let d = load<f32>(f(db, j));
        if (dseq !== 0) d += load<f32>(f(ds, j));
        const z = load<f32>(f(g, j));
        const r = load<f32>(f(g, u + j));
        const c = load<f32>(f(g, 2 * u + j));
        const h = load<f32>(f(hp, j));
        const dz = d * (c - h);
        const dAc = d * z * (1 - c * c);
        store<f32>(f(a, j), dz * z * (1 - z));
        store<f32>(f(a, 2 * u + j), dAc);
        store<f32>(f(dpb, j), d * (1 - z));
        if (resetAfter) {
          const n = load<f32>(f(g, u3 + j));
          store<f32>(f(a, u + j), dAc * n * r * (1 - r));
          store<f32>(f(dN, row * u + j), dAc * r);
        } else {
          store<f32>(f(rh, row * u + j), r * h);
        }
      }
    }
    const aRows = f(dA, (b0 * T + t) * u3); // this step's rows of dA, stride T·3u
    if (resetAfter) {
      gemm(nb, u, 2 * u, aRows, T * u3, 1, utp, u3, 0, dhp, u, true, scratch);
      gemm(nb, u, u, f(dN, (b0 * T + t) * u), T * u, 1, utp, u3, 2 * u, dhp, u, true, scratch);
    } else {
      // dRH = dA_h·U_hᵀ; dr = dRH ⊙ h; dh_prev += dRH ⊙ r; then the z and r blocks.
      gemm(nb, u, u, f(aRows, 2 * u), T * u3, 1, utp, u3, 2 * u, dRH, u, false, scratch);
      for (let b = 0; b < nb; b++) {
        const row = (b0 + b) * T + t;
        const g = f(saved, row * G);
        const a = f(dA, row * u3);
        const hp = f(hprev, row * u);
        const dr = f(dRH, b * u);
        const dpb = f(dhp, b * u);
        let j = 0;
        for (; j < u4; j += 4) {
          const r = v128.load(f(g, u + j));
          const d = v128.load(f(dr, j));
          v128.store(f(a, u + j), f32x4.mul(f32x4.mul(f32x4.mul(d, v128.load(f(hp, j))), r), f32x4.sub(one, r)));
          v128.store(f(dpb, j), f32x4.add(v128.load(f(dpb, j)), f32x4.mul(d, r)));
        }
        for (; j < u; j++) {
          const r = load<f32>(f(g, u + j));
          const d = load<f32>(f(dr, j));
          store<f32>(f(a, u + j), d * load<f32>(f(hp, j)) * r * (1 - r));
          store<f32>(f(dpb, j), load<f32>(f(dpb, j)) + d * r);
        }
      }
      gemm(nb, u, 2 * u, aRows, T * u3, 1, utp, u3, 0, dhp, u, true, scratch);
    }
    const swap = dh;
    dh = dhp;
    dhp = swap;
  }
  memory.copy(f(dh0, b0 * u), dh, <usize>(nb * u) << 2);
}

/** out[0:cols] = Σ over rows of m[r·ld + 0:cols], summed in row order. */
export function columnSums(rows: i32, cols: i32, m: usize, ld: i32, out: usize): void {
  const c4 = cols & ~3;
  memory.fill(out, 0, <usize>cols << 2);
  for (let r = 0; r < rows; r++) {
    const p = f(m, r * ld);
    let j = 0;
    for (; j < c4; j += 4) v128.store(f(out, j), f32x4.add(v128.load(f(out, j)), v128.load(f(p, j))));
    for (; j < cols; j++) store<f32>(f(out, j), load<f32>(f(out, j)) + load<f32>(f(p, j)));
  }
}
