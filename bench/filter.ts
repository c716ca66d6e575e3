// Filter language micro-benchmark: parse + validate + compile per typical filter, and an
// adversarial 100k-character input. Run standalone with `npx tsx bench/filter.ts`.
import { pathToFileURL } from 'node:url';
import { checkFilter } from '../src/core/filter/check-filter.ts';
import { parseFilter } from '../src/core/filter/parse-filter.ts';
import { compileFilter } from '../src/server/storage/sql/compile-filter.ts';
import { sqliteDialect } from '../src/server/storage/sql/sql-dialect.ts';

const TYPICAL = [
  "status = 'ERROR'",
  "metadata.`mlflow.trace.session` = 'abc-123'",
  "tag.env = 'prod' AND timestamp_ms > 1700000000000",
  "name LIKE 'chat%' AND execution_time_ms >= 500",
  "span.type = 'LLM' AND span.status = 'ERROR'",
  "span.attributes.`gen_ai.request.model` = 'gpt-4o' AND tag.env != 'dev'",
  "feedback.relevance = 'yes' AND expectation.answer IS NOT NULL",
  "trace.text ILIKE '%refund%' AND run_id = 'r-42'",
  "(tag.env = 'prod' OR tag.env = 'staging') AND NOT status = 'OK'",
  "metadata.`mlflow.trace.user` IN ('alice', 'bob', 'carol') AND status RLIKE '^ERR' AND prompt = 'qa/3'",
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeOne(filter: string, batches: number, perBatch: number): number {
  const samples: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < perBatch; i++) {
      const r = checkFilter(filter, 'extended');
      if (!r.ok) throw new Error(`bench filter rejected: ${filter}: ${r.diagnostic.message}`);
      compileFilter(r.expr, { dialect: sqliteDialect });
    }
    samples.push(((performance.now() - t0) * 1000) / perBatch);
  }
  return median(samples);
}

function adversarial(): { name: string; text: string }[] {
  const unit = "tag.a = 'x' AND ";
  return [
    { name: '100k chars of clauses', text: unit.repeat(Math.ceil(100_000 / unit.length)).slice(0, 100_000) },
    { name: '100k open parentheses', text: '('.repeat(100_000) },
    { name: '100k chars, no quotes closed', text: `tag.a = '${'x'.repeat(99_990)}` },
    {
      name: '8,000 chars of nested parentheses (under the size limit)',
      text: `${'('.repeat(4000)}${')'.repeat(4000)}`,
    },
    { name: '8,000 chars of NOT (under the size limit)', text: `${'NOT '.repeat(1990)}status = 'OK'` },
    { name: '8,000 chars of junk (under the size limit)', text: '=,)('.repeat(2000) },
  ];
}

export async function runFilterBench(): Promise<string> {
  // Warm up the JIT so the first filter is not penalised.
  for (const f of TYPICAL) timeOne(f, 10, 500);
  const lines = [
    '## Filter language',
    '',
    '| filter | parse + validate + compile, median µs | goal |',
    '|---|---:|---:|',
  ];
  for (const f of TYPICAL) lines.push(`| \`${f.replace(/\|/g, '\\|')}\` | ${timeOne(f, 15, 400).toFixed(1)} | ≤ 50 |`);
  lines.push(
    '',
    '| adversarial input | chars | parse + check, median ms | first error | goal |',
    '|---|---:|---:|---|---:|',
  );
  for (const a of adversarial()) {
    const samples: number[] = [];
    let code = '';
    // The first runs measure the JIT, not the parser: warm up, then take the median.
    for (let i = 0; i < 10; i++) checkFilter(a.text, 'extended');
    for (let i = 0; i < 9; i++) {
      const t0 = performance.now();
      const r = parseFilter(a.text);
      checkFilter(a.text, 'extended');
      samples.push(performance.now() - t0);
      code = r.diagnostics.find((d) => d.severity === 'error')?.code ?? 'none';
    }
    lines.push(`| ${a.name} | ${a.text.length} | ${median(samples).toFixed(2)} | ${code} | ≤ 50 |`);
  }
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await runFilterBench());
}
