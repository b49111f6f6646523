/**
 * What can be checked of the Dockerfiles without a Docker engine: base images pinned (a
 * version tag, never `latest`), multi-stage, a non-root numeric USER in the final stage,
 * an entrypoint that exists in the repository, COPY sources that exist, and the GPU image on
 * the CUDA 11.2 / cuDNN 8 base that tfjs-node-gpu 4.x's libtensorflow needs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './chart-files.js';

interface Stage {
  from: string;
  alias?: string;
  lines: string[];
}

/** Splits a Dockerfile into stages, resolving `ARG` defaults used in `FROM`. */
function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const arg = /^ARG\s+(\w+)=(\S+)/.exec(line);
    if (arg && stages.length === 0) args[arg[1]] = arg[2];
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      const image = from[1].replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? `\${${name}}`);
      stages.push({ from: image, alias: from[2], lines: [] });
    } else if (stages.length > 0) stages[stages.length - 1].lines.push(line);
  }
  return { args, stages };
}

const files = ['Dockerfile.cpu', 'Dockerfile.gpu'];

describe.each(files)('deploy/docker/%s', (name) => {
  const text = readFileSync(join(repoRoot, 'deploy', 'docker', name), 'utf8');
  const { stages } = parseDockerfile(text);
  const aliases = new Set(stages.map((s) => s.alias).filter(Boolean));
  const final = stages[stages.length - 1];

  it('is multi-stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
  });

  it('pins every base image to a version tag (no latest, no untagged)', () => {
    for (const stage of stages) {
      if (aliases.has(stage.from)) continue; // FROM an earlier stage
      expect(stage.from).toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(stage.from).not.toMatch(/:latest$/);
      expect(stage.from).toMatch(/:\D*\d+\.\d+/); // a real version number in the tag
    }
  });

  it('runs as a non-root numeric user in the final stage', () => {
    const users = final.lines.filter((l) => l.startsWith('USER '));
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1].slice(5).trim();
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/); // numeric: runAsNonRoot can verify it
    expect(user.split(':')[0]).not.toBe('0');
  });

  it('has an entrypoint that exists in the repository', () => {
    const entry = final.lines.find((l) => l.startsWith('ENTRYPOINT'));
    expect(entry).toBeDefined();
    const argv = JSON.parse(entry!.slice('ENTRYPOINT'.length)) as string[];
    const script = argv.find((a) => a.startsWith('/app/'));
    expect(script).toBeDefined();
    expect(existsSync(join(repoRoot, script!.slice('/app/'.length)))).toBe(true);
  });

  it('copies only paths that exist in the repository', () => {
    const sources = stages
      .flatMap((s) => s.lines)
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1).filter((p) => !p.startsWith('--')));
    expect(sources.length).toBeGreaterThan(5);
    for (const path of sources) expect({ path, exists: existsSync(join(repoRoot, path)) }).toEqual({ path, exists: true });
  });

  it('copies the manifest of every workspace before installing', () => {
    const root = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] };
    const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { link?: boolean }> };
    // Workspaces are the lockfile's linked packages (`node_modules/@grugan/x` → `packages/x`).
    const workspaceDirs = Object.keys(lock.packages).filter(
      (p) => p && !p.startsWith('node_modules/') && !p.includes('/node_modules/'),
    );
    expect(root.workspaces.length).toBeGreaterThan(0);
    for (const dir of workspaceDirs) expect(text).toContain(`COPY ${dir}/package.json ${dir}/`);
  });
});

describe('GPU image', () => {
  const { stages } = parseDockerfile(readFileSync(join(repoRoot, 'deploy', 'docker', 'Dockerfile.gpu'), 'utf8'));
  it('runs on CUDA 11.2 with cuDNN 8 and installs tfjs-node-gpu for real', () => {
    const final = stages[stages.length - 1];
    expect(final.from).toMatch(/^nvidia\/cuda:11\.2\.\d+-cudnn8-runtime-ubuntu\d+\.\d+$/);
    const build = stages.find((s) => s.alias === 'build')!;
    expect(build.from).toBe(final.from); // the addon is built against the runtime's glibc
    expect(build.lines.join('\n')).toMatch(/npm rebuild @tensorflow\/tfjs-node-gpu/);
  });
});
