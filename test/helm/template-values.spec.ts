/**
 * Without a `helm` binary, the cheapest check of the templates: every `.Values` path they
 * reference exists in values.yaml (a typo renders as an empty string, silently), every value
 * in values.yaml is used by some template, every `include` names a defined helper, and the
 * worker template ConfigMap only sets fields the launcher's parser knows.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkerTemplate } from '../../apps/coordinator/src/launchers/kubernetes/index.js';
import { chartDir, chartValues, filesUnder, hasPath, leafPaths, valuesRefs, type ValuesRef } from './chart-files.js';

const values = chartValues();
const templateFiles = filesUnder(join(chartDir, 'templates'));
const texts = new Map(templateFiles.map((f) => [relative(chartDir, f), readFileSync(f, 'utf8')]));
const refs: ValuesRef[] = [...texts].flatMap(([file, text]) => valuesRefs(file, text));

describe('chart templates', () => {
  it('reference values', () => {
    expect(refs.length).toBeGreaterThan(50);
  });

  it('reference only values that exist in values.yaml', () => {
    const missing = refs.filter((r) => !hasPath(values, r.path)).map((r) => `${r.file}: .Values.${r.path.join('.')}`);
    expect([...new Set(missing)]).toEqual([]);
  });

  it('the check catches a typo', () => {
    const typo = valuesRefs('x.yaml', '{{ .Values.coordinator.prot }} {{- $w := .Values.worker }}{{ $w.gpuPerPod }}');
    expect(typo.filter((r) => !hasPath(values, r.path)).map((r) => r.path.join('.'))).toEqual([
      'coordinator.prot',
      'worker.gpuPerPod',
    ]);
  });

  it('use every value in values.yaml (the NATS subchart takes its own)', () => {
    const used = (leaf: string[]) =>
      refs.some((r) => r.path.length <= leaf.length && r.path.every((k, i) => leaf[i] === k));
    const unused = leafPaths(values)
      .filter((p) => p[0] !== 'nats' || p.length === 2)
      .filter((p) => !used(p))
      .map((p) => p.join('.'));
    expect(unused).toEqual([]);
  });

  it('include only defined helpers', () => {
    const helpers = texts.get('templates/_helpers.tpl')!;
    const defined = new Set([...helpers.matchAll(/define "([^"]+)"/g)].map((m) => m[1]));
    const included = [...texts.values()].flatMap((t) => [...t.matchAll(/include "([^"]+)"/g)].map((m) => m[1]));
    expect(included.filter((name) => !defined.has(name))).toEqual([]);
    expect(defined.size).toBeGreaterThan(5);
  });

  it('balance their template delimiters', () => {
    for (const [file, text] of texts) {
      const opens = text.split('{{').length;
      const closes = text.split('}}').length;
      expect({ file, opens }).toEqual({ file, opens: closes });
    }
  });

  it('set only worker template fields the launcher parses', () => {
    const text = texts.get('templates/worker-template-configmap.yaml')!;
    const dictBody = /dict\s*([\s\S]*?)\n\}\}/.exec(text)![1];
    const keys = [
      ...[...dictBody.matchAll(/^\s*"(\w+)"/gm)].map((m) => m[1]),
      ...[...text.matchAll(/set \$t "(\w+)"/g)].map((m) => m[1]),
    ];
    const known = Object.keys(WorkerTemplate.shape);
    expect(keys.length).toBeGreaterThan(15);
    expect(keys.filter((k) => !known.includes(k))).toEqual([]);
  });

  it('give the coordinator exactly the launcher permissions, in its namespace only', () => {
    const rbac = texts.get('templates/rbac.yaml')!;
    expect(rbac).toContain('kind: Role\n');
    expect(rbac).not.toMatch(/ClusterRole/);
    const resources = [...rbac.matchAll(/resources: \[(.*)\]/g)].map((m) => m[1]);
    expect(resources).toEqual(['"jobs"', '"pods"', '"configmaps"']);
    expect(rbac).not.toMatch(/"\*"/);
  });

  it('run the coordinator non-root, read-only, without privilege escalation, with probes', () => {
    const deployment = texts.get('templates/coordinator-deployment.yaml')!;
    expect(deployment).toMatch(/path: \/healthz/);
    expect(deployment).toMatch(/path: \/readyz/);
    expect(values).toMatchObject({
      coordinator: {
        podSecurityContext: { runAsNonRoot: true },
        securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      },
    });
  });
});
