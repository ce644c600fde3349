/**
 * What can be checked of deploy/ without tools: every chart value is in values.yaml, in
 * values.schema.json with a description, and in the chart README's table (and nothing else is);
 * the chart's CRD is the generated one; the Dockerfile is multi-stage, installs production
 * dependencies only, runs as a non-root uid and starts `tide controller`. Rendering and installing
 * are tested with Helm on the control plane (test/e2e/chart.test.ts, test/e2e/deploy.test.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '../..');
const chart = path.join(root, 'deploy/helm/tide');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

interface SchemaNode {
  readonly description?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
}

const schema = JSON.parse(read('deploy/helm/tide/values.schema.json')) as SchemaNode;
const values = parse(read('deploy/helm/tide/values.yaml')) as Record<string, unknown>;

/** Dotted paths of the schema's values: a node with properties is a group, others are values. */
function schemaValues(node: SchemaNode, prefix = ''): { path: string; node: SchemaNode }[] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) =>
    child.properties === undefined
      ? [{ path: `${prefix}${key}`, node: child }]
      : schemaValues(child, `${prefix}${key}.`),
  );
}

/** Dotted paths of values.yaml, descending only where the schema has properties. */
function yamlValues(value: unknown, node: SchemaNode, prefix = ''): string[] {
  if (node.properties === undefined || typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
    const childNode = node.properties?.[key];
    if (childNode === undefined) return [`${prefix}${key} (not in the schema)`];
    return childNode.properties === undefined
      ? [`${prefix}${key}`]
      : yamlValues(child, childNode, `${prefix}${key}.`);
  });
}

/** The values named in the first column of the README's "Values" table. */
function readmeValues(): string[] {
  const readme = read('deploy/helm/tide/README.md');
  const section = readme.slice(readme.indexOf('## Values'), readme.indexOf('## Upgrades'));
  return [...section.matchAll(/^\| `([^`]+)` +\|/gm)].map((m) => m[1] ?? '');
}

describe('the chart’s values', () => {
  const documented = schemaValues(schema);

  it('every value in values.yaml is in the schema, and every schema value in values.yaml', () => {
    const inYaml = yamlValues(values, schema).sort();
    // `global` is Helm's own (a parent chart's); it has no default here.
    const inSchema = documented.map((v) => v.path).filter((p) => p !== 'global');
    expect(inYaml).toEqual(inSchema.sort());
  });

  it('every schema value has a description and a type', () => {
    const missing = documented.filter(
      (v) => (v.node.description ?? '') === '' || v.node.type === undefined,
    );
    expect(missing.map((v) => v.path)).toEqual([]);
  });

  it('the README’s table lists exactly the schema’s values', () => {
    expect(readmeValues().sort()).toEqual(documented.map((v) => v.path).sort());
  });

  it('the defaults the README states for scalar values are values.yaml’s', () => {
    const readme = read('deploy/helm/tide/README.md');
    for (const { path: key } of documented) {
      const value = key
        .split('.')
        .reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], values);
      if (typeof value !== 'number' && typeof value !== 'boolean' && typeof value !== 'string')
        continue;
      const shown = typeof value === 'string' && value === '' ? '""' : String(value);
      const row = new RegExp(`^\\| \`${key.replaceAll('.', '\\.')}\` +\\| \`${shown}\` +\\|`, 'm');
      expect(readme, `${key}'s default`).toMatch(row);
    }
  });

  it('the chart’s appVersion is the package’s version', () => {
    const chartYaml = parse(read('deploy/helm/tide/Chart.yaml')) as { appVersion: string };
    const pkg = JSON.parse(read('package.json')) as { version: string };
    expect(chartYaml.appVersion).toBe(pkg.version);
  });
});

describe('the chart’s CRD', () => {
  it('is deploy/crd/elasticscaler.yaml (the generator’s output), byte for byte', () => {
    expect(
      readFileSync(path.join(chart, 'files/elasticscaler.yaml'), 'utf8'),
      'stale: cp deploy/crd/elasticscaler.yaml deploy/helm/tide/files/ (then scripts/render-manifests.sh)',
    ).toBe(read('deploy/crd/elasticscaler.yaml'));
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = read('deploy/Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const last = stages.at(-1) ?? '';

  it('is multi-stage: the last stage copies only from the build stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(last).toMatch(/^COPY --from=build /m);
    expect(last).not.toMatch(/^COPY (?!--from=)/m);
  });

  it('installs production dependencies only, at the lockfile’s versions', () => {
    expect(last).toMatch(/^RUN npm ci --omit=dev /m);
    expect(last).toMatch(/^ENV NODE_ENV=production$/m);
  });

  it('runs as a numeric non-root uid (so Kubernetes can check runAsNonRoot), the chart’s', () => {
    const user = /^USER (\d+):(\d+)$/m.exec(last);
    expect(user).not.toBeNull();
    expect(Number(user?.[1])).toBeGreaterThan(0);
    const chartValues = values as { podSecurityContext: { runAsUser: number } };
    expect(Number(user?.[1])).toBe(chartValues.podSecurityContext.runAsUser);
  });

  it('starts `tide controller`', () => {
    const entrypoint = /^ENTRYPOINT (.*)$/m.exec(last)?.[1] ?? '[]';
    expect(JSON.parse(entrypoint)).toEqual(['node', '/app/dist/src/cli/index.js', 'controller']);
  });

  it('its build context keeps every file it copies', () => {
    const ignore = read('deploy/Dockerfile.dockerignore');
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) =>
      (m[1] ?? '').split(' '),
    );
    for (const file of copied)
      expect(ignore, file).toMatch(new RegExp(`^!${file}(/\\*\\*)?$`, 'm'));
  });
});
