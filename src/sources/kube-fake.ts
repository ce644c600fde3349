/**
 * A fake Kubernetes API server for offline tests of the Kubernetes sources: it answers GETs from
 * a table of recorded responses (path + query → status and JSON body), checks a bearer token,
 * and writes a kubeconfig pointing at itself, so tests exercise the real client path
 * (kubeconfig loading, auth headers, HTTP, JSON decoding).
 *
 * @module
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeKubeApi {
  /** Path of a kubeconfig whose current context points at this server with `token`. */
  readonly kubeconfig: string;
  /** Requests seen, as `path?query`. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startFakeKubeApi(options: {
  readonly token: string;
  /** The token the kubeconfig carries (default: `token`); set another to test a wrong one. */
  readonly kubeconfigToken?: string;
  readonly responses: Readonly<Record<string, unknown>>;
}): Promise<FakeKubeApi> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    requests.push(decodeURIComponent(url));
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      send(401, { kind: 'Status', status: 'Failure', message: 'Unauthorized', code: 401 });
      return;
    }
    const body = options.responses[decodeURIComponent(url)];
    if (body === undefined)
      send(404, { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
    else send(200, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dir = await mkdtemp(join(tmpdir(), 'tide-kube-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: fake, cluster: {server: "http://127.0.0.1:' +
        String(port) +
        '", insecure-skip-tls-verify: true}}]',
      'users: [{name: tide, user: {token: ' +
        JSON.stringify(options.kubeconfigToken ?? options.token) +
        '}}]',
      'contexts: [{name: fake, context: {cluster: fake, user: tide}}]',
      'current-context: fake',
    ].join('\n'),
  );
  return {
    kubeconfig,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
