import { startServer } from '../src/server/main.ts';
import { closeOnSignals } from '../src/server/graceful-shutdown.ts';
import { UsageError } from '../src/server/config.ts';
import { buildIfNeeded } from './build-if-needed.ts';

// `npm start -- [--host] [--port] [--backend-store-uri]`: build the explorer if needed, then serve.
buildIfNeeded();
try {
  const { url, close } = await startServer(process.argv.slice(2), console.log);
  console.log(`trace-explorer listening on ${url}`);
  closeOnSignals(close);
} catch (error) {
  console.error(error instanceof UsageError ? error.message : error);
  process.exit(error instanceof UsageError ? 2 : 1);
}
