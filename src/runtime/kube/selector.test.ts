import { describe, expect, it } from 'vitest';
import { parseSelector } from './selector.js';

const web = { app: 'web', tier: 'api', version: '3' };

describe('parseSelector', () => {
  it.each([
    ['', web, true],
    ['app=web', web, true],
    ['app==web', web, true],
    ['app=db', web, false],
    ['app!=db', web, true],
    ['app!=web', web, false],
    ['canary!=true', web, true], // a missing label is "not equal"
    ['app=web,tier=api', web, true],
    ['app=web,tier=edge', web, false],
    ['tier in (api,edge)', web, true],
    ['tier in (edge, batch)', web, false],
    ['tier notin (edge,batch)', web, true],
    ['canary notin (true)', web, true],
    ['canary in (true)', web, false],
    ['app', web, true],
    ['canary', web, false],
    ['!canary', web, true],
    ['!app', web, false],
    ['version>2', web, true],
    ['version<3', web, false],
    ['app=web, tier in (api,edge), !canary', web, true],
    ['app.kubernetes.io/name=web', { 'app.kubernetes.io/name': 'web' }, true],
    ['app=', { app: '' }, true],
  ])('%j on %j → %s', (selector, labels, matches) => {
    const matcher = parseSelector(selector);
    expect(matcher).not.toBeNull();
    expect(matcher?.(labels)).toBe(matches);
  });

  it.each(['app=(web)', 'app in web', '=web', 'app===web', 'tier in (api'])(
    '%j is refused (null: the caller lists the pods from the API server instead)',
    (selector) => {
      expect(parseSelector(selector)).toBeNull();
    },
  );
});
