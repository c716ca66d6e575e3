import { mkdirSync, rmSync } from 'node:fs';
import { startServer } from '../src/server/main.ts';
import { UsageError } from '../src/server/config.ts';
import { buildIfNeeded } from './build-if-needed.ts';

// `npm run demo -- [--host] [--port] [--backend-store-uri]`: a fresh SQLite file, the explorer,
// and (once the SDK lands) realistic demo traces sent through the real ingestion API.
const args = process.argv.slice(2);
if (!args.includes('--backend-store-uri')) {
  mkdirSync('.demo', { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(`.demo/demo.db${suffix}`, { force: true });
  args.push('--backend-store-uri', 'sqlite:///.demo/demo.db', '--synchronous', 'NORMAL');
}
buildIfNeeded();
try {
  const { url, close } = await startServer(args);
  console.log(`trace-explorer demo listening on ${url}`);
  const stop = () => void close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(error instanceof UsageError ? error.message : error);
  process.exit(error instanceof UsageError ? 2 : 1);
}
