/**
 * The local-runner file's own keys beside each ScalerSpec. Today one: `processOptions`, the
 * process target's settings that `target.process` in the spec does not hold yet (health check,
 * drain and stop grace, restart backoff, environment …; `targets/process-pool.ts`). A scaler
 * entry of a `scalers:` list may carry it next to its spec:
 *
 *   scalers:
 *     - name: web
 *       target: {process: {command: node, args: [server.mjs], basePort: 9101, listenPort: 9100}}
 *       processOptions: {healthCheck: {type: http, path: /healthz}, drainSeconds: 10}
 *
 * @module
 */
import { formatPath, type ParseResult, type ScalerSpec } from '../../core/spec.js';
import {
  processTargetOptionsSchema,
  type ProcessTargetOptions,
} from '../../targets/process-pool.js';

/** The key in a scaler entry of a local-runner file. */
export const processOptionsKey = 'processOptions';

const show = (v: unknown): string => (v === undefined ? 'missing' : JSON.stringify(v));

/**
 * Parses a scaler's `processOptions` (undefined = every default). Issues name the key, the value
 * and the rule: `processOptions.drainSeconds = -1: Too small: expected number to be >=0`.
 */
export function parseProcessOptions(
  input: unknown,
  spec: ScalerSpec,
): ParseResult<ProcessTargetOptions> {
  if (input !== undefined && (spec.target === undefined || !('process' in spec.target))) {
    const message = `${processOptionsKey}: only for a process target (target: {process: {...}})`;
    return { ok: false, issues: [{ path: processOptionsKey, message }] };
  }
  const result = processTargetOptionsSchema.safeParse(input ?? {}, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const path = [processOptionsKey, ...issue.path, issue.keys.join(', ')].join('.');
        return { path, message: `${path}: unknown key` };
      }
      const path = `${processOptionsKey}.${formatPath(issue.path)}`;
      if (issue.code === 'invalid_key') {
        const rule = issue.issues[0]?.message ?? issue.message;
        return { path, message: `${path}: the key ${show(issue.path.at(-1))} ${rule}` };
      }
      return { path, message: `${path} = ${show(issue.input)}: ${issue.message}` };
    }),
  };
}
