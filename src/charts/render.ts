/**
 * ECharts option → PNG, server side, no DOM and no canvas: ECharts' SSR mode writes an SVG string and
 * resvg rasterises it. Deterministic: animation is off, nothing reads the clock, and the same option
 * gives the same bytes.
 *
 * resvg draws text only with fonts it has been given. We look for one known sans-serif font file once
 * (DejaVu Sans, Liberation Sans, Noto Sans, Arial, in that order) and hand resvg just that file, which is
 * faster than scanning every system font. When none is found we fall back to resvg's own system font
 * scan; `configureChartFonts` lets the composition root point at a bundled font instead.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import { AppError } from '../errors.ts';

export interface ChartPng {
  png: Buffer;
  width: number;
  height: number;
}

export interface ChartFonts {
  /** Font files resvg loads. Empty → system fonts are scanned. */
  files: string[];
  /** Family name used in the chart's text styles and as resvg's default family. */
  family: string;
}

const CANDIDATES: { family: string; files: string[] }[] = [
  { family: 'DejaVu Sans', files: ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'] },
  { family: 'Liberation Sans', files: ['LiberationSans-Regular.ttf', 'LiberationSans-Bold.ttf'] },
  { family: 'Noto Sans', files: ['NotoSans-Regular.ttf', 'NotoSans-Bold.ttf'] },
  { family: 'Arial', files: ['Arial.ttf', 'Arial Bold.ttf', 'arial.ttf', 'arialbd.ttf'] },
];
const FONT_DIRS = [
  '/usr/share/fonts/truetype/dejavu',
  '/usr/share/fonts/dejavu',
  '/usr/share/fonts/TTF',
  '/usr/share/fonts/truetype/liberation',
  '/usr/share/fonts/liberation',
  '/usr/share/fonts/truetype/noto',
  '/usr/share/fonts/noto',
  '/usr/share/fonts/google-noto',
  '/Library/Fonts',
  '/System/Library/Fonts/Supplemental',
  'C:\\Windows\\Fonts',
];

let fonts: ChartFonts | undefined;

/** Find a usable font once. Exported for tests and for the start-up log line. */
export function resolveChartFonts(): ChartFonts {
  if (fonts) return fonts;
  for (const c of CANDIDATES) {
    const found: string[] = [];
    for (const dir of FONT_DIRS)
      for (const f of c.files) {
        const p = path.join(dir, f);
        if (existsSync(p) && !found.some((x) => path.basename(x) === f)) found.push(p);
      }
    if (found.length > 0) {
      fonts = { files: found, family: c.family };
      return fonts;
    }
  }
  fonts = { files: [], family: 'sans-serif' };
  return fonts;
}

/** Use these font files instead of searching (e.g. a font shipped with the deployment). */
export function configureChartFonts(f: ChartFonts): void {
  fonts = f;
}

/** Render an ECharts option to SVG with the SSR renderer. */
export function renderSvg(option: echarts.EChartsCoreOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Rasterise an SVG string to PNG at its own size on a white background. */
export function svgToPng(svg: string): ChartPng {
  const f = resolveChartFonts();
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'original' },
    font:
      f.files.length > 0
        ? { fontFiles: f.files, loadSystemFonts: false, defaultFontFamily: f.family, sansSerifFamily: f.family }
        : { loadSystemFonts: true },
  });
  const img = resvg.render();
  return { png: img.asPng(), width: img.width, height: img.height };
}

export function renderPng(option: echarts.EChartsCoreOption, width: number, height: number): ChartPng {
  return svgToPng(renderSvg(option, width, height));
}

/** Width and height from a PNG's IHDR chunk; throws when the bytes are not a PNG. */
export function pngSize(png: Buffer): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || sig.some((b, i) => png[i] !== b) || png.toString('ascii', 12, 16) !== 'IHDR')
    throw new AppError('CHART.NOT_PNG', 'The chart image is not a PNG.');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

export function assertSameLength(name: string, expected: number, arr: readonly unknown[] | undefined): void {
  if (arr !== undefined && arr.length !== expected)
    throw new AppError('CHART.INVALID_INPUT', `Chart series "${name}" has ${arr.length} values for ${expected} days.`);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-11-22" → "22 Nov" without touching the locale or the time zone. */
export function shortDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new AppError('CHART.INVALID_INPUT', `"${iso}" is not a YYYY-MM-DD date.`);
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? '?'}`;
}
