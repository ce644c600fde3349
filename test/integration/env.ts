/** Server addresses for the integration tests, exported by scripts/test-integration.sh. */
import type { Endpoint, SourceContract } from '../../src/sources/contract.js';
import type { Source } from '../../src/sources/source.js';

/** Reads `host:port` from an env var; a clear error when it is absent. */
export function serverFromEnv(name: string): Endpoint {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(
      `${name} is not set: run the integration tests with scripts/test-integration.sh, which starts the servers on 127.0.0.1 and exports their addresses`,
    );
  }
  const match = /^(.+):(\d+)$/.exec(value);
  if (match === null) throw new Error(`${name} = ${value}, must be host:port`);
  return { host: match[1] ?? '', port: Number(match[2]) };
}

/** A password no service script sets up; the contract checks it never shows in an error. */
const WRONG_SECRET = 'wrong-s3cret-Xq9';

/** Environment for sources under test: the credentials the service scripts set up. */
export const testEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  TIDE_TEST_SECRET: 'tide-test-password',
  TIDE_TEST_WRONG_SECRET: WRONG_SECRET,
  ...extra,
});

/** The contract's `badCredentials`: the source `make` builds with the wrong password. */
export const badPassword = (
  make: (endpoint: Endpoint, password: { readonly fromEnv: string }) => Source,
): SourceContract['badCredentials'] => ({
  secret: WRONG_SECRET,
  create: (endpoint) => make(endpoint, { fromEnv: 'TIDE_TEST_WRONG_SECRET' }),
});

export const deps = (env: Record<string, string> = testEnv()) => ({ now: () => Date.now(), env });
