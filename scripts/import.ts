// `npm run import -- --url http://localhost:5000 --experiment <id> [--token <secret>] file.jsonl`
// Sends a JSONL export (one trace per line, as the export endpoint writes it) to a trace-explorer
// server's import endpoint in parts of at most PART_BYTES, cut at line ends, so each request
// arrives well within the server's body timeout and the file is never read whole.
// A token can also come from TRACE_EXPLORER_TOKEN (sent as a Bearer token).
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { EXTENSION_PREFIX } from '../src/core/model.ts';

const PART_BYTES = 4 * 1024 * 1024;

interface PartResult {
  imported: number;
  failed: number;
  errors: { line: number; message: string }[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { url: { type: 'string' }, experiment: { type: 'string' }, token: { type: 'string' } },
});
if (!values.url || !values.experiment || positionals.length !== 1) {
  console.error(
    'usage: npm run import -- --url <server url> --experiment <experiment id> [--token <secret>] <file.jsonl>',
  );
  process.exit(2);
}
const token = values.token ?? process.env.TRACE_EXPLORER_TOKEN;
const endpoint = `${values.url.replace(/\/$/, '')}/api${EXTENSION_PREFIX}/import?experiment_id=${encodeURIComponent(values.experiment)}`;

let imported = 0;
let failed = 0;
let linesBefore = 0;

async function send(part: Buffer[], lines: number): Promise<void> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-ndjson', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: Buffer.concat(part),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`import refused (${response.status}): ${text.slice(0, 500)}`);
  const result = JSON.parse(text) as PartResult;
  imported += result.imported;
  failed += result.failed;
  for (const e of result.errors) console.error(`line ${linesBefore + e.line}: ${e.message}`);
  linesBefore += lines;
  process.stderr.write(`\r${imported} imported, ${failed} failed`);
}

let part: Buffer[] = [];
let partBytes = 0;
let partLines = 0;
let carry = Buffer.alloc(0);
for await (const chunk of createReadStream(positionals[0])) {
  let data = Buffer.concat([carry, chunk as Buffer]);
  const end = data.lastIndexOf(10);
  if (end < 0) {
    carry = data;
    continue;
  }
  carry = Buffer.from(data.subarray(end + 1));
  data = data.subarray(0, end + 1);
  // Cut the complete lines into parts of at most PART_BYTES (a longer line goes alone).
  let start = 0;
  while (start < data.length) {
    const cut = data.indexOf(10, start) + 1;
    const line = data.subarray(start, cut);
    if (partBytes > 0 && partBytes + line.length > PART_BYTES) {
      await send(part, partLines);
      part = [];
      partBytes = 0;
      partLines = 0;
    }
    part.push(Buffer.from(line));
    partBytes += line.length;
    partLines++;
    start = cut;
  }
}
if (carry.length > 0) {
  part.push(carry);
  partLines++;
}
if (partBytes > 0 || carry.length > 0) await send(part, partLines);
process.stderr.write('\n');
console.log(`${imported} traces imported, ${failed} lines failed`);
process.exit(failed > 0 ? 1 : 0);
