/**
 * Agreeing on control orders through the gradient all-reduce.
 *
 * A stop, pause or exploit must take effect on every rank at the same step, or the ranks that
 * carry on wait forever in the collective for the ones that left. Rather than add a second
 * protocol, each rank appends a tiny `[stop, pause, exploit]` vote vector to the generator
 * gradients it all-reduces anyway; the averaged vector is identical on every rank, so each rank
 * reads the same decision at the same step. (The same trick as piggybacking an "any rank
 * finished" flag on the gradient all-reduce in PyTorch DDP's join context.)
 */
import type { NamedArrays, TrainingRole } from '@grugan/model';
import type { ControlListener, PendingOrder } from './control.js';

/** Key of the vote vector inside the reduced gradients; never a real variable name. */
export const VOTE_KEY = '__grugan_control_vote';

/** An order every rank has agreed to act on. */
export type AgreedAction = 'stop' | 'pause' | 'exploit';

/** All-reduce (mean) of named arrays, as the collective provides it. */
export type Reduce = (role: TrainingRole, grads: NamedArrays) => Promise<NamedArrays>;

/** Reduces that carry the control vote: one per training iteration in every phase. */
const VOTING_ROLES: ReadonlySet<TrainingRole> = new Set<TrainingRole>(['g', 'autoencoder', 'supervisor']);

export class ControlConsensus {
  private agreed?: AgreedAction;

  constructor(private readonly control: Pick<ControlListener, 'pending'>) {}

  /** Wraps `reduce` so that every generator (or TimeGAN pre-training) reduce also carries this rank's vote. */
  wrap(reduce: Reduce): Reduce {
    return async (role, grads) => {
      // The vote rides on generator reduces, and on TimeGAN's first two phases' updates, which
      // have no 'g'; all ranks run the same sequence of reduces, so they agree at the same one.
      if (!VOTING_ROLES.has(role)) return reduce(role, grads);
      const withVote: NamedArrays = { ...grads, [VOTE_KEY]: { shape: [3], data: voteOf(this.control.pending()) } };
      const reduced = await reduce(role, withVote);
      const vote = reduced[VOTE_KEY]?.data;
      const { [VOTE_KEY]: _dropped, ...rest } = reduced;
      if (vote && !this.agreed) {
        // Precedence stop > pause > exploit, the same on every rank since `vote` is.
        if (vote[0] > 0) this.agreed = 'stop';
        else if (vote[1] > 0) this.agreed = 'pause';
        else if (vote[2] > 0) this.agreed = 'exploit';
      }
      return rest;
    };
  }

  /** The action agreed at the latest generator step, if any (what `shouldStop` looks at). */
  decision(): AgreedAction | undefined {
    return this.agreed;
  }

  /** Forgets the decision once acted on (after an exploit, training continues). */
  reset(): void {
    this.agreed = undefined;
  }
}

function voteOf(order: PendingOrder | undefined): Float32Array {
  return new Float32Array([
    order?.action === 'stop' ? 1 : 0,
    order?.action === 'pause' ? 1 : 0,
    order?.action === 'exploit' ? 1 : 0,
  ]);
}
