// What a streaming manifest lists, read from its text as a player reads it: each rendition's
// resolution, declared bandwidth, codecs, and how many segments of how long.

import { useEffect, useState } from 'react';

import { formatBitRate } from '@/library/format';
import { inspectManifest } from '@/preview/manifest';
import type { FetchText, ManifestInfo } from '@/preview/manifest';

interface Props {
  url: string;
  /** For tests: how the texts are fetched. */
  get?: FetchText;
}

export function ManifestInspector({ url, get }: Props) {
  const [info, setInfo] = useState<ManifestInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setInfo(null);
    setError(null);
    inspectManifest(url, get).then(
      (i) => live && setInfo(i),
      (e: Error) => live && setError(`The manifest could not be read: ${e.message}`),
    );
    return () => {
      live = false;
    };
  }, [url, get]);

  if (error)
    return (
      <p className="plan-error" role="alert" data-testid="manifest-error">
        {error}
      </p>
    );
  if (!info) return <p className="plan-note">Reading the manifest…</p>;
  const video = info.renditions.filter((r) => r.kind === 'video').length;
  return (
    <div className="manifest" data-testid="manifest-inspector" data-format={info.format}>
      <p className="manifest-sum">
        {info.format === 'hls' ? 'HLS master playlist' : 'DASH MPD'} · {video} video {video === 1 ? 'rendition' : 'renditions'}
        {info.duration_s !== null ? ` · ${info.duration_s.toFixed(1)} s` : ''}
      </p>
      <table className="manifest-table">
        <thead>
          <tr>
            <th>Rendition</th>
            <th>Resolution</th>
            <th>Bandwidth</th>
            <th>Codecs</th>
            <th>Segments</th>
          </tr>
        </thead>
        <tbody>
          {info.renditions.map((r) => (
            <tr key={`${r.kind}-${r.id}`} data-testid="manifest-rendition" data-kind={r.kind} data-height={r.height ?? undefined} data-segments={r.segments ?? undefined}>
              <td>{r.kind === 'audio' ? 'Sound' : r.height !== null ? `${r.height}p` : r.id}</td>
              <td>{r.width !== null && r.height !== null ? `${r.width} × ${r.height}` : '—'}</td>
              <td>{formatBitRate(r.bandwidth) || '—'}</td>
              <td className="mono">{r.codecs ?? '—'}</td>
              <td>
                {r.segments !== null ? `${r.segments} × ${r.segment_s ?? '?'} s` : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
