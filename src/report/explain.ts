/**
 * `tide explain`: a decision's chain of reasons, for a person reading a terminal.
 */
import type { Decision } from '../core/model.js';

export interface ExplainInput {
  readonly decision: Decision;
  readonly currentReplicas: number;
  /** Epoch ms of the decision. */
  readonly now: number;
}

/** Renders the decision as plain text: the verdict, each trigger's proposal, then every step. */
export function explainDecision({ decision, currentReplicas, now }: ExplainInput): string {
  const lines: string[] = [];
  const verdict = verdictLine(decision.desiredReplicas, currentReplicas, decision.valid);
  lines.push(`${new Date(now).toISOString()}  ${verdict}`, '');
  if (decision.triggers.length > 0) {
    lines.push('Triggers:');
    for (const t of decision.triggers) lines.push(`  ${triggerLine(t)}`);
    lines.push('');
  }
  lines.push('Steps:');
  decision.reasons.forEach((r, i) => {
    const replicas = r.replicas === undefined ? '' : ` → ${r.replicas}`;
    lines.push(`  ${i + 1}. [${r.step}] ${r.code}${replicas}: ${r.message}`);
  });
  if (decision.conditions.length > 0) {
    lines.push('', 'Conditions:');
    for (const c of decision.conditions) {
      lines.push(`  ${c.type}=${c.status} (${c.reason}): ${c.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function verdictLine(desired: number, current: number, valid: boolean): string {
  if (!valid) return `hold at ${current} replicas: the engine could not decide (see steps)`;
  if (desired > current) return `scale up ${current} → ${desired} replicas`;
  if (desired < current) return `scale down ${current} → ${desired} replicas`;
  return `stay at ${current} replicas`;
}

function triggerLine(t: Decision['triggers'][number]): string {
  if (t.error !== null) {
    return `${t.name} (${t.type}): failed: ${t.error.message}${t.error.retryable ? ' (retryable)' : ''}`;
  }
  const value = t.value === null ? '' : ` from value ${formatNumber(t.value)}`;
  const active = t.active ? 'active' : 'inactive';
  return `${t.name} (${t.type}): proposes ${t.replicas ?? '-'}${value}, ${active}`;
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(3).replace(/0+$/, '');
}
