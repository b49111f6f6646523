import { describe, expect, it } from 'vitest';
import { CollectiveChunkHeaders, CollectiveControl, CollectiveGroupId, collectiveSubjects } from './collective.js';

describe('collective wire shapes', () => {
  it('group ids are single subject tokens', () => {
    expect(CollectiveGroupId.safeParse('trial-42_0').success).toBe(true);
    for (const bad of ['', 'a.b', 'a*', 'a>', 'a b', 'x'.repeat(129)]) expect(CollectiveGroupId.safeParse(bad).success).toBe(false);
    expect(collectiveSubjects.reduceScatter('g', 3)).toBe('grugan.coll.g.rs.3');
  });

  it('chunk headers parse string values into numbers and reject the rest', () => {
    const h = {
      'grugan-group': 'g', 'grugan-gen': '2', 'grugan-rank': '1', 'grugan-seq': '10',
      'grugan-phase': 'rs', 'grugan-len': '1000', 'grugan-off': '500', 'grugan-enc': 'bf16',
    };
    expect(CollectiveChunkHeaders.parse(h)).toMatchObject({ 'grugan-gen': 2, 'grugan-off': 500, 'grugan-enc': 'bf16' });
    expect(CollectiveChunkHeaders.safeParse({ ...h, 'grugan-off': '-1' }).success).toBe(false);
    expect(CollectiveChunkHeaders.safeParse({ ...h, 'grugan-phase': 'xx' }).success).toBe(false);
    expect(CollectiveChunkHeaders.safeParse({ ...h, 'grugan-enc': undefined }).success).toBe(false);
  });

  it('control messages need every field', () => {
    const m = { type: 'hello', group: 'g', memberId: 'm1', rank: -1, worldSize: 2, generation: 1, seen: 1 };
    expect(CollectiveControl.safeParse(m).success).toBe(true);
    expect(CollectiveControl.safeParse({ ...m, rank: -2 }).success).toBe(false);
    expect(CollectiveControl.safeParse({ ...m, type: 'other' }).success).toBe(false);
  });
});
