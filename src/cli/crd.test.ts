import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { elasticScalerCrd } from '../crd/crd.js';
import { CRD_FILE, CRD_REGENERATE, renderCrd } from './crd.js';

describe('tide crd', () => {
  it(`${CRD_FILE} is the generator's output`, () => {
    const committed = readFileSync(join(import.meta.dirname, '../..', CRD_FILE), 'utf8');
    expect(committed, `${CRD_FILE} is stale: run \`npm run build && ${CRD_REGENERATE}\``).toBe(
      renderCrd('yaml'),
    );
  });

  it('prints the same object as YAML (read as YAML 1.1, like kubectl) and as JSON', () => {
    const yaml = parse(renderCrd('yaml'), { version: '1.1' }) as unknown;
    expect(yaml).toEqual(elasticScalerCrd());
    expect(JSON.parse(renderCrd('json'))).toEqual(elasticScalerCrd());
  });
});
