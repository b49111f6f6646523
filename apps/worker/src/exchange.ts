/**
 * The worker's seam to the collective (STYLE.md seam 2): averages this rank's named gradients
 * with the other ranks of the same trial launch. Each launch attempt is its own group
 * (`<trialId>-a<attempt>`), so ranks of a relaunch never mix with stragglers of the last one.
 * A single rank needs no group: its gradients are already the mean.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { GradientExchange, NatsTransport } from '@grugan/collective';
import type { NamedArrays, TrainingRole } from '@grugan/model';
import type { WorkerIdentity } from './identity.js';
import type { Logger } from './logger.js';

/** A trial's gradient averaging, as `runTraining`'s `reduce` uses it. */
export interface TrialExchange {
  /** Element-wise mean of `grads` over every rank; the same result on every rank. */
  allReduce(role: TrainingRole, grads: NamedArrays): Promise<NamedArrays>;
  /** Leaves the group (the others see the departure at once). */
  close(): Promise<void>;
}

/** The collective group id of a launch attempt; one NATS subject token. */
export function groupId(identity: Pick<WorkerIdentity, 'trialId' | 'attempt'>): string {
  return `${identity.trialId}-a${identity.attempt}`;
}

/**
 * Joins the trial's group over the worker's own NATS connection (shared, not owned).
 * `GRUGAN_PEER_TIMEOUT_MS` overrides how long a silent peer is tolerated before the trial
 * fails (default: the collective's 10 s).
 */
export async function openExchange(
  nc: NatsConnection,
  identity: WorkerIdentity,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TrialExchange> {
  if (identity.worldSize === 1) {
    return { allReduce: async (_role, grads) => grads, close: async () => {} };
  }
  const peerTimeoutMs = env.GRUGAN_PEER_TIMEOUT_MS ? Number(env.GRUGAN_PEER_TIMEOUT_MS) : undefined;
  const started = Date.now();
  const exchange = await GradientExchange.open({
    transport: new NatsTransport(nc),
    group: groupId(identity),
    worldSize: identity.worldSize,
    rank: identity.rank,
    generation: 0,
    peerTimeoutMs,
  });
  log.info({ group: groupId(identity), generation: exchange.group.generation, ms: Date.now() - started }, 'joined the trial group');
  return {
    // Discriminator and generator gradients have different key sets, so the collective keeps a
    // buffer for each and one role's result is not overwritten by the other's reduce.
    allReduce: (_role, grads) => exchange.allReduceNamed(grads),
    close: async () => {
      log.debug({ stats: exchange.stats() }, 'leaving the trial group');
      await exchange.close();
    },
  };
}
