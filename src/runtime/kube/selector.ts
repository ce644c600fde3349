/**
 * Kubernetes label selectors in their string form (what a `/scale` subresource publishes in
 * `status.selector`), matched against a pod's labels as the API server matches them
 * (k8s.io/apimachinery `labels.Parse`): requirements separated by commas, each one of
 * `key`, `!key`, `key=value`, `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`,
 * `key>1`, `key<1`. `!=` and `notin` also match a pod without the label; the empty selector
 * matches every pod. `app=web,tier in (api,edge),!canary` → app is web, tier is api or edge, and
 * there is no canary label.
 *
 * @module
 */

export type Labels = Readonly<Record<string, string>>;
export type LabelMatcher = (labels: Labels) => boolean;

const KEY = '([A-Za-z0-9][A-Za-z0-9._/-]*)';
const VALUE = '([A-Za-z0-9._-]*)';
const exists = new RegExp(`^${KEY}$`);
const absent = new RegExp(`^!\\s*${KEY}$`);
const equality = new RegExp(`^${KEY}\\s*(==|=|!=)\\s*${VALUE}$`);
const set = new RegExp(`^${KEY}\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const compare = new RegExp(`^${KEY}\\s*(>|<)\\s*(-?\\d+)$`);

/** Splits on the commas outside parentheses. */
function requirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(selector.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(selector.slice(start).trim());
  return parts;
}

function requirement(text: string): LabelMatcher | null {
  let m = exists.exec(text);
  if (m !== null) return (l) => ((m as RegExpExecArray)[1] as string) in l;
  m = absent.exec(text);
  if (m !== null) return (l) => !(((m as RegExpExecArray)[1] as string) in l);
  m = equality.exec(text);
  if (m !== null) {
    const [, key = '', op, value] = m;
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  m = set.exec(text);
  if (m !== null) {
    const [, key = '', op, list = ''] = m;
    const values = new Set(list.split(',').map((v) => v.trim()));
    return op === 'notin'
      ? (l) => l[key] === undefined || !values.has(l[key])
      : (l) => l[key] !== undefined && values.has(l[key]);
  }
  return comparison(text);
}

function comparison(text: string): LabelMatcher | null {
  const m = compare.exec(text);
  if (m === null) return null;
  const [, key = '', op, bound] = m;
  const n = Number(bound);
  return (l) => {
    const v = l[key];
    if (v === undefined || !/^-?\d+$/.test(v)) return false;
    return op === '>' ? Number(v) > n : Number(v) < n;
  };
}

/** The selector as a predicate over labels; null when it is not a selector this parser reads. */
export function parseSelector(selector: string): LabelMatcher | null {
  if (selector.trim() === '') return () => true;
  const matchers: LabelMatcher[] = [];
  for (const part of requirements(selector)) {
    const matcher = requirement(part);
    if (matcher === null) return null;
    matchers.push(matcher);
  }
  return (labels) => matchers.every((m) => m(labels));
}
