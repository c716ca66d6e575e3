// Deny by default: every route the app registers must have an access rule, and a route without
// one is refused. The enumeration comes from Fastify's onRoute hook (auth-guard.ts), so a route
// added later without a rule fails here.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, basic, createAuthTestServer, type AuthTestServer } from './auth-test-server.ts';

let server: AuthTestServer;
let ui: string;

beforeAll(async () => {
  ui = mkdtempSync(join(tmpdir(), 'trace-explorer-ui-'));
  mkdirSync(join(ui, 'assets'));
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)');
  server = await createAuthTestServer({ staticDir: ui });
  // Registered after the app is built, as a careless future route would be: no rule.
  server.app.post('/api/2.0/mlflow/unruled', async () => ({ leaked: true }));
});

afterAll(async () => {
  await server.close();
  rmSync(ui, { recursive: true, force: true });
});

describe('deny by default', () => {
  it('every registered route has an access rule', () => {
    const routes = server.app.accessTable.filter((r) => r.url !== '/api/2.0/mlflow/unruled');
    // Sanity: the enumeration sees the whole app (both prefixes, OTLP, static files).
    expect(routes.length).toBeGreaterThan(100);
    expect(routes.some((r) => r.url === '/v1/traces')).toBe(true);
    expect(routes.some((r) => r.url === '/assets/app.js')).toBe(true);
    expect(routes.filter((r) => r.rule === undefined).map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('the enumeration catches a route without a rule, and the route is refused even to an admin', async () => {
    expect(server.app.accessTable.filter((r) => r.rule === undefined).map((r) => r.url)).toEqual([
      '/api/2.0/mlflow/unruled',
    ]);
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/unruled',
      headers: { authorization: basic(ADMIN.username, ADMIN.password) },
      payload: {},
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error_code).toBe('PERMISSION_DENIED');
  });

  it('public: health, the explorer files and its history fallback; unknown API paths need credentials', async () => {
    expect((await server.app.inject({ url: '/health' })).statusCode).toBe(200);
    expect((await server.app.inject({ url: '/assets/app.js' })).statusCode).toBe(200);
    expect((await server.app.inject({ url: '/traces/tr-1' })).statusCode).toBe(200);
    const unknown = await server.app.inject({ url: '/api/2.0/mlflow/nothing-here' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error_code).toBe('UNAUTHENTICATED');
    const known = await server.app.inject({
      url: '/api/2.0/mlflow/nothing-here',
      headers: { authorization: basic(ADMIN.username, ADMIN.password) },
    });
    expect(known.statusCode).toBe(404);
  });
});
