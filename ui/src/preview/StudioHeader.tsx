// The studio's title bar: the asset, the preset picker, "Save as preset…" and the close button.

import { CloseIcon } from '@/app/icons';
import type { Asset } from '@/ipc/api';
import { formatClock } from '@/preview/format';
import type { StudioPresets } from '@/preview/useStudioPresets';

interface Props {
  asset: Asset;
  presets: StudioPresets;
  /** Starts from a preset's transformation. */
  onPick: (tr: string) => void;
  /** Nothing to save: an empty or invalid transformation. */
  saveDisabled: boolean;
  /** A crop is in this asset's pixels: said beside the save form. */
  hasCrop: boolean;
  onClose: () => void;
}

export function StudioHeader({ asset, presets: p, onPick, saveDisabled, hasCrop, onClose }: Props) {
  const video = asset.kind === 'video';
  const frameW = asset.width ?? 0;
  const frameH = asset.height ?? 0;
  const duration = asset.duration_s ?? 0;
  const { presets, saving, setSaving, applyHere, setApplyHere, save } = p;
  return (
    <header className="studio-head">
      <div className="studio-title">
        <span className="studio-kicker">Preview studio</span>
        <h2 title={asset.name}>{asset.name}</h2>
        <span className="studio-sub">
          {frameW && frameH ? `${frameW} × ${frameH}` : ''}
          {video && duration ? ` · ${formatClock(duration)}` : ''}
        </span>
      </div>
      <div className="studio-head-actions">
        <label className="select-field inline">
          <span className="num-label">Preset</span>
          <select
            data-testid="preset-select"
            value=""
            onChange={(e) => {
              const found = presets.find((x) => x.name === e.target.value);
              if (found) onPick(found.tr);
            }}
          >
            <option value="">{presets.length ? 'Start from a preset…' : 'No presets yet'}</option>
            {presets.map((x) => (
              <option key={x.name} value={x.name}>
                {x.name} — {x.tr}
              </option>
            ))}
          </select>
        </label>
        {saving === null ? (
          <button type="button" className="btn btn-small" data-testid="preset-save-open" disabled={saveDisabled} onClick={() => setSaving('')}>
            Save as preset…
          </button>
        ) : (
          <form
            className="preset-save"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <input
              autoFocus
              type="text"
              data-testid="preset-name"
              placeholder="Shop grid 1:1"
              value={saving}
              maxLength={80}
              onChange={(e) => setSaving(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') {
                  e.stopPropagation();
                  setSaving(null);
                }
              }}
            />
            <label className="check-field">
              <input type="checkbox" checked={applyHere} onChange={(e) => setApplyHere(e.target.checked)} data-testid="preset-apply-here" />
              <span>Apply to this asset</span>
            </label>
            <button type="submit" className="btn btn-small btn-primary" data-testid="preset-save" disabled={saving.trim() === ''}>
              Save
            </button>
            {hasCrop && (
              <span className="preset-hint" data-testid="preset-crop-hint" title="A crop is in this asset's pixels">
                The crop is in this asset’s pixels; for any asset, Output size (w × h) fills and centre-crops.
              </span>
            )}
          </form>
        )}
        <button type="button" className="icon-btn" data-testid="studio-close" aria-label="Close the preview studio" title="Close (Esc)" onClick={onClose}>
          <CloseIcon size={18} />
        </button>
      </div>
    </header>
  );
}
