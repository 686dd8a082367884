// The studio's channel presets: the saved list (start from one), and "Save as preset…" with the
// choice to apply it to this asset at once.

import { useEffect, useState } from 'react';

import { useServices } from '@/app/context';
import { useObservable } from '@/app/store';
import type { Asset } from '@/ipc/api';

export function useStudioPresets(asset: Asset, tr: string) {
  const { toasts, presets: presetStore } = useServices();
  const presets = useObservable(presetStore);
  /** The name being typed, or `null` while the save form is closed. */
  const [saving, setSaving] = useState<string | null>(null);
  const [applyHere, setApplyHere] = useState(true);
  useEffect(() => {
    void presetStore.load();
  }, [presetStore]);
  const save = async () => {
    if (saving === null) return;
    try {
      const p = await presetStore.save(saving, tr);
      if (applyHere) await presetStore.apply(p.name, [asset.id], true);
      toasts.success(applyHere ? `Saved preset "${p.name}" and applied it to ${asset.name}.` : `Saved preset "${p.name}".`);
      setSaving(null);
    } catch {
      /* the store showed the backend's message */
    }
  };
  return { presets, saving, setSaving, applyHere, setApplyHere, save };
}

export type StudioPresets = ReturnType<typeof useStudioPresets>;
