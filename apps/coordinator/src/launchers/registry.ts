/**
 * Launcher registry: name → factory, as Kubeflow trainer's runtime plugin registry. The
 * coordinator's `launcher` setting picks one. Factories are async so that a backend's heavy
 * dependencies (the Kubernetes client) load only when that backend is chosen.
 */
import { UnknownLauncherError } from '../errors.js';
import type { Launcher } from './launcher.js';
import { LocalLauncher, type LocalLauncherOptions } from './local.js';
import type { KubernetesLauncherOptions } from './kubernetes/index.js';

/** Options every factory receives; each backend reads its own section. */
export interface LauncherFactoryOptions {
  /** Options of the local launcher. */
  local?: LocalLauncherOptions;
  /** Options of the Kubernetes launcher (see `launchers/kubernetes`). */
  kubernetes?: KubernetesLauncherOptions;
}

export type LauncherFactory = (options: LauncherFactoryOptions) => Promise<Launcher>;

const factories = new Map<string, LauncherFactory>([
  ['local', async (o) => new LocalLauncher(o.local)],
  [
    'kubernetes',
    // Loaded on demand, so the Kubernetes client stays out of a local coordinator's start-up.
    async (o) => (await import('./kubernetes/index.js')).createKubernetesLauncher(o.kubernetes),
  ],
]);

/** Adds or replaces a backend (tests register their own). */
export function registerLauncher(name: string, factory: LauncherFactory): void {
  factories.set(name, factory);
}

/** Names of every registered backend. */
export function launcherNames(): string[] {
  return [...factories.keys()].sort();
}

/** Builds the named launcher; throws `UnknownLauncherError` listing the known names. */
export async function createLauncher(name: string, options: LauncherFactoryOptions = {}): Promise<Launcher> {
  const factory = factories.get(name);
  if (!factory) throw new UnknownLauncherError(name, launcherNames());
  return factory(options);
}
