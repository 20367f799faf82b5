/**
 * The database layer's error codes (connecting, starting the embedded FerretDB, the shared rate limit), registered with
 * src/errors.ts like every layer's table.
 */
export const DB_ERROR_CODES = {
  'DB.UNREACHABLE': 'MONGODB_URI given but no server answered (or it refused our credentials).',
  'DB.GO_MISSING': 'The embedded FerretDB is not built and no Go toolchain is there to build it.',
  'DB.FERRETDB_BUILD_FAILED': 'Building the embedded FerretDB failed.',
  'DB.EMBEDDED_START_TIMEOUT': 'The embedded FerretDB did not start in time.',
  'DB.EMBEDDED_START_FAILED': 'The embedded FerretDB could not be started.',
  'RATE.BUSY': 'The shared (database-backed) rate limit had no free slot within the longest wait.',
} as const;

export type DbErrorCode = keyof typeof DB_ERROR_CODES;

declare module '../errors.ts' {
  interface AppErrorCodes extends Record<DbErrorCode, true> {}
}
