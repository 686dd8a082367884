// The asset's lifecycle at a glance. Today an asset is local or missing; the upload queue will add
// queued / uploading / published / failed, which already have a look here.

import type { AssetStatus } from '@/ipc/bindings';

export type BadgeStatus = AssetStatus | 'queued' | 'uploading' | 'published' | 'failed';

const LABELS: Record<BadgeStatus, string> = {
  local: 'Local',
  missing: 'Missing',
  queued: 'Queued',
  uploading: 'Uploading',
  published: 'Published',
  failed: 'Failed',
};

export function statusLabel(status: BadgeStatus): string {
  return LABELS[status] ?? status;
}

export function StatusBadge({ status, title }: { status: BadgeStatus; title?: string }) {
  return (
    <span
      className={`status-badge status-${status}`}
      data-testid="asset-status"
      data-status={status}
      title={title ?? statusLabel(status)}
    >
      <span className="status-dot" aria-hidden="true" />
      {statusLabel(status)}
    </span>
  );
}
