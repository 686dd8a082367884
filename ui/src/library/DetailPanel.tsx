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
import { DerivedOutputs } from '@/library/DerivedOutputs';
import { FolderPicker } from '@/library/FolderPicker';
import { MetadataPanel } from '@/library/MetadataPanel';
import { StatusBadge } from '@/library/StatusBadge';
import { AssetPresets } from '@/preview/AssetPresets';
import { RemoteOnlyActions } from '@/sync/RemoteOnlyActions';
import { isRemoteOnly, SyncLine } from '@/sync/SyncBadge';

/**
 * `id` is the focused asset; `ids` the whole selection. With more than one selected, the panel
 * edits them together (metadata with mixed values, folder) instead of showing one file.
 */
export function DetailPanel({
  id,
  ids = [id],
  onClose,
  onOpenStudio,
}: {
  id: number;
  ids?: number[];
  onClose: () => void;
  /** Opens the preview studio on the asset (photos and videos). */
  onOpenStudio?: (id: number) => void;
}) {
  if (ids.length > 1) return <MultiPanel ids={ids} onClose={onClose} />;
  return <SinglePanel id={id} onClose={onClose} onOpenStudio={onOpenStudio} />;
}

function MultiPanel({ ids, onClose }: { ids: number[]; onClose: () => void }) {
  const { assets } = useServices();
  useSyncExternalStore(assets.subscribe, assets.getVersion);
  const folders = new Set<string>();
  let known = 0;
  for (const i of ids) {
    const a = assets.byId(i);
    if (a) {
      known++;
      folders.add(a.remote_folder);
    }
  }
  const folder = known === ids.length && folders.size === 1 ? [...folders][0]! : null;
  return (
    <aside className="detail" data-testid="asset-detail" data-count={ids.length} aria-label="Selection details">
      <header className="detail-head">
        <h2 className="detail-title">{ids.length.toLocaleString('en-US')} assets selected</h2>
        <button type="button" className="icon-btn" onClick={onClose} aria-label="Close details" title="Close (Esc)">
          <CloseIcon size={18} />
        </button>
      </header>
      <p className="detail-note">Changes here apply to every selected asset.</p>
      <MetadataPanel ids={ids} />
      <FolderPicker ids={ids} current={folder} />
    </aside>
  );
}

function SinglePanel({ id, onClose, onOpenStudio }: { id: number; onClose: () => void; onOpenStudio?: (id: number) => void }) {
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
      {asset?.sync && <SyncLine status={asset.sync} />}
      {asset && isRemoteOnly(asset) && <RemoteOnlyActions asset={asset} />}
      {asset && !isRemoteOnly(asset) && onOpenStudio && (asset.kind === 'video' || asset.kind === 'image') && (
        <div className="detail-actions">
          <button
            type="button"
            className="btn btn-small btn-primary"
            data-testid="open-studio"
            title="Crop, rotate, trim and watermark it as a channel will show it, with the exact URL (P)"
            disabled={asset.status === 'missing'}
            onClick={() => onOpenStudio(asset.id)}
          >
            Open in preview studio
          </button>
        </div>
      )}
      {asset && <AssetPresets id={asset.id} />}
      {asset && <DerivedOutputs assetId={asset.id} />}
      <MetadataPanel ids={[id]} />
      {asset && <FolderPicker ids={[id]} current={asset.remote_folder} />}
      {asset && <MediaInfo asset={asset} />}
    </aside>
  );
}

function Player({ asset }: { asset: Asset }) {
  const [failed, setFailed] = useState(false);
  const src = asset.original_url;
  if (isRemoteOnly(asset)) {
    // Nothing on this computer yet: the remote's thumbnail, large.
    return (
      <div className={`player${asset.thumb_url ? '' : ' player-empty'}`} data-testid="asset-player-remote">
        {asset.thumb_url ? <img src={asset.thumb_url} alt={asset.name} /> : <KindIcon kind={asset.kind} size={40} />}
        {!asset.thumb_url && <span>Only on the media library: download the original to play it here.</span>}
      </div>
    );
  }
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
