/**
 * The one entry point for file imports: importFile(path, { timezone }) → { days, summary }, or an
 * ImportError with a stable code. All or nothing: the whole file is parsed and validated before anything
 * is returned, so the caller (CLI `twincoach import`, later a chat upload) writes only after success.
 *
 * Format: options.format if given; else the extension (.fit, .zip, .xml, .csv); else the first bytes
 * (FIT header signature, zip "PK\x03\x04", XML "<", otherwise a CSV whose header names a date column).
 * Within 'apple_health', zip and bare xml are told apart by the first bytes.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { MetricSource } from '../../core/metrics.ts';
import { parseAppleHealthXml, parseAppleHealthZip } from './apple-health.importer.ts';
import { parseCsv } from './csv.importer.ts';
import { MAX_FIT_BYTES, parseFit } from './fit.importer.ts';
import { ImportError } from './import-error.ts';
import { LocalCalendar } from './local-calendar.ts';
import { resolveHrProfile } from './load.ts';
import { summarize } from './summary.ts';
import type { ImportFormat, ImportOptions, ImportResult, ParsedFile } from './types.ts';

const SNIFF_BYTES = 512;
const EXTENSIONS: Readonly<Record<string, ImportFormat>> = { '.fit': 'fit', '.zip': 'apple_health', '.xml': 'apple_health', '.csv': 'csv' };
const SOURCES: Readonly<Record<ImportFormat, MetricSource>> = { fit: 'fit', apple_health: 'apple_health', csv: 'csv' };
const FORMATS: readonly ImportFormat[] = ['fit', 'apple_health', 'csv'];

const isZip = (b: Uint8Array): boolean => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6);
const isFitHeader = (b: Uint8Array): boolean =>
  b.length >= 12 && (b[0] === 12 || b[0] === 14) && String.fromCharCode(b[8]!, b[9]!, b[10]!, b[11]!) === '.FIT';

function textStart(b: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(b).replace(/^\uFEFF/, '').trimStart();
}

/** Which importer a file goes to, from the extension or, failing that, its first bytes. */
export function detectFormat(path: string, head: Uint8Array): ImportFormat | undefined {
  const byExtension = EXTENSIONS[extname(path).toLowerCase()];
  if (byExtension) return byExtension;
  if (isFitHeader(head)) return 'fit';
  if (isZip(head)) return 'apple_health';
  const text = textStart(head);
  if (text.startsWith('<')) return 'apple_health';
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (/^"?date"?\s*(,|$)/i.test(firstLine) || /,\s*"?date"?\s*(,|$)/i.test(firstLine)) return 'csv';
  return undefined;
}

async function readHead(path: string): Promise<{ head: Uint8Array; size: number }> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ImportError('IMPORT.FILE_NOT_FOUND', `${path} is not a file.`);
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(Math.min(SNIFF_BYTES, info.size));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      return { head: buf.subarray(0, bytesRead), size: info.size };
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (isSystemError(e) && e.code === 'ENOENT') {
      throw new ImportError('IMPORT.FILE_NOT_FOUND', `The file ${path} does not exist.`, { cause: e });
    }
    if (isSystemError(e)) throw new ImportError('IMPORT.UNREADABLE', `The file ${path} cannot be read (${e.code}).`, { cause: e });
    throw e;
  }
}

export async function importFile(path: string, options: ImportOptions): Promise<ImportResult> {
  const calendar = new LocalCalendar(options?.timezone);
  const hr = resolveHrProfile(options.hr);
  if (options.format !== undefined && !FORMATS.includes(options.format)) {
    throw new ImportError('IMPORT.INVALID_OPTIONS', `Unknown format '${String(options.format)}' (use one of ${FORMATS.join(', ')}).`);
  }
  const { head, size } = await readHead(path);
  if (size === 0) throw new ImportError('IMPORT.EMPTY', 'The file is empty.');

  const format = options.format ?? detectFormat(path, head);
  if (!format) {
    throw new ImportError(
      'IMPORT.UNSUPPORTED_FORMAT',
      'This file is not a format we can import. Send a .fit file, an Apple Health export.zip / export.xml, or a CSV in the documented format.',
    );
  }

  let parsed: ParsedFile;
  try {
    if (format === 'fit') {
      if (size > MAX_FIT_BYTES) {
        throw new ImportError('IMPORT.TOO_LARGE', `This FIT file is ${Math.round(size / 1e6)} MB; the limit is ${MAX_FIT_BYTES / 1024 / 1024} MB.`);
      }
      parsed = parseFit(await readFile(path), { calendar, hr });
    } else if (format === 'apple_health') {
      if (isZip(head)) {
        parsed = await parseAppleHealthZip(path, calendar, hr);
      } else if (textStart(head).startsWith('<')) {
        parsed = await parseAppleHealthXml(path, calendar, hr);
      } else {
        throw new ImportError(
          'IMPORT.UNSUPPORTED_FORMAT',
          'This is not an Apple Health export: expected the export.zip or the export.xml inside it.',
        );
      }
    } else {
      parsed = await parseCsv(path, { calendar, hr });
    }
  } catch (e) {
    // File-system failures mid-read (EIO, EACCES, the file vanished) are the user's to retry; anything
    // else is a bug on our side and propagates as is.
    if (isSystemError(e)) {
      throw new ImportError('IMPORT.UNREADABLE', `The file could not be read to the end (${e.code}). Try again.`, { cause: e });
    }
    throw e;
  }

  if (parsed.days.length === 0) {
    throw new ImportError('IMPORT.EMPTY', EMPTY_MESSAGES[format]);
  }
  return { days: parsed.days, summary: summarize(format, SOURCES[format], parsed.days, parsed.warnings) };
}

const EMPTY_MESSAGES: Record<ImportFormat, string> = {
  fit: 'The FIT file holds no workout (session) and no daily metrics (HRV, resting HR, sleep). Is it a course or settings file?',
  apple_health: 'The Apple Health export holds no resting heart rate, HRV, sleep or workouts.',
  csv: 'The CSV file holds no values.',
};

function isSystemError(e: unknown): e is Error & { code: string } {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' && /^E[A-Z]+$/.test(code);
}
