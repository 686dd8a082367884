// A remote-only asset's detail: it lives on the media library only; Download original brings the
// file here (the same asset, with its tags and metadata), with the wait shown.

import { useEffect, useState } from 'react';

import { useServices } from '@/app/context';
import { DownloadIcon } from '@/app/icons';
import type { Asset } from '@/ipc/api';
import { formatSize } from '@/library/format';

export function RemoteOnlyActions({ asset }: { asset: Asset }) {
  const { sync } = useServices();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setError(null);
    if (!asset.thumb_url) void sync.remoteThumb(asset.id);
  }, [asset.id, asset.thumb_url, sync]);
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      await sync.download(asset.id);
    } catch (e) {
      setError((e as { message: string }).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="detail-actions remote-only-actions" data-testid="remote-only-actions">
      <button type="button" className="btn btn-small btn-primary" data-testid="download-original" disabled={busy} onClick={() => void download()}>
        <DownloadIcon size={15} />
        {busy ? `Downloading ${formatSize(asset.size)}…` : `Download original (${formatSize(asset.size)})`}
      </button>
      {error && (
        <p className="section-error" role="alert" data-testid="download-error">
          {error}
        </p>
      )}
    </div>
  );
}
