// How numbers about media are shown to a merchandiser: short, rounded, familiar units.

/** Seconds as m:ss, or h:mm:ss from one hour up. Rounds down to the whole second, like players do. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '';
  const total = Math.floor(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

const SIZE_UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/** Bytes in decimal units, as file managers show them: 999 B, 1.5 KB, 12 MB, 3.4 GB. */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  let v = bytes;
  let unit: string = 'B';
  for (const u of SIZE_UNITS) {
    v /= 1000;
    unit = u;
    if (v < 999.95) break;
  }
  // One decimal below 10 (1.5 MB), none above (12 MB, 340 MB).
  const text = v < 9.995 ? v.toFixed(1) : Math.round(v).toString();
  return `${text.replace(/\.0$/, '')} ${unit}`;
}

/** Bits per second: 850 kb/s, 8.2 Mb/s. */
export function formatBitRate(bps: number | null | undefined): string {
  if (bps == null || !Number.isFinite(bps) || bps <= 0) return '';
  if (bps < 1_000_000) return `${Math.round(bps / 1000)} kb/s`;
  const m = bps / 1_000_000;
  return `${m < 10 ? m.toFixed(1).replace(/\.0$/, '') : Math.round(m)} Mb/s`;
}

/** Frames per second with at most two decimals: 25 fps, 29.97 fps. */
export function formatFrameRate(fps: number | null | undefined): string {
  if (fps == null || !Number.isFinite(fps) || fps <= 0) return '';
  return `${Number(fps.toFixed(2))} fps`;
}

/** 1920 × 1080, or '' when unknown. */
export function formatDimensions(w: number | null | undefined, h: number | null | undefined): string {
  if (!w || !h) return '';
  return `${w} × ${h}`;
}

/** Unix seconds as a local date and time. */
export function formatDate(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** First characters of a content hash, enough to tell files apart at a glance. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

/** 100000 → "100,000". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
