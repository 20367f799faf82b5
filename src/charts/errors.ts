/** The chart renderer's error codes, registered with src/errors.ts like every layer's table. */
export const CHART_ERROR_CODES = {
  'CHART.INVALID_INPUT': 'Chart data of the wrong shape (series and days of different lengths, a bad date, no athletes).',
  'CHART.NOT_PNG': 'The rendered chart is not a PNG.',
} as const;

export type ChartErrorCode = keyof typeof CHART_ERROR_CODES;

declare module '../errors.ts' {
  interface AppErrorCodes extends Record<ChartErrorCode, true> {}
}
