// Graceful shutdown, end to end: a real server process (src/server/main.ts) gets SIGTERM while a
// request is in flight. Ordering comes from the protocol and the process's own log lines, never
// from timing: `Expect: 100-continue` proves the server has begun the request before the signal.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const MAIN = join(import.meta.dirname, 'main.ts');

interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  port: number;
  /** Resolves with the first stdout line matching `pattern` (seen before or after the call). */
  line(pattern: RegExp): Promise<string>;
  exited: Promise<number | null>;
}

function startProcess(args: string[]): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', '0', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const text of parts) {
      lines.push(text);
      for (const waiter of waiters.filter((w) => w.pattern.test(text))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(text);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const line = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find((l) => pattern.test(l));
      if (seen !== undefined) return resolve(seen);
      waiters.push({ pattern, resolve });
      void exited.then((code) => reject(new Error(`server exited (${code}) before ${pattern}: ${stderr}`)));
    });
  return line(/listening on/).then((text) => ({
    child,
    port: Number(/:(\d+)\s*$/.exec(text)?.[1]),
    line,
    exited,
  }));
}

/** A POST whose body is held back: resolves once the server has sent `100 Continue` for it. */
function heldPost(port: number, path: string, body: string) {
  const req: ClientRequest = request({
    host: '127.0.0.1',
    port,
    path,
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Expect: '100-continue' },
  });
  const response = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    req.on('response', (res: IncomingMessage) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: text }));
    });
    req.on('error', reject);
  });
  const begun = new Promise<void>((resolve) => req.on('continue', () => resolve()));
  req.flushHeaders();
  return { begun, response, finish: () => req.end(body), req };
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

let dir: string;
let uri: string;
const started: ChildProcessWithoutNullStreams[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'trace-explorer-shutdown-'));
  uri = `sqlite:///${join(dir, 'traces.db')}`;
});
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function launch(args: string[] = []): Promise<ServerProcess> {
  const server = await startProcess(['--backend-store-uri', uri, '--synchronous', 'NORMAL', ...args]);
  started.push(server.child);
  return server;
}

describe('graceful shutdown (a real server process)', () => {
  it('on SIGTERM stops accepting connections, answers the request in flight, commits it and exits 0', async () => {
    const server = await launch();
    const post = heldPost(server.port, '/api/2.0/mlflow/experiments/create', JSON.stringify({ name: 'drained' }));
    await post.begun;

    server.child.kill('SIGTERM');
    await server.line(/No longer accepting connections/);
    expect(await connectionRefused(server.port)).toBe(true);

    post.finish();
    const answer = await post.response;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ experiment_id: expect.any(String) });
    // The reply ends its connection, so the drain does not wait out keep-alive.
    expect(answer.connection).toBe('close');
    expect(await server.exited).toBe(0);
    await server.line(/^Stopped\.$/);

    // What the drained request wrote was committed before the store closed.
    const again = await launch();
    const found = await fetch(
      `http://127.0.0.1:${again.port}/api/2.0/mlflow/experiments/get-by-name?experiment_name=drained`,
    );
    expect(found.status).toBe(200);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('cuts requests still in flight after --shutdown-timeout, then exits 0', async () => {
    const server = await launch(['--shutdown-timeout', '0.2']);
    const post = heldPost(server.port, '/api/2.0/mlflow/experiments/create', JSON.stringify({ name: 'never-sent' }));
    await post.begun;
    const cut = post.response.then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );

    server.child.kill('SIGTERM');
    expect(await server.line(/Shutdown timeout/)).toContain('closing 1 connection(s)');
    expect(await cut).toBe('ECONNRESET');
    expect(await server.exited).toBe(0);
  });

  it('a second signal during the drain exits at once with 1', async () => {
    const server = await launch(['--shutdown-timeout', '600']);
    const post = heldPost(server.port, '/api/2.0/mlflow/experiments/create', JSON.stringify({ name: 'held' }));
    await post.begun;
    post.response.catch(() => undefined);

    server.child.kill('SIGTERM');
    await server.line(/No longer accepting connections/);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(1);
  });
});
