/** Public API of the file importers (FIT, Apple Health export, CSV). See README.md. */
export { importFile, detectFormat } from './import-file.ts';
export { formatSummary } from './summary.ts';
export { ImportError, isImportError, IMPORT_ERROR_CODES, type ImportErrorCode, type ImportIssue } from './import-error.ts';
export type { ImportFormat, ImportOptions, ImportResult, ImportSummary } from './types.ts';
export type { HrProfile } from './load.ts';
export { CSV_COLUMNS, type CsvColumn } from './csv.importer.ts';
