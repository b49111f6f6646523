/**
 * Launcher registry: name → factory, as Kubeflow trainer's runtime plugin registry. The
 * coordinator's `launcher` setting picks one. Factories are async so that a backend's heavy
 * dependencies (the Kubernetes client) load only when that backend is chosen.
 */
import { UnknownLauncherError } from '../errors.js';
import type { Launcher } from './launcher.js';
import { LocalLauncher, type LocalLauncherOptions } from './local.js';

/** Options every factory receives; each backend reads its own section. */
export interface LauncherFactoryOptions {
  /** Options of the local launcher. */
  local?: LocalLauncherOptions;
  /** Options of the Kubernetes launcher (see `launchers/kubernetes`). */
  kubernetes?: Record<string, unknown>;
}

export type LauncherFactory = (options: LauncherFactoryOptions) => Promise<Launcher>;

// A computed specifier keeps the Kubernetes client out of the local launcher's start-up.
const KUBERNETES_MODULE = './kubernetes/index.js';

const factories = new Map<string, LauncherFactory>([
  ['local', async (o) => new LocalLauncher(o.local)],
  [
    'kubernetes',
    async (o) => {
      const mod = (await import(KUBERNETES_MODULE)) as { createKubernetesLauncher(options: unknown): Launcher | Promise<Launcher> };
      return mod.createKubernetesLauncher(o.kubernetes ?? {});
    },
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
