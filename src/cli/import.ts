import { readFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import type { Command } from 'commander';
import { parseAllDocuments, stringify } from 'yaml';
import { importDocuments, type ImportOptions, type ImportResult } from '../migrate/import.js';
import { readClusterObjects } from '../runtime/kube/cluster-objects.js';
import { createKubeRest, type KubeRest } from '../runtime/kube/rest.js';
import { validateTriggerConfig } from '../sources/registry.js';

interface Flags {
  readonly fromCluster?: boolean;
  readonly kubeconfig?: string;
  readonly namespace?: string;
  readonly allNamespaces?: boolean;
  readonly selector?: string;
  readonly local?: boolean;
  readonly json?: boolean;
  readonly dryRun?: boolean;
  readonly secretDir: string;
  readonly clusterAuthNamespace: string;
}

/**
 * `tide import FILE...|-` or `tide import --from-cluster`: HPAs and KEDA ScaledObjects (with their TriggerAuthentications) →
 * ElasticScalers (or, with --local, a local-runner file) with the same meaning. Errors name the
 * object and the field; exit 1 on any. Notes (what to set up, known differences) go to stderr.
 */
export function register(program: Command): void {
  program
    .command('import')
    .description(
      'convert HPA and KEDA ScaledObject YAML/JSON into ElasticScalers; exit 1 on any error',
    )
    .argument(
      '[files...]',
      'YAML (multi-document) or JSON files, kubectl lists included; - for standard input',
    )
    .option(
      '--from-cluster',
      'read HPAs, ScaledObjects and (Cluster)TriggerAuthentications through the API server',
    )
    .option(
      '--kubeconfig <file>',
      'with --from-cluster: kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)',
    )
    .option(
      '-n, --namespace <ns>',
      "with --from-cluster: the namespace to read (default: the kubeconfig context's, else default)",
    )
    .option('-A, --all-namespaces', 'with --from-cluster: read every namespace')
    .option(
      '-l, --selector <selector>',
      'with --from-cluster: only HPAs and ScaledObjects with these labels (app=web,tier!=db)',
    )
    .option(
      '--local',
      'write a local-runner file (scalers: [...]) instead of ElasticScaler objects',
    )
    .option('--json', 'print {objects, issues, notes, secrets} as JSON for tools')
    .option(
      '--dry-run',
      'write shadow scalers (spec.dryRun: true): they publish what Tide would do beside the running autoscaler and never scale',
    )
    .option(
      '--secret-dir <dir>',
      'where Secrets are mounted for Tide: <dir>/<namespace>/<secret>/<key>',
      '/etc/tide/secrets',
    )
    .option(
      '--cluster-auth-namespace <ns>',
      'the namespace of ClusterTriggerAuthentication Secrets',
      'keda',
    )
    .action(async (files: string[], flags: Flags) => {
      const docs = await readInput(files, flags);
      if (docs === null) {
        process.exitCode = 1;
        return;
      }
      const imported = runImport(docs, {
        local: flags.local === true,
        secretDir: flags.secretDir.replace(/\/+$/, ''),
        clusterAuthNamespace: flags.clusterAuthNamespace,
      });
      const result = flags.dryRun === true ? asShadows(imported, flags.local === true) : imported;
      process.stdout.write(
        flags.json === true
          ? `${JSON.stringify(result, null, 2)}\n`
          : render(result, flags.local === true),
      );
      if (flags.json !== true) report(result);
      if (result.issues.length > 0) process.exitCode = 1;
    });
}

/** Every imported scaler as a shadow: `dryRun: true` in its spec. */
export function asShadows(result: ImportResult, local: boolean): ImportResult {
  const shadow = (d: Record<string, unknown>): Record<string, unknown> =>
    local ? { ...d, dryRun: true } : { ...d, spec: { ...(d['spec'] as object), dryRun: true } };
  return {
    ...result,
    objects: result.objects.map((o) => ({
      ...o,
      spec: { ...o.spec, dryRun: true },
      document: shadow(o.document),
    })),
  };
}

/** The import, with every trigger checked against its source's own schema. */
export function runImport(
  docs: readonly unknown[],
  options: Omit<ImportOptions, 'checkTrigger'>,
): ImportResult {
  return importDocuments(docs, {
    ...options,
    checkTrigger: (trigger, path) => {
      const r = validateTriggerConfig(trigger, path);
      return r.ok ? [] : r.issues;
    },
  });
}

/** The documents of the files, then (with --from-cluster) those read through the API server. */
async function readInput(files: readonly string[], flags: Flags): Promise<unknown[] | null> {
  const fromCluster = flags.fromCluster === true;
  const clusterOnly = ['kubeconfig', 'namespace', 'allNamespaces', 'selector'] as const;
  const misplaced = clusterOnly.filter((k) => flags[k] !== undefined && !fromCluster);
  const problem =
    files.length === 0 && !fromCluster
      ? 'give files to read (- for standard input) or --from-cluster'
      : misplaced.length > 0
        ? `${misplaced.map(optionName).join(', ')} only apply with --from-cluster`
        : flags.namespace !== undefined && flags.allNamespaces === true
          ? '--namespace and --all-namespaces exclude each other'
          : null;
  if (problem !== null) {
    process.stderr.write(`tide import: ${problem}\n`);
    return null;
  }
  const docs = await readDocuments(files);
  if (docs === null || !fromCluster) return docs;
  const cluster = await readCluster(flags);
  return cluster === null ? null : [...docs, ...cluster];
}

const optionName = (k: string): string => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

async function readCluster(flags: Flags): Promise<unknown[] | null> {
  let rest: KubeRest | null = null;
  try {
    const kubeConfig = new KubeConfig();
    if (flags.kubeconfig === undefined) kubeConfig.loadFromDefault();
    else kubeConfig.loadFromFile(flags.kubeconfig);
    rest = createKubeRest({ kubeConfig });
    const context = kubeConfig.getContextObject(kubeConfig.getCurrentContext());
    const namespace =
      flags.allNamespaces === true ? null : (flags.namespace ?? context?.namespace ?? 'default');
    const read = await readClusterObjects(rest, { namespace, selector: flags.selector ?? null });
    for (const n of read.notes) process.stderr.write(`tide import: note: ${n}\n`);
    return [...read.objects];
  } catch (error) {
    process.stderr.write(`tide import: reading the cluster: ${(error as Error).message}\n`);
    return null;
  } finally {
    rest?.close();
  }
}

async function readText(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function readDocuments(files: readonly string[]): Promise<unknown[] | null> {
  const docs: unknown[] = [];
  for (const file of files) {
    const where = file === '-' ? 'stdin' : file;
    let text: string;
    try {
      text = await readText(file);
    } catch (error) {
      process.stderr.write(`tide import: reading ${where}: ${(error as Error).message}\n`);
      return null;
    }
    for (const doc of parseAllDocuments(text)) {
      const first = doc.errors[0];
      if (first !== undefined) {
        process.stderr.write(`tide import: parsing ${where}: ${first.message}\n`);
        return null;
      }
      docs.push(doc.toJS() as unknown);
    }
  }
  return docs;
}

function render(result: ImportResult, local: boolean): string {
  const header = result.secrets
    .map(
      (s) =>
        `# reads Secret ${s.namespace}/${s.name} key ${s.key} from ${s.path}: mount it there for Tide\n`,
    )
    .join('');
  // YAML 1.1 output quotes "on" and "off", which kubectl (YAML 1.1) would read as booleans.
  const yaml = (value: unknown): string => stringify(value, { version: '1.1' });
  if (local) return `${header}${yaml({ scalers: result.objects.map((o) => o.document) })}`;
  return header + result.objects.map((o) => yaml(o.document)).join('---\n');
}

function report(result: ImportResult): void {
  for (const n of result.notes)
    process.stderr.write(`tide import: note: ${n.object}: ${n.message}\n`);
  for (const i of result.issues)
    process.stderr.write(`tide import: error: ${i.object}: ${i.message}\n`);
}
