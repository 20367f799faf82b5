import { readFileSync } from 'node:fs';

/** The service version from package.json (read once at start-up by the composition root). */
export function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
