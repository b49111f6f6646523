/**
 * A small, faithful stand-in for the Kubernetes API server: just the endpoints the launcher
 * uses, with the real server's behaviour where the launcher depends on it.
 *
 * - `batch/v1` Jobs: list (label selectors), create, get, replace, delete; core `v1`
 *   ConfigMaps: list, create, get, replace, delete; core `v1` Pods: list.
 * - Errors are `Status` objects with the real reasons and codes (401 Unauthorized,
 *   404 NotFound, 409 AlreadyExists / Conflict, 422 Invalid for a changed Job pod template).
 * - `metadata.uid`, `resourceVersion` (one counter, as etcd's revision), `creationTimestamp`,
 *   `generation`; a replace with a stale `resourceVersion` is a 409 Conflict.
 * - The Job controller's defaulting: `spec.selector` and the `controller-uid` / `job-name`
 *   labels on the pod template.
 * - Deletion honours `metadata.finalizers` (the object stays, with `deletionTimestamp`, until
 *   the test clears them) and garbage-collects dependents by owner reference.
 * - Watches (`?watch=true` on a list path): without `resourceVersion`, ADDED for every
 *   matching object and then live events; with one, every event after it (as informers ask
 *   after their initial list); newline-delimited JSON `{type, object}`.
 *
 * Tests drive the controller side by hand: `setJobStatus`, `addPod`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { uid: string; kind: string; name: string }[];
    finalizers?: string[];
    deletionTimestamp?: string;
    [k: string]: unknown;
  };
  spec?: any;
  status?: any;
  [k: string]: unknown;
};

type Resource = 'jobs' | 'configmaps' | 'pods';

const KINDS: Record<Resource, { kind: string; apiVersion: string; group: string }> = {
  jobs: { kind: 'Job', apiVersion: 'batch/v1', group: 'batch' },
  configmaps: { kind: 'ConfigMap', apiVersion: 'v1', group: '' },
  pods: { kind: 'Pod', apiVersion: 'v1', group: '' },
};

/** One request as the server saw it, for assertions on verbs and query parameters. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

function statusObject(code: number, reason: string, message: string, details?: object) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

function matchesSelector(labels: Record<string, string> | undefined, selector: string | undefined): boolean {
  if (!selector) return true;
  const have = labels ?? {};
  return selector.split(',').every((term) => {
    const t = term.trim();
    if (!t) return true;
    const ne = t.split('!=');
    if (ne.length === 2) return have[ne[0].trim()] !== ne[1].trim();
    const eq = t.includes('==') ? t.split('==') : t.split('=');
    if (eq.length === 2) return have[eq[0].trim()] === eq[1].trim();
    return t.startsWith('!') ? !(t.slice(1) in have) : t in have;
  });
}

interface WatchEvent {
  revision: number;
  resource: Resource;
  namespace: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Obj;
}

interface Watcher {
  resource: Resource;
  namespace: string;
  selector?: string;
  res: ServerResponse;
}

export class StandInApiServer {
  private server?: Server;
  private revision = 1000;
  private readonly store = new Map<string, Obj>(); // key: resource/namespace/name
  private readonly events: WatchEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  /** Every request, in order. */
  readonly requests: RecordedRequest[] = [];

  constructor(readonly token = 'stand-in-token') {}

  /** Starts listening on a free loopback port; returns the server URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error) => this.send(res, 500, statusObject(500, 'InternalError', String(error))));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Drops every connection and stops listening for `downMs`, then listens again on the same port; state is kept. */
  async restart(downMs: number): Promise<void> {
    const port = (this.server!.address() as AddressInfo).port;
    await this.stop();
    await new Promise((r) => setTimeout(r, downMs));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  // ---- test-side controller hooks ----

  /** Objects of one kind in a namespace. */
  list(resource: Resource, namespace: string): Obj[] {
    return [...this.store.entries()]
      .filter(([key]) => key.startsWith(`${resource}/${namespace}/`))
      .map(([, obj]) => structuredClone(obj));
  }

  get(resource: Resource, namespace: string, name: string): Obj | undefined {
    const obj = this.store.get(`${resource}/${namespace}/${name}`);
    return obj ? structuredClone(obj) : undefined;
  }

  /** Plays the Job controller: writes a Job's status (bumps resourceVersion like a status update). */
  setJobStatus(namespace: string, name: string, status: object): void {
    const job = this.store.get(`jobs/${namespace}/${name}`);
    if (!job) throw new Error(`no Job ${namespace}/${name}`);
    job.status = structuredClone(status);
    job.metadata.resourceVersion = String(++this.revision);
    this.emit('MODIFIED', 'jobs', job);
  }

  /** Plays the kubelet: replaces a pod's status. */
  setPodStatus(namespace: string, name: string, status: object): void {
    const pod = this.store.get(`pods/${namespace}/${name}`);
    if (!pod) throw new Error(`no Pod ${namespace}/${name}`);
    pod.status = structuredClone(status);
    pod.metadata.resourceVersion = String(++this.revision);
    this.emit('MODIFIED', 'pods', pod);
  }

  /** Plays the scheduler or kubelet removing a pod (no finalizers, no grace period). */
  deletePod(namespace: string, name: string): void {
    this.remove(`pods/${namespace}/${name}`);
  }

  /** Plays the Job controller and kubelet: adds a pod owned by the Job, with the template's labels. */
  addPod(namespace: string, jobName: string, index: number, status: object): Obj {
    const job = this.store.get(`jobs/${namespace}/${jobName}`);
    if (!job) throw new Error(`no Job ${namespace}/${jobName}`);
    const pod: Obj = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${jobName}-${index}-${randomUUID().slice(0, 5)}`,
        namespace,
        labels: { ...job.spec.template.metadata.labels, 'batch.kubernetes.io/job-completion-index': String(index) },
        annotations: { 'batch.kubernetes.io/job-completion-index': String(index) },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: jobName, uid: job.metadata.uid!, controller: true } as any],
      },
      spec: structuredClone(job.spec.template.spec),
      status: structuredClone(status),
    };
    this.insert('pods', pod);
    return structuredClone(pod);
  }

  /** Clears an object's finalizers; if it was being deleted, it goes now (as the API server does). */
  clearFinalizers(resource: Resource, namespace: string, name: string): void {
    const key = `${resource}/${namespace}/${name}`;
    const obj = this.store.get(key);
    if (!obj) return;
    obj.metadata.finalizers = [];
    if (obj.metadata.deletionTimestamp) this.remove(key);
  }

  /** Adds finalizers to an object, so that a delete only marks it. */
  addFinalizer(resource: Resource, namespace: string, name: string, finalizer: string): void {
    const obj = this.store.get(`${resource}/${namespace}/${name}`);
    if (!obj) throw new Error(`no ${resource} ${namespace}/${name}`);
    obj.metadata.finalizers = [...(obj.metadata.finalizers ?? []), finalizer];
  }

  // ---- HTTP ----

  private send(res: ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  /** Records an event (the object's state at `resourceVersion`) and streams it to open watches. */
  private emit(type: WatchEvent['type'], resource: Resource, obj: Obj): void {
    const event: WatchEvent = {
      revision: Number(obj.metadata.resourceVersion),
      resource,
      namespace: obj.metadata.namespace ?? '',
      type,
      object: structuredClone(obj),
    };
    this.events.push(event);
    for (const w of this.watchers) this.deliver(w, event);
  }

  private deliver(w: Watcher, e: WatchEvent): void {
    if (e.resource !== w.resource || e.namespace !== w.namespace) return;
    if (!matchesSelector(e.object.metadata.labels, w.selector)) return;
    w.res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
  }

  /** Open watch connections (tests wait for informers to connect). */
  get watchCount(): number {
    return this.watchers.size;
  }

  private insert(resource: Resource, obj: Obj): Obj {
    obj.metadata.uid = randomUUID();
    obj.metadata.resourceVersion = String(++this.revision);
    obj.metadata.creationTimestamp = new Date().toISOString();
    obj.metadata.generation = 1;
    this.store.set(`${resource}/${obj.metadata.namespace}/${obj.metadata.name}`, obj);
    this.emit('ADDED', resource, obj);
    return obj;
  }

  /** Removes an object and, by owner reference, everything that depends on it (the garbage collector). */
  private remove(key: string): void {
    const obj = this.store.get(key);
    if (!obj) return;
    this.store.delete(key);
    obj.metadata.resourceVersion = String(++this.revision);
    this.emit('DELETED', key.split('/')[0] as Resource, obj);
    for (const [otherKey, other] of [...this.store.entries()]) {
      if (other.metadata.ownerReferences?.some((o) => o.uid === obj.metadata.uid)) this.markDeleted(otherKey);
    }
  }

  private markDeleted(key: string): void {
    const obj = this.store.get(key)!;
    if ((obj.metadata.finalizers ?? []).length > 0) {
      obj.metadata.deletionTimestamp ??= new Date().toISOString();
      obj.metadata.resourceVersion = String(++this.revision);
      this.emit('MODIFIED', key.split('/')[0] as Resource, obj);
    } else {
      this.remove(key);
    }
  }

  private async readBody(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text ? JSON.parse(text) : undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const body = await this.readBody(req).catch(() => Symbol.for('bad-json'));
    const query = Object.fromEntries(url.searchParams.entries());
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query, ...(body !== undefined ? { body } : {}) });

    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return this.send(res, 401, statusObject(401, 'Unauthorized', 'Unauthorized'));
    }
    if (body === Symbol.for('bad-json')) return this.send(res, 400, statusObject(400, 'BadRequest', 'invalid JSON body'));

    const m =
      /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/(jobs)(?:\/([^/]+))?$/.exec(url.pathname) ??
      /^\/api\/v1\/namespaces\/([^/]+)\/(configmaps|pods)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return this.send(res, 404, statusObject(404, 'NotFound', 'the server could not find the requested resource'));
    const [, namespace, resource, name] = m as unknown as [string, string, Resource, string | undefined];
    const { kind, apiVersion, group } = KINDS[resource];
    const qualified = group ? `${resource}.${group}` : resource;
    const notFound = (n: string) =>
      this.send(res, 404, statusObject(404, 'NotFound', `${qualified} "${n}" not found`, { name: n, group, kind: resource }));

    if (!name) {
      if (req.method === 'GET' && (query.watch === 'true' || query.watch === '1')) {
        return this.startWatch(res, resource, namespace, query);
      }
      if (req.method === 'GET') {
        const items = this.list(resource, namespace).filter((o) => matchesSelector(o.metadata.labels, query.labelSelector));
        return this.send(res, 200, { kind: `${kind}List`, apiVersion, metadata: { resourceVersion: String(this.revision) }, items });
      }
      if (req.method === 'POST' && resource !== 'pods') {
        const obj = structuredClone(body) as Obj;
        if (!obj?.metadata?.name) return this.send(res, 422, statusObject(422, 'Invalid', `${kind} is invalid: metadata.name: Required value`));
        if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
          return this.send(res, 400, statusObject(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request'));
        }
        obj.metadata.namespace = namespace;
        const key = `${resource}/${namespace}/${obj.metadata.name}`;
        if (this.store.has(key)) {
          return this.send(
            res,
            409,
            statusObject(409, 'AlreadyExists', `${qualified} "${obj.metadata.name}" already exists`, { name: obj.metadata.name, group, kind: resource }),
          );
        }
        if (resource === 'jobs') this.defaultJob(obj);
        return this.send(res, 201, this.insert(resource, obj));
      }
      return this.send(res, 405, statusObject(405, 'MethodNotAllowed', `${req.method} is not supported here`));
    }

    const key = `${resource}/${namespace}/${name}`;
    const current = this.store.get(key);
    if (req.method === 'GET') return current ? this.send(res, 200, current) : notFound(name);
    if (req.method === 'DELETE') {
      if (!current) return notFound(name);
      this.markDeleted(key);
      const after = this.store.get(key);
      return this.send(res, 200, after ?? { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group, kind: resource, uid: current.metadata.uid } });
    }
    if (req.method === 'PUT' && resource !== 'pods') {
      if (!current) return notFound(name);
      const obj = structuredClone(body) as Obj;
      if (obj?.metadata?.name !== name) return this.send(res, 400, statusObject(400, 'BadRequest', 'the name of the object does not match the name on the URL'));
      if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== current.metadata.resourceVersion) {
        return this.send(
          res,
          409,
          statusObject(409, 'Conflict', `Operation cannot be fulfilled on ${qualified} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, group, kind: resource }),
        );
      }
      if (resource === 'jobs' && JSON.stringify(obj.spec?.template) !== JSON.stringify(current.spec?.template)) {
        return this.send(res, 422, statusObject(422, 'Invalid', `Job.batch "${name}" is invalid: spec.template: Invalid value: field is immutable`));
      }
      obj.metadata = {
        ...obj.metadata,
        namespace,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        resourceVersion: String(++this.revision),
      };
      if (resource === 'jobs') obj.status = current.status; // status is a subresource
      this.store.set(key, obj);
      this.emit('MODIFIED', resource, obj);
      return this.send(res, 200, obj);
    }
    return this.send(res, 405, statusObject(405, 'MethodNotAllowed', `${req.method} is not supported here`));
  }

  private startWatch(res: ServerResponse, resource: Resource, namespace: string, query: Record<string, string>): void {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders(); // the client's request resolves on headers, before any event
    const w: Watcher = { resource, namespace, selector: query.labelSelector, res };
    if (query.resourceVersion && query.resourceVersion !== '0') {
      const since = Number(query.resourceVersion);
      for (const e of this.events) if (e.revision > since) this.deliver(w, e);
    } else {
      for (const obj of this.list(resource, namespace)) {
        if (matchesSelector(obj.metadata.labels, w.selector)) {
          res.write(`${JSON.stringify({ type: 'ADDED', object: obj })}\n`);
        }
      }
    }
    this.watchers.add(w);
    res.on('close', () => this.watchers.delete(w));
  }

  /** What the Job admission and defaulting add: a selector on a generated controller uid. */
  private defaultJob(job: Obj): void {
    const controllerUid = randomUUID();
    job.spec ??= {};
    job.spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': controllerUid } };
    const t = (job.spec.template ??= {});
    t.metadata ??= {};
    t.metadata.labels = {
      ...t.metadata.labels,
      'batch.kubernetes.io/controller-uid': controllerUid,
      'batch.kubernetes.io/job-name': job.metadata.name,
      'controller-uid': controllerUid,
      'job-name': job.metadata.name,
    };
    job.status ??= {};
  }
}
