// Builds the server benchmark's data set in PostgreSQL: the same deterministic traces as the SQLite
// database of bench/server.ts (syntheticTrace: 10 tags/metadata and 5 spans each, 5% with feedback),
// loaded through the PostgreSQL schema (src/server/storage/postgres/postgres-migrations.ts), so issue 13's
// figures can be measured side by side once the PostgreSQL store exists.
//
//   npx tsx bench/postgres-bench-db.ts --url postgresql://u:p@host/db [--traces 1000000]
//   npx tsx bench/postgres-bench-db.ts --traces 20000      (a throwaway cluster: scripts/postgres-cluster.ts)
//
// Fast path, not the API path: secondary indexes are dropped, rows go in as one INSERT … SELECT FROM
// json_to_recordset($1) per table and chunk (one round trip per 5,000 traces and table, and no COPY
// dependency: pg-copy-streams is not installed), then the indexes are rebuilt from their own definitions, and VACUUM ANALYZE leaves
// statistics and the visibility map as a long-running database would have them.
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Pool, PoolClient } from 'pg';
import { migratePostgres } from '../src/server/storage/postgres/migrate-postgres.ts';
import { createPostgresPool } from '../src/server/storage/postgres/postgres-pool.ts';
import { parsePostgresUri } from '../src/server/storage/postgres/postgres-uri.ts';
import type { BulkTrace } from '../src/server/storage/sqlite-trace-store.ts';
import { syntheticTrace } from './server.ts';

const CHUNK = 5_000;

export interface PostgresBenchDatabase {
  experimentId: string;
  loadSeconds: number;
  indexSeconds: number;
  analyzeSeconds: number;
  /** Tables and their indexes (TOAST included) divided by the trace count. */
  bytesPerTrace: number;
  /** Per table: total bytes (heap + indexes + TOAST) and index bytes. */
  sizes: { table: string; totalBytes: number; indexBytes: number }[];
  /** Per index, largest first. */
  indexSizes: { index: string; bytes: number }[];
}

/**
 * `INSERT … SELECT FROM json_to_recordset($1)`: one statement per table and chunk. JSON, not arrays: pg
 * serialises a text[] parameter element by element (≈ 4× slower than JSON.stringify for span contents
 * here), and PostgreSQL's JSON parser outruns its array-literal parser.
 */
async function insertRows(
  client: PoolClient,
  table: string,
  columns: Record<string, string>,
  rows: object[],
): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(columns).join(', ');
  const types = Object.entries(columns)
    .map(([name, type]) => `${name} ${type}`)
    .join(', ');
  await client.query(
    `INSERT INTO ${table} (${names}) SELECT ${names} FROM json_to_recordset($1::json) AS x(${types})`,
    [JSON.stringify(rows)],
  );
}

/** Inserts complete traces (and their children) in one transaction: five statements however many traces. */
export async function bulkLoadPostgres(client: PoolClient, traces: BulkTrace[]): Promise<void> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ trace_key: string; trace_id: string }>(
      `INSERT INTO traces (trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state, request_preview, response_preview)
       SELECT trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state, request_preview, response_preview
         FROM json_to_recordset($1::json) AS x(trace_id text, experiment_id bigint, client_request_id text, timestamp_ms bigint,
                                               execution_time_ms bigint, state text, request_preview text, response_preview text)
       RETURNING trace_key, trace_id`,
      [
        JSON.stringify(
          traces.map((t) => ({
            trace_id: t.traceId,
            experiment_id: t.experimentId,
            client_request_id: t.clientRequestId ?? null,
            timestamp_ms: t.timestampMs,
            execution_time_ms: t.executionTimeMs,
            state: t.state,
            request_preview: t.requestPreview ?? null,
            response_preview: t.responsePreview ?? null,
          })),
        ),
      ],
    );
    const keyOf = new Map(rows.map((r) => [r.trace_id, r.trace_key]));
    const key = (traceId: string) => keyOf.get(traceId) ?? '';
    const keyValue = { trace_key: 'bigint', key: 'text', value: 'text' };
    for (const [table, pick] of [
      ['trace_tags', (t: BulkTrace) => t.tags],
      ['trace_metadata', (t: BulkTrace) => t.metadata],
    ] as const)
      await insertRows(
        client,
        table,
        keyValue,
        traces.flatMap((t) =>
          Object.entries(pick(t)).map(([k, value]) => ({ trace_key: key(t.traceId), key: k, value })),
        ),
      );
    await insertRows(
      client,
      'spans',
      {
        trace_key: 'bigint',
        span_id: 'text',
        experiment_id: 'bigint',
        parent_span_id: 'text',
        name: 'text',
        type: 'text',
        status: 'text',
        start_time_ns: 'bigint',
        end_time_ns: 'bigint',
        content: 'text',
      },
      traces.flatMap((t) =>
        t.spans.map((s) => ({
          trace_key: key(t.traceId),
          span_id: s.spanId,
          experiment_id: t.experimentId,
          parent_span_id: s.parentSpanId,
          name: s.name,
          type: s.type,
          status: s.status,
          // Nanoseconds exceed 2^53: as strings, which json_to_recordset reads into bigint exactly.
          start_time_ns: s.startTimeNs.toString(),
          end_time_ns: s.endTimeNs === null ? null : s.endTimeNs.toString(),
          content: s.content,
        })),
      ),
    );
    await insertRows(
      client,
      'assessments',
      {
        assessment_id: 'text',
        trace_key: 'bigint',
        experiment_id: 'bigint',
        name: 'text',
        type: 'text',
        value: 'text',
        source_type: 'text',
        source_id: 'text',
        create_time: 'bigint',
        last_update_time: 'bigint',
      },
      traces.flatMap((t) =>
        (t.assessments ?? []).map((a) => ({
          assessment_id: `a-${randomBytes(16).toString('hex')}`,
          trace_key: key(t.traceId),
          experiment_id: t.experimentId,
          name: a.name,
          type: a.type,
          value: a.valueJson,
          source_type: a.sourceType,
          source_id: a.sourceId ?? null,
          create_time: a.createTimeMs ?? t.timestampMs,
          last_update_time: a.lastUpdateTimeMs ?? t.timestampMs,
        })),
      ),
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Secondary indexes of our tables (not the ones behind PRIMARY KEY / UNIQUE constraints), with their DDL. */
async function secondaryIndexes(pool: Pool): Promise<{ name: string; definition: string }[]> {
  const { rows } = await pool.query<{ name: string; definition: string }>(`
    SELECT i.indexname AS name, i.indexdef AS definition
      FROM pg_indexes i
     WHERE i.schemaname = current_schema()
       AND i.tablename IN ('traces', 'trace_tags', 'trace_metadata', 'spans', 'assessments', 'trace_run_links', 'trace_prompt_links')
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`);
  return rows;
}

async function tableSizes(pool: Pool): Promise<PostgresBenchDatabase['sizes']> {
  const { rows } = await pool.query<{ table: string; total: string; indexes: string }>(`
    SELECT c.relname AS table, pg_total_relation_size(c.oid) AS total, pg_indexes_size(c.oid) AS indexes
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY 2 DESC`);
  return rows.map((r) => ({ table: r.table, totalBytes: Number(r.total), indexBytes: Number(r.indexes) }));
}

/** Loads `n` synthetic traces into an empty (or freshly migrated) database at `url`. */
export async function buildPostgresBenchDatabase(
  url: string,
  n: number,
  log: (line: string) => void = (line) => console.error(line),
): Promise<PostgresBenchDatabase> {
  const pool = createPostgresPool(parsePostgresUri(url), { size: 3, statementTimeoutMs: 0 });
  try {
    await migratePostgres(pool);
    const { rows: existing } = await pool.query('SELECT 1 FROM traces LIMIT 1');
    if (existing.length > 0) throw new Error('The bench database must be empty: it already holds traces.');
    const now = Date.now();
    await pool.query(
      `INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time)
       VALUES (0, 'Default', 'mlflow-artifacts:/0', $1, $1) ON CONFLICT DO NOTHING`,
      [now],
    );
    const { rows } = await pool.query<{ experiment_id: string }>(
      `INSERT INTO experiments (name, artifact_location, creation_time, last_update_time)
       VALUES ('bench', '', $1, $1) RETURNING experiment_id`,
      [now],
    );
    const experimentId = rows[0].experiment_id;
    await pool.query(
      `UPDATE experiments SET artifact_location = 'mlflow-artifacts:/' || experiment_id WHERE experiment_id = $1`,
      [experimentId],
    );

    const indexes = await secondaryIndexes(pool);
    for (const index of indexes) await pool.query(`DROP INDEX ${index.name}`);

    const t0 = performance.now();
    // Two chunks in flight: Node builds the next while PostgreSQL writes the previous.
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < n; i += CHUNK) {
      const batch: BulkTrace[] = [];
      for (let j = i; j < Math.min(n, i + CHUNK); j++) batch.push(syntheticTrace(j, n, experimentId));
      const job = (async () => {
        const client = await pool.connect();
        try {
          await bulkLoadPostgres(client, batch);
        } finally {
          client.release();
        }
      })();
      inFlight.add(job);
      void job.finally(() => inFlight.delete(job));
      if (inFlight.size >= 2) await Promise.race(inFlight);
      if ((i / CHUNK) % 20 === 0)
        log(`loaded ${i + batch.length} traces (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    await Promise.all(inFlight);
    const loadSeconds = (performance.now() - t0) / 1000;

    const i0 = performance.now();
    // Each index builds on its own connection with a large sort budget; two at a time on this 2-core machine.
    const queue = [...indexes];
    await Promise.all(
      [0, 1].map(async () => {
        const client = await pool.connect();
        try {
          await client.query(`SET maintenance_work_mem = '512MB'`);
          for (let index = queue.shift(); index; index = queue.shift()) await client.query(index.definition);
        } finally {
          client.release();
        }
      }),
    );
    const indexSeconds = (performance.now() - i0) / 1000;

    const a0 = performance.now();
    await pool.query('VACUUM ANALYZE');
    const analyzeSeconds = (performance.now() - a0) / 1000;

    const sizes = await tableSizes(pool);
    const { rows: indexRows } = await pool.query<{ index: string; bytes: string }>(`
      SELECT c.relname AS index, pg_relation_size(c.oid) AS bytes FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind = 'i' ORDER BY 2 DESC`);
    const indexSizes = indexRows.map((r) => ({ index: r.index, bytes: Number(r.bytes) }));
    const bytesPerTrace = Math.round(sizes.reduce((sum, s) => sum + s.totalBytes, 0) / Math.max(1, n));
    log(
      `${n} traces: load ${loadSeconds.toFixed(1)} s, indexes ${indexSeconds.toFixed(1)} s, VACUUM ANALYZE ${analyzeSeconds.toFixed(1)} s, ${bytesPerTrace} bytes/trace`,
    );
    return { experimentId, loadSeconds, indexSeconds, analyzeSeconds, bytesPerTrace, sizes, indexSizes };
  } finally {
    await pool.end();
  }
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const args = process.argv.slice(2);
  const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const n = Number(flag('--traces') ?? 1_000_000);
  let url = flag('--url');
  const { startPostgresCluster } = await import('../scripts/postgres-cluster.ts');
  const cluster = url ? undefined : await startPostgresCluster();
  url ??= cluster?.url ?? '';
  try {
    const built = await buildPostgresBenchDatabase(url, n);
    const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
    const tables = built.sizes.map((s) => `| ${s.table} | ${mib(s.totalBytes)} | ${mib(s.indexBytes)} |`);
    const indexes = built.indexSizes.map((s) => `| ${s.index} | ${Math.round(s.bytes / n)} |`);
    console.log(
      [
        '| table | total | of which indexes |',
        '|---|---|---|',
        ...tables,
        '',
        '| index | bytes per trace |',
        '|---|---|',
        ...indexes,
        '',
        `${n.toLocaleString('en-US')} traces: ${built.bytesPerTrace} bytes per trace including indexes; load ` +
          `${built.loadSeconds.toFixed(1)} s, index build ${built.indexSeconds.toFixed(1)} s, VACUUM ANALYZE ` +
          `${built.analyzeSeconds.toFixed(1)} s (experiment ${built.experimentId})`,
      ].join('\n'),
    );
  } finally {
    await cluster?.stop();
  }
}
