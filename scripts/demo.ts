import { mkdirSync, rmSync } from 'node:fs';
import { startServer } from '../src/server/main.ts';
import { closeOnSignals } from '../src/server/graceful-shutdown.ts';
import { UsageError } from '../src/server/config.ts';
import { buildIfNeeded } from './build-if-needed.ts';
import { DemoUsageError, parseDemoArgs } from './demo/demo-args.ts';
import { seedInWorker } from './demo/seed-in-worker.ts';
import { findSeededDemo } from './demo/find-seeded-demo.ts';

// `npm run demo -- [--host] [--port] [--backend-store-uri] [--traces 3000] [--seed 42]`: a fresh SQLite
// file, the explorer, and realistic demo traces sent through the SDK and the real ingestion API. With
// --backend-store-uri (a PostgreSQL URL or a kept SQLite file) nothing is deleted, and a database that
// already holds the demo is served as it is.
try {
  const { serverArgs: args, traces, seed } = parseDemoArgs(process.argv.slice(2));
  if (!args.some((a) => a === '--backend-store-uri' || a.startsWith('--backend-store-uri='))) {
    mkdirSync('.demo', { recursive: true });
    for (const suffix of ['', '-wal', '-shm']) rmSync(`.demo/demo.db${suffix}`, { force: true });
    args.push('--backend-store-uri', 'sqlite:///.demo/demo.db', '--synchronous', 'NORMAL');
  }
  buildIfNeeded();
  const { url, close } = await startServer(args, console.log);
  closeOnSignals(close);
  console.log(`trace-explorer demo listening on ${url}`);
  // The server listens on 0.0.0.0 when asked to; the seeder still talks to it over loopback.
  const trackingUri = url.replace('//0.0.0.0', '//127.0.0.1').replace('//[::]', '//127.0.0.1');
  const seeded = traces > 0 ? await findSeededDemo(trackingUri) : undefined;
  if (seeded !== undefined) {
    console.log(`The demo experiment is already seeded in this database; not seeding again.`);
    console.log(`Open ${url}/traces?experiment=${seeded}`);
  } else if (traces > 0) {
    process.stdout.write(`Seeding ${traces} demo traces (seed ${seed})…`);
    const result = await seedInWorker({
      trackingUri,
      traces,
      seed,
      onProgress: (done, total) => process.stdout.write(`\rSeeding demo traces… ${done}/${total}`),
    });
    const { summary } = result;
    console.log(
      `\rSeeded ${summary.traces} traces (${summary.spans} spans, ${summary.sessions} sessions, ${summary.users} users, ${summary.feedback} feedback) in ${result.seconds} s.`,
    );
    for (const [version, v] of Object.entries(summary.byVersion)) {
      console.log(
        `  app_version ${version}: ${v.traces} traces, ${(v.errorRate * 100).toFixed(1)}% errors, p50 ${v.p50Ms} ms, ${(v.feedbackDownRate * 100).toFixed(0)}% thumbs down`,
      );
    }
    if (result.failedTraces > 0)
      console.warn(`  ${result.failedTraces} traces failed to export; see the warnings above.`);
    if (result.failedAssessments > 0) console.warn(`  ${result.failedAssessments} feedback/expectation calls failed.`);
    console.log(`Open ${url}/traces?experiment=${result.experimentId}`);
  }
} catch (error) {
  const usage = error instanceof UsageError || error instanceof DemoUsageError;
  console.error(usage ? (error as Error).message : error);
  process.exit(usage ? 2 : 1);
}
