// The right-hand panel: the asset played or shown large, and everything known about the file.

import { useEffect, useState, useSyncExternalStore } from 'react';

import { useServices } from '@/app/context';
import { CloseIcon, KindIcon } from '@/app/icons';
import { getAsset } from '@/ipc/api';
import type { Asset } from '@/ipc/bindings';
import {
  formatBitRate,
  formatDate,
  formatDimensions,
  formatDuration,
  formatFrameRate,
  formatSize,
  shortHash,
} from '@/library/format';
import { StatusBadge } from '@/library/StatusBadge';

export function DetailPanel({ id, onClose }: { id: number; onClose: () => void }) {
  const { assets, toasts } = useServices();
  useSyncExternalStore(assets.subscribe, assets.getVersion);
  const cached = assets.byId(id);
  const [fetched, setFetched] = useState<Asset | null>(null);

  useEffect(() => {
    let live = true;
    setFetched(null);
    getAsset(id).then(
      (a) => {
        if (!live) return;
        setFetched(a);
        assets.update(a);
      },
      (e: { message: string }) => live && toasts.error(e.message),
    );
    return () => {
      live = false;
    };
  }, [id, assets, toasts]);

  // The grid's copy is updated by import events (thumbnails), so prefer it when both exist.
  const asset = cached ?? fetched;
  return (
    <aside className="detail" data-testid="asset-detail" data-asset-id={id} aria-label="Asset details">
      <header className="detail-head">
        <h2 className="detail-title" title={asset?.name}>
          {asset?.name ?? 'Loading…'}
        </h2>
        <button type="button" className="icon-btn" onClick={onClose} aria-label="Close details" title="Close (Esc)">
          <CloseIcon size={18} />
        </button>
      </header>
      {asset && <Player key={asset.id} asset={asset} />}
      {asset && <MediaInfo asset={asset} />}
    </aside>
  );
}

function Player({ asset }: { asset: Asset }) {
  const [failed, setFailed] = useState(false);
  const src = asset.original_url;
  if (!src || asset.status === 'missing' || failed) {
    return (
      <div className="player player-empty" data-testid="asset-player-unavailable">
        <KindIcon kind={asset.kind} size={40} />
        <span>
          {asset.status === 'missing'
            ? 'The original file is no longer where it was imported from.'
            : failed
              ? 'This file cannot be previewed here.'
              : 'Preview is not available right now.'}
        </span>
      </div>
    );
  }
  switch (asset.kind) {
    case 'video':
      return (
        <div className="player">
          <video
            data-testid="asset-player"
            controls
            preload="metadata"
            src={src}
            poster={asset.thumb_url ?? undefined}
            onError={() => setFailed(true)}
          />
        </div>
      );
    case 'audio':
      return (
        <div className="player player-audio">
          <audio data-testid="asset-player" controls preload="metadata" src={src} onError={() => setFailed(true)} />
        </div>
      );
    case 'image':
      return (
        <div className="player">
          <img data-testid="asset-player" src={src} alt={asset.name} onError={() => setFailed(true)} />
        </div>
      );
    default:
      return (
        <div className="player player-empty">
          <KindIcon kind={asset.kind} size={40} />
          <span>No preview for this kind of file.</span>
        </div>
      );
  }
}

const KIND_LABEL: Record<Asset['kind'], string> = {
  video: 'Video',
  image: 'Image',
  audio: 'Audio',
  other: 'Other file',
};

function MediaInfo({ asset }: { asset: Asset }) {
  const codecs = [asset.video_codec, asset.audio_codec].filter(Boolean).join(' / ');
  const rows: [string, string, string?][] = [
    ['Kind', KIND_LABEL[asset.kind]],
    ['Size', formatSize(asset.size)],
    ['Dimensions', formatDimensions(asset.width, asset.height)],
    ['Duration', formatDuration(asset.duration_s)],
    ['Frame rate', formatFrameRate(asset.frame_rate)],
    ['Codecs', codecs],
    ['Container', asset.container ?? ''],
    ['Bit rate', formatBitRate(asset.bit_rate)],
    ['Rotation', asset.rotation ? `${asset.rotation}°` : ''],
    ['Imported', formatDate(asset.imported_at)],
    ['Remote folder', asset.remote_folder],
    ['Location', asset.path, 'path'],
    ['Content hash', shortHash(asset.hash), 'hash'],
  ];
  return (
    <div className="detail-body">
      <div className="detail-status">
        <StatusBadge status={asset.status} />
        {asset.status_detail && <span className="detail-status-text">{asset.status_detail}</span>}
      </div>
      <dl className="info" data-testid="asset-info">
        {rows
          .filter(([, v]) => v !== '')
          .map(([label, value, kind]) => (
            <div className="info-row" key={label} data-field={label.toLowerCase().replace(/ /g, '-')}>
              <dt>{label}</dt>
              <dd className={kind ? `info-${kind}` : undefined} title={kind === 'hash' ? asset.hash : value}>
                {value}
              </dd>
            </div>
          ))}
      </dl>
    </div>
  );
}
