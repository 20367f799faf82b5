#!/usr/bin/env node
// The `twincoach` command. The project runs TypeScript directly through tsx (no build step), so this
// launcher registers tsx's loader and hands over to src/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
