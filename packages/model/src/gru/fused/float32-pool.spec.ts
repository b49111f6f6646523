import { describe, expect, it } from 'vitest';
import { Float32Pool } from './float32-pool.js';

describe('Float32Pool', () => {
  it('hands back a given array for the same length only, and new ones otherwise', () => {
    const pool = new Float32Pool();
    const a = pool.take(10);
    pool.give([a]);
    expect(pool.idleBytes).toBe(40);
    expect(pool.take(11)).not.toBe(a);
    expect(pool.take(10)).toBe(a);
    expect(pool.idleBytes).toBe(0);
    expect(pool.take(10)).not.toBe(a);
    expect(pool.allocations).toBe(3);
  });

  it('keeps at most maxBytes of idle arrays', () => {
    const pool = new Float32Pool(100);
    pool.give([new Float32Array(20), new Float32Array(20)]); // 80 + 80 bytes: the second is dropped
    expect(pool.idleBytes).toBe(80);
    pool.clear();
    expect(pool.idleBytes).toBe(0);
  });

  it('a lease returns what it took once, and refuses to lend after it ended', () => {
    const pool = new Float32Pool();
    const lease = pool.lease();
    lease.take(4);
    lease.take(6);
    expect(pool.idleBytes).toBe(0);
    lease.end();
    expect(pool.idleBytes).toBe(40);
    lease.end();
    expect(pool.idleBytes).toBe(40);
    expect(() => lease.take(1)).toThrow(/after the lease ended/);
  });
});
