// The HTTP edge against a really listening server over raw sockets: what Node's parser refuses,
// slow and idle clients, the connection cap and the handler budget. `inject` bypasses all of these.
import { connect, type Socket } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import type { HttpLimits } from './http-limits.ts';
import { openSqlite } from './storage/open-sqlite.ts';
import { SqliteTraceStore } from './storage/sqlite-trace-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-edge-'));
const store = new SqliteTraceStore(openSqlite(join(dir, 'test.db'), { synchronous: 'NORMAL' }));
const servers: FastifyInstance[] = [];

async function listen(limits: Partial<HttpLimits>): Promise<number> {
  const app = await buildApp({ store, limits });
  servers.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as AddressInfo).port;
}

afterAll(async () => {
  for (const app of servers) await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Exchange {
  /** Everything the server sent. */
  text: string;
  /** How many of the chunks were written before the server closed the connection. */
  chunksSent: number;
}

/**
 * Sends `chunks` with `gapMs` between them (stopping once the server closes) and collects the reply.
 * Rejects if the server keeps the connection open for `giveUpMs`: a guard against a hang, not a
 * measurement (timings belong in bench/).
 */
function exchange(port: number, chunks: string[], gapMs = 0, giveUpMs = 5000): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    let chunksSent = 0;
    const socket: Socket = connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    socket.on('error', () => {}); // a reset after the reply is a close too
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`server kept the connection open for ${giveUpMs} ms; got: ${text}`));
    }, giveUpMs);
    socket.on('close', () => {
      closed = true;
      clearTimeout(giveUp);
      resolve({ text, chunksSent });
    });
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (closed) return;
        socket.write(chunk);
        chunksSent += 1;
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

function parse(text: string): { status: number; headers: string; body: unknown } {
  const [head, body] = text.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: body ? JSON.parse(body) : null };
}

describe('HTTP edge', () => {
  let port: number;
  beforeAll(async () => {
    port = await listen({});
  });

  it('answers a URL over 16 KiB with 431 in the MLflow envelope', async () => {
    const r = parse(
      (await exchange(port, [`GET /api/${'a'.repeat(17 * 1024)} HTTP/1.1\r\nHost: localhost\r\n\r\n`])).text,
    );
    expect(r.status).toBe(431);
    expect(r.headers).toContain('content-type: application/json');
    expect(r.body).toEqual({
      error_code: 'REQUEST_LIMIT_EXCEEDED',
      message: 'Request line and headers are too large (limit 16 KiB).',
    });
  });

  it.each([
    [
      'a raw space in the request line',
      'GET /api/2.0/mlflow/experiments/get?experiment_id=a b HTTP/1.1\r\nHost: localhost\r\n\r\n',
    ],
    ['an invalid header name', 'GET /health HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n'],
    ['a bad method', 'G@T /health HTTP/1.1\r\nHost: localhost\r\n\r\n'],
    ['garbage', '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n'],
  ])('answers %s with 400 in the MLflow envelope and closes', async (_what, request) => {
    const { text } = await exchange(port, [request]);
    const r = parse(text);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      error_code: 'BAD_REQUEST',
      message: expect.stringMatching(/^Bad Request\. The request is not valid HTTP\/1\.1 \(HPE_[A-Z_]+\)\.$/),
    });
  });

  it('refuses a second Host header, even when the first is allowed', async () => {
    const r = parse(
      (
        await exchange(port, [
          'GET /health HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\nConnection: close\r\n\r\n',
        ])
      ).text,
    );
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error_code: 'BAD_REQUEST', message: 'Bad Request. More than one Host header.' });
  });

  it('refuses an HTTP/1.1 request without Host in the envelope, and still serves HTTP/1.0 without one', async () => {
    const missing = parse((await exchange(port, ['GET /health HTTP/1.1\r\nConnection: close\r\n\r\n'])).text);
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error_code: 'BAD_REQUEST', message: 'Bad Request. The Host header is missing.' });
    const old = await exchange(port, ['GET /api/2.0/mlflow/experiments/get?experiment_id=0 HTTP/1.0\r\n\r\n']);
    expect(parse(old.text).status).toBe(403); // the Host allowlist still applies: no name is not an allowed name
  });
});

describe('slow and idle clients', () => {
  it('closes a client that sends its headers 1 byte at a time once the headers timeout passes', async () => {
    const port = await listen({ headersTimeoutMs: 600, requestTimeoutMs: 5000 });
    const bytes = [
      ...'GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n',
    ];
    const { text, chunksSent } = await exchange(port, bytes, 100);
    expect(chunksSent).toBeLessThan(bytes.length); // closed before the client finished its headers
    expect(parse(text)).toMatchObject({ status: 408, body: { error_code: 'BAD_REQUEST' } });
  });

  it('closes a client that connects and sends nothing once the headers timeout passes', async () => {
    const port = await listen({ headersTimeoutMs: 400, requestTimeoutMs: 5000 });
    const { text } = await exchange(port, []);
    expect(parse(text)).toMatchObject({ status: 408, body: { error_code: 'BAD_REQUEST' } });
  });

  it('closes a client that trickles its body once the request timeout passes', async () => {
    const port = await listen({ headersTimeoutMs: 5000, requestTimeoutMs: 700, handlerTimeoutMs: 10_000 });
    const head =
      'POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n';
    const chunks = [head, ...'{"name": "slow"'.padEnd(60)];
    const { text, chunksSent } = await exchange(port, chunks, 150);
    expect(chunksSent).toBeLessThan(chunks.length); // closed before the body was complete
    expect(parse(text)).toMatchObject({
      status: 408,
      body: { error_code: 'BAD_REQUEST', message: 'The request was not received in time.' },
    });
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const port = await listen({ keepAliveTimeoutMs: 300 });
    // Answered with keep-alive, then closed by the server while the client stays silent (exchange
    // rejects if it never is; Node adds a 1 s grace to the socket's keep-alive timeout).
    const { text } = await exchange(port, ['GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n']);
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text.toLowerCase()).toContain('connection: keep-alive');
  });

  it('closes connections beyond the cap at once and keeps serving the others', async () => {
    const port = await listen({ maxConnections: 2, headersTimeoutMs: 5000 });
    const held = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
    await Promise.all(held.map((s) => new Promise((r) => s.on('connect', r))));
    await new Promise((r) => setTimeout(r, 100));
    const refused = await exchange(port, ['GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n']);
    expect(refused.text).toBe('');
    held[0].end('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      held[0].on('data', (d) => (text += d));
      held[0].on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    held[1].destroy();
  });

  it('answers 503 on the OTLP route too (its own errors keep MLflow’s FastAPI shape)', async () => {
    const port = await listen({ handlerTimeoutMs: 300, requestTimeoutMs: 10_000 });
    const head =
      'POST /v1/traces HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-MLflow-Experiment-Id: 0\r\nContent-Length: 2\r\nConnection: close\r\n\r\n';
    const { text } = await exchange(port, [head, '{}'], 800);
    expect(parse(text)).toMatchObject({ status: 503, body: { error_code: 'TEMPORARILY_UNAVAILABLE' } });
  });

  it('answers 503 TEMPORARILY_UNAVAILABLE in the envelope when a request overruns its budget', async () => {
    const port = await listen({ handlerTimeoutMs: 300, requestTimeoutMs: 10_000 });
    // The body arrives after the budget: the handler is still waiting for it when the budget ends.
    const head =
      'POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 15\r\nConnection: close\r\n\r\n';
    const { text } = await exchange(port, [head, '{"name": "late"}'.slice(0, 15)], 800);
    expect(parse(text)).toMatchObject({
      status: 503,
      body: {
        error_code: 'TEMPORARILY_UNAVAILABLE',
        message: 'The server could not answer within 0.3 s; try again later.',
      },
    });
  });
});

describe('source maps', () => {
  const ui = join(dir, 'dist');
  beforeAll(() => {
    mkdirSync(join(ui, 'assets'), { recursive: true });
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1);\n//# sourceMappingURL=app.js.map');
    writeFileSync(join(ui, 'assets', 'app.js.map'), '{"version":3}');
  });

  it('are not served unless asked for', async () => {
    const hidden = await buildApp({ store, staticDir: ui });
    const shown = await buildApp({ store, staticDir: ui, serveSourceMaps: true });
    servers.push(hidden, shown);
    expect((await hidden.inject({ url: '/assets/app.js' })).statusCode).toBe(200);
    expect((await hidden.inject({ url: '/assets/app.js.map' })).statusCode).toBe(404);
    const map = await shown.inject({ url: '/assets/app.js.map' });
    expect([map.statusCode, map.body]).toEqual([200, '{"version":3}']);
  });
});
