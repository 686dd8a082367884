// One tile of the library grid: what the asset looks like, what it is called, how long and how big.

import { memo, useEffect, useState } from 'react';

import { KindIcon } from '@/app/icons';
import type { Asset } from '@/ipc/bindings';
import { formatDimensions, formatDuration, formatSize } from '@/library/format';
import { StatusBadge } from '@/library/StatusBadge';
import type { BadgeStatus } from '@/library/StatusBadge';
import { isRemoteOnly, SyncBadge } from '@/sync/SyncBadge';

export interface ClickModifiers {
  /** Shift: select a range. */
  shift: boolean;
  /** Ctrl (Cmd on macOS): add or remove one. */
  toggle: boolean;
}

interface TileProps {
  asset: Asset;
  index: number;
  selected: boolean;
  /** The asset the keyboard and detail panel follow. */
  focused?: boolean;
  /** Tags, when known (badges: the first two and "+N"). */
  tags?: string[];
  /** The asset's upload state, when it has a job (queued, uploading, published, failed). */
  uploadStatus?: BadgeStatus;
  onClick: (asset: Asset, index: number, mods: ClickModifiers) => void;
  onDoubleClick: (asset: Asset) => void;
  /** A remote-only tile without a thumbnail came into view: fetch the remote's (once). */
  onNeedRemoteThumb?: (id: number) => void;
}

export const AssetTile = memo(function AssetTile({
  asset,
  index,
  selected,
  focused = false,
  tags,
  uploadStatus,
  onClick,
  onDoubleClick,
  onNeedRemoteThumb,
}: TileProps) {
  const remoteOnly = isRemoteOnly(asset);
  useEffect(() => {
    if (remoteOnly && !asset.thumb_url) onNeedRemoteThumb?.(asset.id);
  }, [remoteOnly, asset.id, asset.thumb_url, onNeedRemoteThumb]);
  // The upload queue's live state (uploading, failed) and a missing file say more than the sync
  // status; otherwise the sync status, when the backend gave one.
  const live = uploadStatus === 'uploading' || uploadStatus === 'failed';
  const showSync = asset.sync !== null && asset.status !== 'missing' && !live;
  const duration = asset.kind === 'video' || asset.kind === 'audio' ? formatDuration(asset.duration_s) : '';
  const dims = formatDimensions(asset.width, asset.height);
  return (
    <div
      className={`tile${selected ? ' tile-selected' : ''}${focused ? ' tile-focused' : ''}${asset.status === 'missing' ? ' tile-missing' : ''}${remoteOnly ? ' tile-remote' : ''}`}
      data-testid="asset-tile"
      data-asset-id={asset.id}
      data-selected={selected ? 'true' : 'false'}
      id={`asset-${asset.id}`}
      role="option"
      aria-selected={selected}
      aria-posinset={index + 1}
      title={asset.name}
      onMouseDown={(e) => {
        // Shift-click would otherwise select the page's text.
        if (e.shiftKey) e.preventDefault();
      }}
      onClick={(e) => onClick(asset, index, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey })}
      onDoubleClick={() => onDoubleClick(asset)}
    >
      <div className="tile-thumb">
        <Thumb key={asset.thumb_url ?? ''} asset={asset} />
        <span className="tile-status">
          {showSync ? (
            <SyncBadge status={asset.sync!} />
          ) : (
            <StatusBadge
              status={asset.status === 'missing' ? 'missing' : (uploadStatus ?? (asset.status as BadgeStatus))}
              title={asset.status_detail ?? undefined}
              compact
            />
          )}
        </span>
        {tags && tags.length > 0 && <TagBadges tags={tags} />}
        {duration && <span className="tile-duration" data-testid="asset-duration">{duration}</span>}
      </div>
      <div className="tile-info">
        <div className="tile-name" data-testid="asset-name">
          {asset.name}
        </div>
        <div className="tile-meta">
          {dims && <span data-testid="asset-dimensions">{dims}</span>}
          {dims && <span className="sep" aria-hidden="true">·</span>}
          <span>{formatSize(asset.size)}</span>
        </div>
      </div>
    </div>
  );
});

/** The first two tags and "+N" for the rest (all of them in the tooltip). */
function TagBadges({ tags }: { tags: string[] }) {
  const shown = tags.slice(0, 2);
  const rest = tags.length - shown.length;
  return (
    <div className="tile-tags" title={tags.join(', ')}>
      {shown.map((t) => (
        <span key={t} className="tag-badge" data-testid="asset-tag">
          {t}
        </span>
      ))}
      {rest > 0 && (
        <span className="tag-badge tag-more" data-testid="asset-tag-more">
          +{rest}
        </span>
      )}
    </div>
  );
}

/** The thumbnail, or the kind icon until (or unless) it loads. Tagged `asset-thumb` only once loaded. */
function Thumb({ asset }: { asset: Asset }) {
  const [state, setState] = useState<'loading' | 'loaded' | 'failed'>('loading');
  const url = asset.thumb_url;
  return (
    <>
      {(!url || state !== 'loaded') && (
        <span className={`tile-placeholder kind-${asset.kind}`} data-testid="asset-kind-icon">
          <KindIcon kind={asset.kind} size={34} />
        </span>
      )}
      {url && state !== 'failed' && (
        <img
          src={url}
          alt=""
          draggable={false}
          decoding="async"
          className={state === 'loaded' ? 'thumb-img' : 'thumb-img thumb-loading'}
          data-testid={state === 'loaded' ? 'asset-thumb' : undefined}
          onLoad={() => setState('loaded')}
          onError={() => setState('failed')}
        />
      )}
    </>
  );
}

/** A tile whose page has not arrived yet: same footprint, no content. */
export function TilePlaceholder() {
  return (
    <div className="tile tile-skeleton" data-testid="asset-tile-placeholder" aria-hidden="true">
      <div className="tile-thumb" />
      <div className="tile-info">
        <div className="skeleton-line" />
        <div className="skeleton-line short" />
      </div>
    </div>
  );
}
