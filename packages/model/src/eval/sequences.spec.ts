import { describe, expect, it } from 'vitest';
import { groupSequences } from './index.js';

describe('groupSequences', () => {
  const columns = ['a', 'b'];
  // Two sequences of three steps; values encode (sequence, step, feature).
  const values = [0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121];

  it('groups consecutive rows of each sequence into windows', () => {
    const d = groupSequences(values, columns, { sequence: [7, 7, 7, 3, 3, 3], step: [0, 1, 2, 0, 1, 2] });
    expect({ count: d.count, seqLen: d.seqLen, features: d.features, columns: d.columns }).toEqual({ count: 2, seqLen: 3, features: 2, columns });
    expect(Array.from(d.windows)).toEqual(values);
  });

  it('rejects unequal lengths, scattered sequences and steps out of order', () => {
    expect(() => groupSequences(values.slice(0, 10), columns, { sequence: [0, 0, 0, 1, 1], source: 's.csv' })).toThrow(
      /s\.csv: sequence 1 has 2 steps, the first has 3/,
    );
    expect(() => groupSequences(values, columns, { sequence: [0, 0, 1, 1, 0, 0] })).toThrow(/sequence 0 are not consecutive/);
    expect(() => groupSequences(values, columns, { sequence: [0, 0, 0, 1, 1, 1], step: [0, 2, 1, 0, 1, 2] })).toThrow(/step 2 where 1 was expected/);
  });
});
