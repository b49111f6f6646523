/**
 * Applies PBT exploit parameters (dotted `TrialConfig` paths such as `optimizer.lrD`) to a
 * running trial's config, via the protocol's `applyParams`, and re-validates the result, so an
 * order that would produce an invalid config is refused with an error naming the field.
 */
import { TrialConfig, applyParams, formatZodError, type Params } from '@grugan/protocol';
import { ExploitError } from './errors.js';

/** Returns a new config with `params` applied; throws `ExploitError` on an unknown path or bad value. */
export function applyExploitParams(config: TrialConfig, params: Params): TrialConfig {
  let input: unknown;
  try {
    input = applyParams(config, params);
  } catch (cause) {
    throw new ExploitError(cause instanceof Error ? cause.message : String(cause), { cause });
  }
  const parsed = TrialConfig.safeParse(input);
  if (!parsed.success) throw new ExploitError(`exploit params make an invalid config: ${formatZodError(parsed.error)}`);
  const next = parsed.data;
  // Copied weights only fit networks of the same shape, trained on the same data.
  if (JSON.stringify([next.model, next.data]) !== JSON.stringify([config.model, config.data])) {
    throw new ExploitError('exploit params may not change model or data settings');
  }
  return next;
}
