import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultSpec, parseSpec } from './spec.js';

const examples = join(import.meta.dirname, '../../docs/examples');

describe('docs/examples', () => {
  it('defaults.yaml parses to exactly defaultSpec()', () => {
    const parsed = parseSpec(parse(readFileSync(join(examples, 'defaults.yaml'), 'utf8')));
    expect(parsed).toEqual({ ok: true, value: defaultSpec() });
  });

  const files = readdirSync(examples).filter((f) => f.endsWith('.yaml'));
  it('has examples', () => expect(files.length).toBeGreaterThan(1));
  it.each(files)('%s is a valid spec', (file) => {
    const result = parseSpec(parse(readFileSync(join(examples, file), 'utf8')));
    expect(result.ok ? [] : result.issues).toEqual([]);
  });
});
