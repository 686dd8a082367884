// What a streaming ladder costs: per rendition and in total, the storage it adds to the media
// library and the bandwidth one full view downloads, measured from the rendered files; and the
// renditions that come out the same as a lower one (a rung above the source is delivered at the
// source's size), with what they cost for nothing and a one-click `sr-…` without them.

import { formatBitRate, formatSize } from '@/library/format';
import type { LadderPlan, LadderResult } from '@/ipc/api';

/** The `sr` values of a ladder `tr` (`rt-90:sr-240_360` → [240, 360]). */
export function rungsOf(tr: string): number[] {
  const m = /(?:^|[:,])sr-([\d_]+)/.exec(tr);
  return m ? m[1]!.split('_').filter(Boolean).map(Number) : [];
}

interface DuplicateProps {
  plan: LadderPlan;
  /** The rendered ladder of this plan, when there is one: its measured sizes. */
  result: LadderResult | null;
  onApply: (rungs: number[]) => void;
}

/** "1440p comes out at 1920 × 1080, the same as 1080p (the source’s size): +4.1 MB for nothing — use sr-240_360_720_1080". */
export function DuplicateNote({ plan, result, onApply }: DuplicateProps) {
  if ((plan.duplicates ?? []).length === 0) return null;
  const dupes = plan.duplicates
    .map((sr) => {
      const rung = plan.rungs.find((r) => r.resolution === sr);
      if (!rung) return null;
      const same = plan.rungs.find((r) => r.resolution < sr && r.width === rung.width && r.height === rung.height);
      const measured = result?.rung_costs?.find((c) => c.resolution === sr)?.bytes;
      const estimate = plan.duration_s !== null ? (rung.bitrate * plan.duration_s) / 8 : null;
      return { sr, rung, same, bytes: measured ?? estimate, measured: measured !== undefined };
    })
    .filter((d): d is NonNullable<typeof d> => d !== null);
  const keep = rungsOf(plan.without_duplicates);
  const total = dupes.reduce((n, d) => n + (d.bytes ?? 0), 0);
  const anyEstimate = dupes.some((d) => !d.measured);
  return (
    <div className="plan-note ladder-dupes" data-testid="ladder-duplicates" data-rungs={plan.duplicates.join(',')}>
      <p>
        {dupes
          .map(
            (d) =>
              `${d.sr}p comes out at ${d.rung.width} × ${d.rung.height}${d.same ? `, the same as ${d.same.resolution}p` : ''} (the source’s size)`,
          )
          .join('; ')}
        {total > 0 ? `: ${anyEstimate ? 'about ' : ''}+${formatSize(total)} for nothing` : ': stored and streamed for nothing'}
        {' '}— use <code>{plan.without_duplicates.replace(/^.*?(sr-[\d_]+).*$/, '$1')}</code>.
      </p>
      <button type="button" className="btn btn-small" data-testid="ladder-drop-duplicates" disabled={keep.length === 0} onClick={() => onApply(keep)}>
        Leave out {plan.duplicates.map((d) => `${d}p`).join(' and ')}
      </button>
    </div>
  );
}

/** Per rendition and in total: storage added, bit rate measured, and one full view's download. */
export function CostTable({ result, duplicates }: { result: LadderResult; duplicates: number[] }) {
  const rungs = result.rung_costs ?? [];
  if (rungs.length === 0) return null;
  const sum = rungs.reduce((n, r) => n + r.bytes, 0);
  const rest = Math.max(0, result.storage_bytes - sum);
  return (
    <table className="cost-table" data-testid="ladder-cost" data-storage={result.storage_bytes} data-per-view={result.bytes_per_view}>
      <thead>
        <tr>
          <th>Rendition</th>
          <th>Size</th>
          <th>Bit rate (measured)</th>
          <th>Storage</th>
        </tr>
      </thead>
      <tbody>
        {rungs.map((r) => (
          <tr
            key={r.resolution}
            data-testid="ladder-cost-rung"
            data-rung={r.resolution}
            data-bytes={r.bytes}
            className={duplicates.includes(r.resolution) ? 'duplicate' : undefined}
            title={duplicates.includes(r.resolution) ? 'The same picture as a lower rendition: stored for nothing' : undefined}
          >
            <td>{r.resolution}p</td>
            <td>
              {r.width} × {r.height}
            </td>
            <td>{formatBitRate(r.bitrate_bps)}</td>
            <td>{formatSize(r.bytes)}</td>
          </tr>
        ))}
        {rest > 0 && (
          <tr data-testid="ladder-cost-sound">
            <td>{result.audio_bytes && result.audio_bytes >= rest * 0.9 ? 'Sound' : 'Sound, playlists'}</td>
            <td />
            <td />
            <td>{formatSize(rest)}</td>
          </tr>
        )}
      </tbody>
      <tfoot>
        <tr>
          <td colSpan={3}>Storage the ladder adds</td>
          <td data-testid="ladder-storage">{formatSize(result.storage_bytes)}</td>
        </tr>
        <tr>
          <td colSpan={3}>One full view at the top rendition downloads</td>
          <td data-testid="ladder-per-view">{formatSize(result.bytes_per_view)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
