// "Presets" in the selection bar: apply a saved channel preset to every selected asset, copy the
// selection's preset URLs (one per line), delete a preset.

import { useEffect, useRef, useState } from 'react';

import { copyText } from '@/app/clipboard';
import { useServices } from '@/app/context';
import { useObservable } from '@/app/store';
import { formatCount } from '@/library/format';

export function PresetMenu({ ids }: { ids: number[] }) {
  const { presets, toasts } = useServices();
  const list = useObservable(presets);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  /** The preset whose × was pressed once: the second press deletes it. */
  const [confirm, setConfirm] = useState<string | null>(null);
  const wrap = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    void presets.load();
    const onDown = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [open, presets]);

  const apply = (name: string) => {
    setBusy(true);
    presets
      .apply(name, ids)
      .then(() => setOpen(false))
      .catch(() => {})
      .finally(() => setBusy(false));
  };

  const copyAll = async () => {
    setBusy(true);
    try {
      const urls = await presets.urls(ids);
      if (urls.length === 0) {
        toasts.info('No presets are applied to the selection yet: pick one above first.');
        return;
      }
      await copyText(urls.map((u) => u.url).join('\n'));
      const assets = new Set(urls.map((u) => u.asset_id)).size;
      toasts.success(`Copied ${formatCount(urls.length)} URL${urls.length === 1 ? '' : 's'} for ${formatCount(assets)} asset${assets === 1 ? '' : 's'}.`);
      setOpen(false);
    } catch (e) {
      toasts.error((e as { message?: string }).message ?? 'Could not copy the URLs.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="presets-menu-wrap" ref={wrap}>
      <button
        type="button"
        className="btn btn-small"
        data-testid="presets-button"
        aria-haspopup="menu"
        aria-expanded={open}
        title="Channel presets: apply a transformation set, copy delivery URLs"
        onClick={() => setOpen((o) => !o)}
      >
        Presets ▾
      </button>
      {open && (
        <div className="presets-menu" role="menu" data-testid="presets-menu">
          {list.length === 0 && (
            <p className="presets-menu-empty">
              No presets yet. Open an asset in the preview studio (P), set it up for a channel and choose “Save as preset…”.
            </p>
          )}
          {list.map((p) => (
            <div className="presets-menu-row" key={p.name}>
              <span className="presets-menu-name">
                <strong>{p.name}</strong>
                <code title={p.tr}>{p.tr}</code>
              </span>
              <button
                type="button"
                role="menuitem"
                className="btn btn-small btn-primary"
                data-testid="preset-apply"
                data-preset={p.name}
                disabled={busy}
                onClick={() => apply(p.name)}
              >
                Apply to {ids.length === 1 ? '1' : formatCount(ids.length)}
              </button>
              {confirm === p.name ? (
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  data-testid="preset-delete-confirm"
                  data-preset={p.name}
                  disabled={busy}
                  onClick={() => {
                    setConfirm(null);
                    void presets.remove(p.name).catch(() => {});
                  }}
                >
                  Delete{p.asset_count ? ` from ${formatCount(p.asset_count)}` : ''}
                </button>
              ) : (
                <button
                  type="button"
                  className="icon-btn"
                  data-testid="preset-delete"
                  data-preset={p.name}
                  aria-label={`Delete preset ${p.name}`}
                  title={`Delete "${p.name}" (its ${p.asset_count} assets lose it)`}
                  disabled={busy}
                  onClick={() => setConfirm(p.name)}
                >
                  ×
                </button>
              )}
            </div>
          ))}
          <div className="presets-menu-sep" />
          <button type="button" role="menuitem" className="btn btn-small btn-ghost" data-testid="copy-preset-urls" disabled={busy} onClick={() => void copyAll()}>
            Copy all preset URLs of the selection
          </button>
        </div>
      )}
    </div>
  );
}
