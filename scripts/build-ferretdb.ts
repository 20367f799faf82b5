// Builds (once) the embedded FerretDB binary into .cache/ferretdb. Used by .ci/run so the first
// integration test does not pay for the build; `npm start` builds it on demand too.
import path from 'node:path';
import { ensureFerretdbBinary } from '../src/db/ferretdb.ts';

const started = Date.now();
try {
  const binary = await ensureFerretdbBinary(path.resolve('.cache'));
  console.log(`FerretDB ready: ${binary} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
