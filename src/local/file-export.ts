/**
 * Local mode's /privacy export: the person at the terminal is the operator, so the export is written to a
 * file under DATA_DIR/exports (one JSON file per export, readable only by the owner) and the reply names
 * the path. Connected services need a download link instead (no publisher is wired there yet: the reply
 * then says so and lists what is stored).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExportPublisher } from '../../commands/types.ts';
import type { DataExport } from '../core/privacy.use-case.ts';

export class FileExportPublisher implements ExportPublisher {
  constructor(private readonly dir: string) {}

  async publish(personId: string, data: DataExport): Promise<{ file: string }> {
    await mkdir(this.dir, { recursive: true });
    const stamp = data.exportedAt.replace(/[:.]/g, '-');
    const file = path.join(this.dir, `${personId.replace(/[^A-Za-z0-9_-]+/g, '_')}-${stamp}.json`);
    await writeFile(file, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    return { file };
  }
}
