/**
 * SweepSpec: a hyper-parameter sweep of GRU-GAN trials, as a user writes it (`sweep.yaml`,
 * `POST /v1/sweeps`).
 *
 * The shapes follow Ray Tune: a search space maps parameter names to domains
 * (`tune.choice`, `tune.uniform`, `tune.loguniform`, `tune.randint`), a searcher proposes
 * parameters (grid, random, TPE), and a trial scheduler decides from reported results whether a
 * trial continues, stops early (ASHA) or copies a better trial (PBT). Parameter names here are
 * dotted paths into `TrialConfig` (`optimizer.lrG`, `model.hiddenSize`), checked against its schema
 * so that a typo is a 400 naming the path, not a silently ignored key.
 */
import { z } from 'zod';
import { TrialConfig, type TrialConfigInput } from './trial-config.js';

/** A parameter value as searchers produce it and `applyParams` writes it. */
export const ParamValue = z.union([z.number(), z.string(), z.boolean()]);
export type ParamValue = z.infer<typeof ParamValue>;

/** Dotted `TrialConfig` path → value, e.g. `{ 'optimizer.lrG': 3e-4, 'model.layers': 2 }`. */
export const Params = z.record(z.string(), ParamValue);
export type Params = z.infer<typeof Params>;

/** One of the listed values (categorical; TPE treats it as unordered). */
export const ChoiceDomain = z.object({
  type: z.literal('choice'),
  values: z.array(ParamValue).min(1),
});
/** A real number drawn uniformly from [min, max]. */
export const UniformDomain = z
  .object({ type: z.literal('uniform'), min: z.number(), max: z.number() }) // zod 4 numbers are finite
  .refine((d) => d.min < d.max, { message: 'min must be below max', path: ['max'] });
/** A positive real number whose logarithm is uniform: learning rates, weights. */
export const LogUniformDomain = z
  .object({ type: z.literal('loguniform'), min: z.number().positive(), max: z.number() })
  .refine((d) => d.min < d.max, { message: 'min must be below max', path: ['max'] });
/** An integer in [min, max], both included; `log` samples it log-uniformly (hidden sizes). */
export const IntDomain = z
  .object({
    type: z.literal('int'),
    min: z.number().int(),
    max: z.number().int(),
    log: z.boolean().default(false),
  })
  .refine((d) => d.min <= d.max, { message: 'min must not exceed max', path: ['max'] })
  .refine((d) => !d.log || d.min > 0, { message: 'a log int domain needs min > 0', path: ['min'] });

export const Domain = z.discriminatedUnion('type', [ChoiceDomain, UniformDomain, LogUniformDomain, IntDomain]);
export type Domain = z.infer<typeof Domain>;
export type DomainInput = z.input<typeof Domain>;

/**
 * Search space: dotted `TrialConfig` path → domain. Every path must name a leaf of `TrialConfig`
 * and every value the domain can produce (its bounds, its choices) must be valid there.
 */
export const SearchSpace = z.record(z.string(), Domain).superRefine((space, ctx) => {
  for (const [path, domain] of Object.entries(space)) {
    const leaf = trialConfigLeaf(path);
    if (!leaf) {
      ctx.addIssue({ code: 'custom', path: [path], message: `unknown TrialConfig field '${path}'` });
      continue;
    }
    if ((domain.type === 'uniform' || domain.type === 'loguniform') && isIntegerLeaf(leaf)) {
      // Its draws would be fractional and every trial would fail validation.
      ctx.addIssue({ code: 'custom', path: [path, 'type'], message: `${path} is an integer: use type 'int'` });
    }
    const probes: Array<[string, unknown]> =
      domain.type === 'choice'
        ? domain.values.map((v, i) => [`values.${i}`, v] as [string, unknown])
        : [
            ['min', domain.min],
            ['max', domain.max],
          ];
    for (const [key, value] of probes) {
      const result = leaf.safeParse(value);
      if (!result.success) {
        const why = result.error.issues.map((i) => i.message).join(', ');
        ctx.addIssue({ code: 'custom', path: [path, ...key.split('.')], message: `invalid for ${path}: ${why}` });
      }
    }
  }
});
export type SearchSpace = z.infer<typeof SearchSpace>;
export type SearchSpaceInput = z.input<typeof SearchSpace>;

export const GridSearcherSpec = z.object({
  type: z.literal('grid'),
  /** Points per continuous (uniform / loguniform) dimension; choices and small int ranges are enumerated whole. */
  gridPoints: z.number().int().min(2).max(100).default(3),
});
export const RandomSearcherSpec = z.object({ type: z.literal('random') });
/** Tree-structured Parzen Estimator (Bergstra et al. 2011); defaults as Optuna / hyperopt. */
export const TpeSearcherSpec = z.object({
  type: z.literal('tpe'),
  /** Random trials before the model is used (Optuna: 10). */
  nStartup: z.number().int().min(1).default(10),
  /** Samples drawn from l(x) per suggestion, of which the best l/g is kept (hyperopt: 24). */
  nCandidates: z.number().int().min(1).default(24),
  /** Fraction of observations counted as "good" (hyperopt: 0.25). */
  gamma: z.number().gt(0).lt(1).default(0.25),
  /** Weight of the prior (the whole domain) among the Parzen components (hyperopt: 1). */
  priorWeight: z.number().positive().default(1),
});
export const SearcherSpec = z.discriminatedUnion('type', [GridSearcherSpec, RandomSearcherSpec, TpeSearcherSpec]);
export type SearcherSpec = z.infer<typeof SearcherSpec>;

export const FifoSchedulerSpec = z.object({ type: z.literal('fifo') });
/** Asynchronous successive halving (Li et al. 2018), as Ray's `AsyncHyperBandScheduler` with one bracket. */
export const AshaSchedulerSpec = z.object({
  type: z.literal('asha'),
  /** Last rung, in generator steps; default: the base config's `training.steps`. */
  maxSteps: z.number().int().min(1).optional(),
  /** First rung: no trial is stopped before this many steps. */
  gracePeriod: z.number().int().min(1).default(100),
  /** η: rungs are gracePeriod·η^k and only the top 1/η of each rung go on (Hyperband uses 3). */
  reductionFactor: z.number().gt(1).default(3),
});
/** Population-based training (Jaderberg et al. 2017), as Ray's `PopulationBasedTraining`. */
export const PbtSchedulerSpec = z.object({
  type: z.literal('pbt'),
  /** Steps between exploit/explore decisions of one trial. */
  perturbationInterval: z.number().int().min(1),
  /** Bottom fraction that copies from the top fraction (Ray: 0.25). */
  quantileFraction: z.number().gt(0).max(0.5).default(0.25),
  /** Chance that explore redraws a parameter from its domain instead of perturbing it (Ray: 0.25). */
  resampleProbability: z.number().min(0).max(1).default(0.25),
  /** Multipliers for continuous parameters; choices move to a neighbouring value (Ray: 1.2 / 0.8). */
  perturbationFactors: z.tuple([z.number().positive(), z.number().positive()]).default([0.8, 1.2]),
  /** Space parameters PBT may mutate (default: all). Others keep the exploited trial's values. */
  mutate: z.array(z.string()).optional(),
});
export const SchedulerSpec = z.discriminatedUnion('type', [FifoSchedulerSpec, AshaSchedulerSpec, PbtSchedulerSpec]);
export type SchedulerSpec = z.infer<typeof SchedulerSpec>;

export const ObjectiveMode = z.enum(['min', 'max']);
export type ObjectiveMode = z.infer<typeof ObjectiveMode>;

/**
 * What the sweep optimises. The default is TimeGAN's discriminative score (|accuracy − 0.5| of a
 * post-hoc classifier; lower is better), which workers report at each evaluation. Any reported
 * metric works, e.g. `{ metric: 'loss_g', mode: 'min' }` for a cheaper, noisier signal.
 */
export const Objective = z.object({
  metric: z.string().min(1).default('discriminative_score'),
  mode: ObjectiveMode.default('min'),
});
export type Objective = z.infer<typeof Objective>;

export const SweepSpec = z
  .object({
    /** Human-readable name (the coordinator assigns the id). */
    name: z.string().min(1).max(128),
    /** Config every trial starts from; the searcher's params override its fields. */
    base: TrialConfig.prefault({}),
    /** Dotted TrialConfig path → domain. Empty means every trial trains `base` (seed studies). */
    space: SearchSpace.default({}),
    searcher: SearcherSpec.prefault({ type: 'random' }),
    scheduler: SchedulerSpec.prefault({ type: 'fifo' }),
    objective: Objective.prefault({}),
    /** Trials to run in total (a grid may finish earlier). */
    maxTrials: z.number().int().min(1).max(10000).default(8),
    /** Trials training at the same time. */
    maxConcurrentTrials: z.number().int().min(1).max(1000).default(2),
    /** Data-parallel workers (ranks) per trial. */
    workersPerTrial: z.number().int().min(1).max(1024).default(1),
    /** Relaunches of a failed trial (from its last checkpoint) before it counts as failed. */
    retriesPerTrial: z.number().int().min(0).max(100).default(2),
    /** Seed of the searcher's and scheduler's random draws (trials keep `base.seed`). */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  })
  .superRefine((spec, ctx) => {
    const s = spec.scheduler;
    if (s.type === 'asha' && s.gracePeriod > (s.maxSteps ?? spec.base.training.steps)) {
      ctx.addIssue({ code: 'custom', path: ['scheduler', 'gracePeriod'], message: 'must not exceed maxSteps (or base.training.steps)' });
    }
    if (s.type === 'pbt') {
      for (const [i, name] of (s.mutate ?? []).entries()) {
        if (!(name in spec.space)) {
          ctx.addIssue({ code: 'custom', path: ['scheduler', 'mutate', i], message: `'${name}' is not in space` });
        }
      }
    }
  });
export type SweepSpec = z.infer<typeof SweepSpec>;
/** What a user may write: defaults filled in by `SweepSpec.parse`. */
export type SweepSpecInput = z.input<typeof SweepSpec>;

/** One report of a running trial, as searchers and schedulers see it. */
export const TrialResult = z.object({
  /** Generator steps trained so far (the scheduler's time axis). */
  step: z.number().int().min(0),
  /** Metric name → value; null (JSON's NaN) means the metric is not a number: the trial diverged. */
  metrics: z.record(z.string(), z.number().nullable()),
  /** The worker flagged the trial as diverged: it ranks last whatever its metrics say. */
  diverged: z.boolean().optional(),
});
export type TrialResult = z.infer<typeof TrialResult>;

/** A parameter path that is not a leaf field of TrialConfig. */
export class InvalidParamPathError extends Error {
  override readonly name = 'InvalidParamPathError';
  readonly code = 'ERR_INVALID_PARAM_PATH';
  constructor(
    /** The offending dotted path. */
    readonly path: string,
  ) {
    super(`unknown TrialConfig field '${path}'`);
  }
}

/**
 * Returns a copy of `base` with each dotted path of `params` set (`'optimizer.lrG'` → `base.optimizer.lrG`).
 * Throws `InvalidParamPathError` for a path that is not a leaf of TrialConfig; values are checked
 * later, when the result is parsed by `TrialConfig`.
 */
export function applyParams(base: TrialConfigInput, params: Params): TrialConfigInput {
  const out = structuredClone(base) as Record<string, unknown>;
  for (const [path, value] of Object.entries(params)) {
    if (!trialConfigLeaf(path)) throw new InvalidParamPathError(path);
    const keys = path.split('.');
    let node = out;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]] = value;
  }
  return out as TrialConfigInput;
}

/** The zod schema of the TrialConfig leaf at a dotted path, or undefined if there is none. */
export function trialConfigLeaf(path: string): z.ZodType | undefined {
  let node: z.ZodType = TrialConfig;
  for (const key of path.split('.')) {
    const obj = unwrapToObject(node);
    if (!obj || !Object.hasOwn(obj.shape, key)) return undefined;
    node = obj.shape[key] as z.ZodType;
  }
  // A path stopping at a section ('model') is not a parameter.
  return unwrapToObject(node) ? undefined : node;
}

/** Whether a leaf schema (through its default / optional wrappers) is an integer number. */
function isIntegerLeaf(schema: z.ZodType): boolean {
  let s: z.ZodType = schema;
  for (let i = 0; i < 10; i++) {
    if (s instanceof z.ZodNumber) return s.isInt;
    const inner = (s as unknown as { def: { innerType?: z.ZodType } }).def.innerType;
    if (!inner) return false;
    s = inner;
  }
  return false;
}

/** Sees through default / prefault / optional / refine wrappers to an object schema. */
function unwrapToObject(schema: z.ZodType): z.ZodObject | undefined {
  let s: z.ZodType = schema;
  for (let i = 0; i < 10; i++) {
    if (s instanceof z.ZodObject) return s;
    const def = (s as unknown as { def: { innerType?: z.ZodType; in?: z.ZodType } }).def;
    const inner = def.innerType ?? def.in;
    if (!inner) return undefined;
    s = inner;
  }
  return undefined;
}
