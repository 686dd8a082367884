// Where an asset stands against the media library, as a small icon on its tile (the words in the
// tooltip) and as a line in the detail panel.

import type { ReactNode } from 'react';

import {
  AlertIcon,
  ArrowDownIcon,
  ArrowUpIcon,
  CheckIcon,
  ClockIcon,
  CloudIcon,
  CloudOffIcon,
  FileIcon,
  LaptopIcon,
} from '@/app/icons';
import type { Asset, SyncStatus } from '@/ipc/api';

export const SYNC_LABEL: Record<SyncStatus, string> = {
  local_only: 'Only on this computer',
  queued: 'Queued for upload',
  synced: 'In sync',
  modified_locally: 'Changed here',
  changed_remotely: 'Changed on the media library',
  conflict: 'Conflict',
  remote_only: 'Only on the media library',
  deleted_remotely: 'Deleted on the media library',
  missing_file: 'File missing',
};

export const SYNC_HINT: Record<SyncStatus, string> = {
  local_only: 'Not uploaded to the media library yet.',
  queued: 'Waiting in the upload queue.',
  synced: 'The same here and on the media library.',
  modified_locally: 'Edited here since the last sync: the next sync sends the changes.',
  changed_remotely: 'Edited on the media library since the last sync: the next sync brings the changes here.',
  conflict: 'Changed differently here and on the media library: choose which to keep in Conflicts.',
  remote_only: 'Not on this computer: download the original to work on the file.',
  deleted_remotely: 'Deleted from the media library by someone else. Your file here stays.',
  missing_file: 'The original file is no longer where it was imported from.',
};

const ICON: Record<SyncStatus, (size: number) => ReactNode> = {
  local_only: (s) => <LaptopIcon size={s} />,
  queued: (s) => <ClockIcon size={s} />,
  synced: (s) => <CheckIcon size={s} />,
  modified_locally: (s) => <ArrowUpIcon size={s} />,
  changed_remotely: (s) => <ArrowDownIcon size={s} />,
  conflict: (s) => <AlertIcon size={s} />,
  remote_only: (s) => <CloudIcon size={s} />,
  deleted_remotely: (s) => <CloudOffIcon size={s} />,
  missing_file: (s) => <FileIcon size={s} />,
};

/** A remote-only asset: only on the media library, nothing on disk yet. */
export function isRemoteOnly(a: Pick<Asset, 'status' | 'sync'>): boolean {
  return a.sync === 'remote_only' || a.status === 'remote_only';
}

/** The tile's icon: quiet (shown on hover) when there is nothing to do. */
export function SyncBadge({ status }: { status: SyncStatus }) {
  const quiet = status === 'synced' || status === 'local_only';
  return (
    <span
      className={`sync-badge sync-${status}${quiet ? ' sync-quiet' : ''}`}
      data-testid="asset-sync"
      data-sync={status}
      role="img"
      aria-label={SYNC_LABEL[status]}
      title={`${SYNC_LABEL[status]}. ${SYNC_HINT[status]}`}
    >
      {ICON[status](13)}
    </span>
  );
}

/** The detail panel's line: icon, label and what it means. */
export function SyncLine({ status }: { status: SyncStatus }) {
  return (
    <div className={`sync-line sync-${status}`} data-testid="asset-sync-line" data-sync={status}>
      <span className="sync-line-icon">{ICON[status](15)}</span>
      <span>
        <strong>{SYNC_LABEL[status]}</strong> <span className="sync-line-hint">{SYNC_HINT[status]}</span>
      </span>
    </div>
  );
}
