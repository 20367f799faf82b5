import { AppError } from '../../errors.ts';

/**
 * The one error type that leaves the file importers. `code` is stable (callers switch on it, logs group by
 * it); `userMessage` is written for the athlete who uploaded the file and names the problem (which line,
 * which column, which part of the file). Nothing partial is ever returned alongside it.
 */
export const IMPORT_ERROR_CODES = [
  /** The file is neither FIT, an Apple Health export (zip or xml) nor our CSV format. */
  'IMPORT.UNSUPPORTED_FORMAT',
  /** Not a FIT file, or a FIT file whose header, CRC or records are damaged/truncated. */
  'IMPORT.CORRUPT_FIT',
  /** The CSV violates the documented format (see README.md); `details.issues` lists line and column. */
  'IMPORT.INVALID_CSV',
  /** The Apple Health XML is not well-formed (or not an Apple Health export). */
  'IMPORT.INVALID_XML',
  /** The zip archive is damaged, or holds no apple_health_export/export.xml. */
  'IMPORT.INVALID_ZIP',
  /** The file parsed but holds no day with data. */
  'IMPORT.EMPTY',
  /** The file is larger than this importer accepts (only formats read whole into memory: FIT). */
  'IMPORT.TOO_LARGE',
  /** The path does not exist or is not a regular file. */
  'IMPORT.FILE_NOT_FOUND',
  /** Reading the file failed part-way (I/O error, permissions, file removed). */
  'IMPORT.UNREADABLE',
  /** The options passed by the caller are invalid (unknown time zone, impossible heart-rate profile). */
  'IMPORT.INVALID_OPTIONS',
] as const;
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number];

/** One row-level problem (CSV) or one located problem (XML). */
export interface ImportIssue {
  line: number;
  column?: string;
  message: string;
}

/**
 * An AppError (src/errors.ts), so the project's error boundaries show `userMessage` to the user.
 * `message` is `CODE: userMessage` like every AppError; show `userMessage`, not `message`.
 */
export class ImportError extends AppError {
  declare readonly code: ImportErrorCode;
  readonly issues: ImportIssue[];

  constructor(code: ImportErrorCode, userMessage: string, options: { issues?: ImportIssue[]; cause?: unknown } = {}) {
    super(code, userMessage, {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      ...(options.issues?.length ? { details: { issues: options.issues } } : {}),
    });
    this.name = 'ImportError';
    this.issues = options.issues ?? [];
  }
}

export function isImportError(e: unknown, code?: ImportErrorCode): e is ImportError {
  return e instanceof ImportError && (code === undefined || e.code === code);
}
