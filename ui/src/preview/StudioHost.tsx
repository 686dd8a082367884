// Opens the studio on an asset id: the grid's copy when it has one, else fetched.

import { useEffect, useState } from 'react';

import { useServices } from '@/app/context';
import { getAsset, toApiError } from '@/ipc/api';
import type { Asset } from '@/ipc/api';
import { PreviewStudio } from '@/preview/PreviewStudio';

export function StudioHost({ id, onClose }: { id: number; onClose: () => void }) {
  const { assets, toasts } = useServices();
  const [asset, setAsset] = useState<Asset | null>(() => assets.byId(id) ?? null);
  useEffect(() => {
    let live = true;
    getAsset(id).then(
      (a) => live && setAsset(a),
      (e) => {
        if (!live) return;
        toasts.error(toApiError(e).message);
        onClose();
      },
    );
    return () => {
      live = false;
    };
  }, [id, toasts, onClose]);
  if (!asset) return null;
  if (asset.kind !== 'video' && asset.kind !== 'image') {
    return null;
  }
  return <PreviewStudio key={asset.id} asset={asset} onClose={onClose} />;
}
