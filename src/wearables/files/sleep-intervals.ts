/**
 * Union of sleep intervals in bounded memory. Several sources (watch, phone, a sleep app) and stage samples
 * (core/deep/REM) overlap or touch; the union counts each minute once.
 *
 * Intervals are filed in buckets by the UTC day they start on; inside a bucket they are merged on insert
 * (kept sorted and disjoint), so a night costs a handful of numbers however many samples describe it.
 * `merged()` sweeps the buckets in order and joins intervals that cross a bucket boundary.
 */
const DAY_MS = 86_400_000;

export class SleepIntervals {
  private readonly buckets = new Map<number, number[]>();

  add(start: number, end: number): void {
    if (!(end > start)) return;
    const key = Math.floor(start / DAY_MS);
    let arr = this.buckets.get(key);
    if (!arr) this.buckets.set(key, (arr = []));
    insertMerged(arr, start, end);
  }

  /** Disjoint intervals [start, end) in time order. */
  *merged(): Generator<[number, number]> {
    let cur: [number, number] | undefined;
    for (const key of [...this.buckets.keys()].sort((a, b) => a - b)) {
      const arr = this.buckets.get(key)!;
      for (let i = 0; i < arr.length; i += 2) {
        const s = arr[i]!;
        const e = arr[i + 1]!;
        if (cur && s <= cur[1]) {
          if (e > cur[1]) cur[1] = e;
        } else {
          if (cur) yield cur;
          cur = [s, e];
        }
      }
    }
    if (cur) yield cur;
  }

  /** Stored numbers (two per disjoint interval), to check the memory bound in tests. */
  get storedValues(): number {
    let n = 0;
    for (const arr of this.buckets.values()) n += arr.length;
    return n;
  }
}

/** arr = [s0, e0, s1, e1, …] sorted and disjoint; insert [s, e) merging every interval it overlaps or touches. */
function insertMerged(arr: number[], s: number, e: number): void {
  const n = arr.length / 2;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[2 * mid + 1]! < s) lo = mid + 1;
    else hi = mid;
  }
  let j = lo;
  let ns = s;
  let ne = e;
  while (j < n && arr[2 * j]! <= ne) {
    ns = Math.min(ns, arr[2 * j]!);
    ne = Math.max(ne, arr[2 * j + 1]!);
    j++;
  }
  arr.splice(2 * lo, 2 * (j - lo), ns, ne);
}
