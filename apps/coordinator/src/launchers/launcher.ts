/**
 * Launcher: the coordinator's seam to whatever runs worker processes (local child
 * processes, Kubernetes Indexed Jobs). Building what to run is separate from running it, so
 * manifests can be pure functions with snapshot tests (Kubeflow trainer's `Runtime` pattern).
 */

/** What a launcher needs to start one trial's workers. */
export interface LaunchRequest {
  /** Sweep the trial belongs to (labels, owner references). */
  sweepId: string;
  /** Trial id; workers rendezvous on it. */
  trialId: string;
  /** Data-parallel ranks to start. */
  worldSize: number;
  /** NATS URL the workers connect to. */
  natsUrl: string;
  /** Incremented on every relaunch so that a restarted trial is a new group generation. */
  attempt: number;
  /** Extra environment for every worker. */
  env?: Record<string, string>;
}

/** Opaque identifier of launched workers, stable across coordinator restarts. */
export interface LaunchHandle {
  launcher: string;
  trialId: string;
  /** Launcher-specific id: a Job name, or process ids. */
  id: string;
}

/** Condition of a launched trial, Kubernetes-style: a type plus a named reason and message. */
export interface LaunchCondition {
  type: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  reason: string;
  message: string;
}

export interface Launcher {
  /** Name used in handles and the launcher registry (`local`, `kubernetes`). */
  readonly name: string;
  /** Starts the trial's workers; create-or-update, so calling it twice is safe. */
  launch(request: LaunchRequest): Promise<LaunchHandle>;
  /** Reports the workers' current condition. */
  status(handle: LaunchHandle): Promise<LaunchCondition>;
  /** Stops the workers and frees what they hold; safe on already-stopped handles. */
  terminate(handle: LaunchHandle): Promise<void>;
}
