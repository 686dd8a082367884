// The asset's lifecycle at a glance: local, missing or remote only, and the upload queue's
// queued / uploading / published / failed.

import type { AssetStatus } from '@/ipc/bindings';

export type BadgeStatus = AssetStatus | 'queued' | 'uploading' | 'published' | 'failed';

const LABELS: Record<BadgeStatus, string> = {
  local: 'Local',
  missing: 'Missing',
  remote_only: 'Remote only',
  queued: 'Queued',
  uploading: 'Uploading',
  published: 'Published',
  failed: 'Failed',
};

export function statusLabel(status: BadgeStatus): string {
  return LABELS[status] ?? status;
}

const HINTS: Record<BadgeStatus, string> = {
  local: 'Only on this computer',
  missing: 'The original file is no longer where it was imported from',
  remote_only: 'Only on the media library: download the original to work on it here',
  queued: 'Waiting to upload',
  uploading: 'Uploading to the media library',
  published: 'Published to the media library',
  failed: 'Upload failed',
};

/**
 * `compact` (grid tiles) keeps the quiet default state (local) out of sight until the tile is
 * hovered or selected, so the grid draws the eye to the states that need attention.
 */
export function StatusBadge({ status, title, compact = false }: { status: BadgeStatus; title?: string; compact?: boolean }) {
  const quiet = compact && status === 'local';
  return (
    <span
      className={`status-badge status-${status}${quiet ? ' status-quiet' : ''}`}
      data-testid="asset-status"
      data-status={status}
      title={title ?? HINTS[status] ?? statusLabel(status)}
    >
      <span className="status-dot" aria-hidden="true" />
      {statusLabel(status)}
    </span>
  );
}
