/**
 * values.yaml and the example overrides (helm/grugan/ci/*.yaml) against values.schema.json,
 * with ajv, as `helm install/lint/template` would validate them; and overrides the schema
 * must refuse.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { chartDir, chartSchema, chartValues, mergeValues, readYaml, type Values } from './chart-files.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(chartSchema());
const defaults = chartValues();

function errorsOf(values: Values): string[] {
  return validate(values) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

describe('values.schema.json', () => {
  it('accepts values.yaml', () => {
    expect(errorsOf(defaults)).toEqual([]);
  });

  const examples = readdirSync(join(chartDir, 'ci')).filter((f) => f.endsWith('.yaml'));
  it('has example overrides to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });
  it.each(examples)('accepts ci/%s merged onto values.yaml', (file) => {
    const override = readYaml(join(chartDir, 'ci', file)) as Values;
    expect(errorsOf(mergeValues(defaults, override))).toEqual([]);
  });

  it.each([
    ['a misspelt key', { worker: { gpuPerPod: 1 } }, /additional properties/],
    ['a negative GPU count', { worker: { gpusPerPod: -1 } }, /\/worker\/gpusPerPod must be >= 0/],
    ['GPUs as a string', { worker: { gpusPerPod: '1' } }, /\/worker\/gpusPerPod must be integer/],
    ['the latest tag', { image: { tag: 'latest' } }, /\/image\/tag must NOT be valid/],
    ['two coordinators', { coordinator: { replicaCount: 2 } }, /\/coordinator\/replicaCount must be <= 1/],
    ['a bad pull policy', { image: { pullPolicy: 'Sometimes' } }, /\/image\/pullPolicy must be equal to one of the allowed values/],
    ['a bad toleration', { worker: { tolerations: [{ key: 'x', operator: 'Maybe' }] } }, /\/worker\/tolerations\/0\/operator/],
    ['a bad memory quantity', { worker: { resources: { limits: { memory: 'lots' } } } }, /\/worker\/resources\/limits\/memory/],
    ['credentials in the NATS URL', { nats: { enabled: false }, externalNats: { url: 'nats://u:p@host:4222' } }, /\/externalNats\/url must match pattern/],
    ['no NATS at all', { nats: { enabled: false } }, /must match a schema in anyOf/],
    ['JetStream off', { nats: { config: { jetstream: { enabled: false } } } }, /\/nats\/config\/jetstream\/enabled must be equal to constant/],
    ['a bad scrape interval', { metrics: { serviceMonitor: { interval: 'often' } } }, /\/metrics\/serviceMonitor\/interval must match pattern/],
    ['a non-string label', { dashboard: { labels: { grafana_dashboard: 1 } } }, /\/dashboard\/labels\/grafana_dashboard must be string/],
    ['an unknown top-level key', { workers: {} }, /must NOT have additional properties/],
  ])('rejects %s', (_name, override, expected) => {
    const errors = errorsOf(mergeValues(defaults, override as Values));
    expect(errors.join('\n')).toMatch(expected);
  });

  it('lets the NATS subchart take values it does not type', () => {
    expect(errorsOf(mergeValues(defaults, { nats: { natsBox: { enabled: false } } }))).toEqual([]);
  });
});
