/**
 * Reading the chart from its source tree for the chart tests: values (merged as Helm merges
 * them), the schema, and the `.Values` paths that templates reference. No `helm` binary is
 * needed; what needs one runs in CI (.github/workflows/helm.yml).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** Repository root, from this file's place in it (test/helm/). */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const chartDir = join(repoRoot, 'helm', 'grugan');

export type Values = Record<string, unknown>;

export function readYaml(file: string): unknown {
  return parse(readFileSync(file, 'utf8'));
}

export function chartValues(): Values {
  return readYaml(join(chartDir, 'values.yaml')) as Values;
}

export function chartSchema(): object {
  return JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8'));
}

const isMap = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Helm's coalescing of an override onto defaults: maps merge deeply, lists and scalars replace, null deletes. */
export function mergeValues(base: Values, override: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else if (isMap(value) && isMap(out[key])) out[key] = mergeValues(out[key] as Values, value);
    else out[key] = value;
  }
  return out;
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** A `.Values` path referenced by a template, with where it was found. */
export interface ValuesRef {
  path: string[];
  file: string;
}

/**
 * `.Values.a.b` (also `$.Values.a.b`) paths in a template, with template variables that alias
 * a values subtree (`{{- $c := .Values.coordinator }}` … `$c.port`) expanded.
 */
export function valuesRefs(file: string, text: string): ValuesRef[] {
  const aliases = new Map<string, string[]>();
  for (const m of text.matchAll(/\$([A-Za-z_]\w*)\s*:=\s*\$?\.Values((?:\.[A-Za-z_]\w*)+)/g)) {
    aliases.set(m[1], m[2].slice(1).split('.'));
  }
  const refs: ValuesRef[] = [];
  for (const m of text.matchAll(/\$?\.Values((?:\.[A-Za-z_]\w*)+)/g)) refs.push({ path: m[1].slice(1).split('.'), file });
  for (const m of text.matchAll(/\$([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)+)/g)) {
    const base = aliases.get(m[1]);
    if (base) refs.push({ path: [...base, ...m[2].slice(1).split('.')], file });
  }
  return refs;
}

/** Whether `path` names something in `values` (a value may be a leaf, a map or a list). */
export function hasPath(values: unknown, path: string[]): boolean {
  let node = values;
  for (const key of path) {
    if (!isMap(node) || !(key in node)) return false;
    node = node[key];
  }
  return true;
}

/** Paths of every leaf (scalar, list, or empty map) in `values`. */
export function leafPaths(values: unknown, prefix: string[] = []): string[][] {
  if (!isMap(values) || Object.keys(values).length === 0) return [prefix];
  return Object.entries(values).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}
