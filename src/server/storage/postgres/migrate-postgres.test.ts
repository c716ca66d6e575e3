import type { Pool } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATION_LOCK_KEY, MigrationError, migratePostgres } from './migrate-postgres.ts';
import { createPostgresPool } from './postgres-pool.ts';
import { INDEXED_PREFIX_CHARS, POSTGRES_MIGRATIONS } from './postgres-migrations.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/** Every version the schema has (other features append theirs), and the last. */
const ALL = POSTGRES_MIGRATIONS.map((m) => m.version);
const LAST = Math.max(...ALL);
const NEXT = LAST + 1;

// Against the run's real PostgreSQL (scripts/postgres-global-setup.ts); a fresh database per test.
const open: { pools: Pool[]; dbs: TestDatabase[] } = { pools: [], dbs: [] };

async function freshDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  open.dbs.push(db);
  return db;
}

function pool(db: TestDatabase, size = 2): Pool {
  const p = createPostgresPool(db.uri, { size, statementTimeoutMs: 30_000 });
  open.pools.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(open.pools.splice(0).map((p) => p.end()));
  await Promise.all(open.dbs.splice(0).map((d) => d.drop()));
});

/** Tables, columns, indexes and extensions: what two runs must agree on. */
async function schemaOf(p: Pool): Promise<string[]> {
  const { rows } = await p.query<{ item: string }>(`
    SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || coalesce(collation_name, '') AS item
      FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT 'extension ' || extname FROM pg_extension
    ORDER BY 1`);
  return rows.map((r) => r.item);
}

describe('migratePostgres', () => {
  it('creates the schema in an empty database, as a role that is not a superuser', async () => {
    const p = pool(await freshDatabase());
    const { rows: role } = await p.query<{ rolsuper: boolean }>(
      'SELECT rolsuper FROM pg_roles WHERE rolname = current_user',
    );
    expect(role[0].rolsuper).toBe(false);

    expect(await migratePostgres(p)).toEqual({ applied: ALL, version: LAST });
    const schema = await schemaOf(p);
    for (const table of [
      'experiments',
      'traces',
      'trace_tags',
      'trace_metadata',
      'spans',
      'assessments',
      'trace_run_links',
    ])
      expect(schema.some((s) => s.startsWith(`column ${table}.`))).toBe(true);
    expect(schema).toContain('extension pg_trgm');
    expect(schema).toContain('column traces.trace_id text C');
    const indexes = schema.filter((s) => s.startsWith('index ')).join('\n');
    expect(indexes).toMatch(
      /traces_by_time ON public\.traces USING btree \(experiment_id, timestamp_ms DESC, trace_id\) INCLUDE \(trace_key\)/,
    );
    expect(indexes).toMatch(
      /trace_tags_by_value ON public\.trace_tags USING btree \(key, "left"\(value, 250\), trace_key\)/,
    );
    // Every left(…) in an index uses the prefix length that queries must repeat to reach it.
    const prefixes = [...indexes.matchAll(/"left"\((\w+), (\d+)\)/g)].map((m) => Number(m[2]));
    expect(prefixes.length).toBeGreaterThanOrEqual(5);
    expect(new Set(prefixes)).toEqual(new Set([INDEXED_PREFIX_CHARS]));
    expect(indexes).toMatch(/spans_content_trgm ON public\.spans USING gin \(content gin_trgm_ops\)/);
    expect(indexes).toMatch(/assessments_by_name .* WHERE valid/);
    const { rows } = await p.query('SELECT version, name FROM schema_migrations');
    expect(rows).toEqual(POSTGRES_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
  });

  it('is a no-op when run again', async () => {
    const p = pool(await freshDatabase());
    await migratePostgres(p);
    const before = await schemaOf(p);
    expect(await migratePostgres(p)).toEqual({ applied: [], version: LAST });
    expect(await schemaOf(p)).toEqual(before);
    const { rows } = await p.query('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0].n).toBe(ALL.length);
  });

  it('applies the schema exactly once when eight replicas start at the same moment', async () => {
    const db = await freshDatabase();
    const replicas = Array.from({ length: 8 }, () => pool(db, 1));
    const results = await Promise.allSettled(replicas.map((p) => migratePostgres(p)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill('fulfilled'));
    const applied = results.map((r) => (r.status === 'fulfilled' ? r.value.applied : null));
    expect(applied.filter((a) => a !== null && a.length > 0)).toEqual([ALL]);
    expect(applied.filter((a) => a?.length === 0)).toHaveLength(7);
    const { rows } = await replicas[0].query('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows).toEqual(ALL.map((version) => ({ version })));
  });

  it('waits for the migration lock, and says so when another holder keeps it too long', async () => {
    const db = await freshDatabase();
    const holder = await pool(db).connect();
    await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const error = await migratePostgres(pool(db), { lockWaitMs: 300 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toMatch(/schema migration lock .*Another server has been migrating/);
      // Nothing ran while the lock was held elsewhere.
      const { rows } = await holder.query(`SELECT to_regclass('schema_migrations') AS t`);
      expect(rows[0].t).toBeNull();
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      holder.release();
    }
    expect((await migratePostgres(pool(db))).applied).toEqual(ALL);
  });

  it('rolls a failing version back whole, names it, and applies it on the next start once fixed', async () => {
    const p = pool(await freshDatabase());
    const broken = [
      ...POSTGRES_MIGRATIONS,
      { version: NEXT, name: 'half-done', sql: 'CREATE TABLE made_first (x int); SELECT * FROM no_such_table;' },
    ];
    const error = await migratePostgres(p, { migrations: broken }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(
      new RegExp(`migration ${NEXT} \\(half-done\\) failed: relation "no_such_table" does not exist`),
    );
    const { rows } = await p.query(
      `SELECT to_regclass('made_first') AS t, array_agg(version ORDER BY version) AS v FROM schema_migrations`,
    );
    expect(rows[0]).toEqual({ t: null, v: ALL });

    const fixed = [...POSTGRES_MIGRATIONS, { version: NEXT, name: 'fixed', sql: 'CREATE TABLE made_first (x int);' }];
    expect(await migratePostgres(p, { migrations: fixed })).toEqual({ applied: [NEXT], version: NEXT });
  });

  it('accepts values no B-tree entry could hold, and reaches the value and trigram indexes', async () => {
    const p = pool(await freshDatabase());
    await migratePostgres(p);
    await p.query(`INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time)
                   VALUES (0, 'Default', 'mlflow-artifacts:/0', 0, 0)`);
    const { rows } = await p.query<{ trace_key: string }>(
      `INSERT INTO traces (trace_id, experiment_id, timestamp_ms, state) VALUES ('tr-1', 0, 1, 'OK') RETURNING trace_key`,
    );
    // 8,000 random characters (MLflow's tag value limit) do not compress below a B-tree entry's 2,704 bytes.
    const long = Array.from({ length: 8000 }, () => String.fromCharCode(33 + Math.floor(Math.random() * 90))).join('');
    await p.query('INSERT INTO trace_tags (trace_key, key, value) VALUES ($1, $2, $3)', [rows[0].trace_key, 'k', long]);
    await p.query(
      `INSERT INTO spans (trace_key, span_id, experiment_id, name, status, start_time_ns, content)
       VALUES ($1, 's1', 0, $2, 'OK', 1, $3)`,
      [rows[0].trace_key, long, `{"name":"x","attributes":{"q":"${'lorem '.repeat(500)}"}}`],
    );

    const client = await p.connect();
    try {
      // Force index paths so the test shows the indexes can serve these predicates (not that the planner prefers them on 1 row).
      await client.query('SET enable_seqscan = off');
      const plan = async (sql: string, params: unknown[]) =>
        (await client.query(`EXPLAIN ${sql}`, params)).rows
          .map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN'])
          .join('\n');
      const byValue =
        'SELECT trace_key FROM trace_tags WHERE key = $1 AND left(value, 250) = left($2, 250) AND value = $2';
      expect(await plan(byValue, ['k', long])).toMatch(/trace_tags_by_value/);
      expect((await client.query(byValue, ['k', long])).rowCount).toBe(1);
      const text = 'SELECT trace_key FROM spans WHERE content ILIKE $1';
      expect(await plan(text, ['%LOREM LOREM%'])).toMatch(/spans_content_trgm/);
      expect((await client.query(text, ['%LOREM LOREM%'])).rowCount).toBe(1);
    } finally {
      client.release();
    }
  });
});
