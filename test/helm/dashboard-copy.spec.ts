/**
 * Helm can only read files inside the chart, so the chart ships a copy of the Grafana
 * dashboard (deploy/grafana/grugan.json) under helm/grugan/dashboards/. The copy must not drift.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartDir, repoRoot } from './chart-files.js';

const source = join(repoRoot, 'deploy', 'grafana', 'grugan.json');
const copy = join(chartDir, 'dashboards', 'grugan.json');

describe('Grafana dashboard in the chart', () => {
  it.skipIf(!existsSync(source))('is a byte-for-byte copy of deploy/grafana/grugan.json', () => {
    expect(existsSync(copy)).toBe(true);
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(source, 'utf8'));
  });

  it.skipIf(!existsSync(copy))('is valid dashboard JSON', () => {
    const dashboard = JSON.parse(readFileSync(copy, 'utf8')) as { panels?: unknown[]; title?: string };
    expect(typeof dashboard.title).toBe('string');
    expect(Array.isArray(dashboard.panels)).toBe(true);
  });
});
