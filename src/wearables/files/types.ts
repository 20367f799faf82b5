import type { MetricField, MetricSource, SourceDay } from '../../core/metrics.ts';
import type { HrProfile } from './load.ts';

/** 'apple_health' covers both export.zip and a bare export.xml (told apart by the file's first bytes). */
export type ImportFormat = 'fit' | 'apple_health' | 'csv';

export interface ImportOptions {
  /** The athlete's IANA time zone; every day is a local calendar day in it. */
  timezone: string;
  /** Skip detection (by extension, then by the file's first bytes). */
  format?: ImportFormat;
  /** For HR-based load estimates; defaults HRmax 190, HRrest 60, threshold 0.9 × HRmax (see load.ts). */
  hr?: Partial<HrProfile>;
}

/** What one importer hands back before the entry point summarises it. */
export interface ParsedFile {
  days: SourceDay[];
  /** Things skipped or not used, in words for the user (never fatal). */
  warnings: string[];
}

export interface ImportSummary {
  format: ImportFormat;
  source: MetricSource;
  daysImported: number;
  /** How many days carry each metric. Every field is listed, 0 when absent. */
  fieldsPresent: Record<MetricField, number>;
  /** Dates between firstDate and lastDate that have no data at all. */
  gaps: string[];
  firstDate: string;
  lastDate: string;
  workouts: number;
  warnings: string[];
}

export interface ImportResult {
  days: SourceDay[];
  summary: ImportSummary;
}
