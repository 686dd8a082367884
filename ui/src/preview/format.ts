// Small formatting for the studio.

import type { PreviewPlan } from '@/ipc/api';

/** `75.5` → `1:15.5`; `6` → `0:06.0`. */
export function formatClock(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '0:00.0';
  const m = Math.floor(s / 60);
  const rest = s - m * 60;
  return `${m}:${rest.toFixed(1).padStart(4, '0')}`;
}

const CODEC: Record<string, string> = { h264: 'H.264', vp9: 'VP9', aac: 'AAC', opus: 'Opus' };

/** "1080 × 1080 · 6.0 s · MP4 (H.264 / AAC) · quality 50" */
export function describePlan(p: PreviewPlan): string {
  const parts = [`${p.width} × ${p.height}`];
  if (p.duration_s !== null) parts.push(`${p.duration_s.toFixed(1)} s`);
  const codecs = [p.video_codec, p.audio_codec].filter((c): c is string => c !== null).map((c) => CODEC[c] ?? c);
  parts.push(`${p.format.toUpperCase()}${codecs.length ? ` (${codecs.join(' / ')})` : ''}`);
  parts.push(`quality ${p.quality}`);
  return parts.join(' · ');
}
