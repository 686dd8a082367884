// The studio's right-hand column: crop, output size, rotate and flip, trim, watermark, output
// format. Each control reads its value from the `tr` and writes its own parameters back.

import { useEffect, useId, useState } from 'react';

import { search } from '@/ipc/api';
import type { Asset } from '@/ipc/api';
import { ASPECTS } from '@/preview/crop';
import type { AspectId, Box } from '@/preview/crop';
import { ANCHORS, FONTS } from '@/preview/tr';
import { DEFAULT_REQUEST, EMPTY_FILTERS } from '@/search/request';
import type { Anchor, Controls, ImageMark, TextMark, Watermark } from '@/preview/tr';

export interface ControlActions {
  setCrop(box: Box | null): void;
  setAspect(id: AspectId): void;
  setSize(w: number | null, h: number | null): void;
  turn(by: 90 | -90): void;
  setRotation(deg: number): void;
  toggleFlip(axis: 'h' | 'v'): void;
  setTrim(start: number | null, end: number | null): void;
  trimAtPlayhead(which: 'start' | 'end'): void;
  setWatermark(mark: Watermark | null): void;
  setOutput(key: 'f' | 'q' | 'vc' | 'ac', value: string | null): void;
}

interface Props {
  asset: Asset;
  controls: Controls;
  /** The crop shown (live while dragging). */
  crop: Box | null;
  aspect: AspectId;
  actions: ControlActions;
}

/** A number field that commits on Enter or blur, and shows the `tr`'s value otherwise. */
function NumberField({
  label,
  value,
  onCommit,
  testId,
  min,
  max,
  step,
  placeholder,
  unit,
}: {
  label: string;
  value: number | null;
  onCommit: (v: number | null) => void;
  testId: string;
  min?: number;
  max?: number;
  step?: number;
  placeholder?: string;
  unit?: string;
}) {
  const [text, setText] = useState<string | null>(null);
  const shown = text ?? (value === null ? '' : String(value));
  const commit = () => {
    if (text === null) return;
    const t = text.trim();
    setText(null);
    if (t === '') onCommit(null);
    else {
      const n = Number(t);
      if (Number.isFinite(n)) onCommit(n);
    }
  };
  return (
    <label className={unit ? 'num-field has-unit' : 'num-field'}>
      <span className="num-label">{label}</span>
      <input
        type="number"
        inputMode="decimal"
        data-testid={testId}
        value={shown}
        min={min}
        max={max}
        step={step ?? 1}
        placeholder={placeholder}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit();
          } else if (e.key === 'Escape') {
            setText(null);
          }
        }}
      />
      {unit && <span className="num-unit">{unit}</span>}
    </label>
  );
}

function Section({ title, children, aside }: { title: string; children: React.ReactNode; aside?: React.ReactNode }) {
  return (
    <section className="studio-section">
      <header className="studio-section-head">
        <h3>{title}</h3>
        {aside}
      </header>
      {children}
    </section>
  );
}

const ANCHOR_LABEL: Record<Anchor, string> = {
  top_left: 'Top left',
  top: 'Top',
  top_right: 'Top right',
  left: 'Left',
  center: 'Centre',
  right: 'Right',
  bottom_left: 'Bottom left',
  bottom: 'Bottom',
  bottom_right: 'Bottom right',
};

function hexOf(color: string | null, fallback: string): string {
  const c = color && /^[0-9a-fA-F]{6}/.test(color) ? color.slice(0, 6) : fallback;
  return `#${c.toLowerCase()}`;
}

/** `RRGGBBAA` alpha (00–99 on the remote) as a percentage of opacity. */
function alphaOf(color: string | null): number {
  if (!color || color.length < 8) return 100;
  const a = Number(color.slice(6, 8));
  return Number.isFinite(a) ? a : 100;
}

function withAlpha(hex: string, opacity: number): string {
  const rgb = hex.replace('#', '').toUpperCase();
  if (opacity >= 100) return rgb;
  return `${rgb}${String(Math.max(0, Math.min(99, Math.round(opacity)))).padStart(2, '0')}`;
}

const NEW_TEXT: TextMark = {
  kind: 'text',
  text: 'NEW IN',
  fontSize: 48,
  font: null,
  color: 'FFFFFF',
  background: '00000060',
  padding: 16,
  anchor: 'bottom_right',
  x: null,
  y: null,
};

const NEW_IMAGE: ImageMark = {
  kind: 'image',
  path: '',
  width: 160,
  height: null,
  opacity: 80,
  anchor: 'top_right',
  x: null,
  y: null,
};

function WatermarkEditor({ asset, mark, onChange }: { asset: Asset; mark: Watermark | null; onChange: (m: Watermark | null) => void }) {
  const kind = mark?.kind ?? 'none';
  const listId = useId();
  const [images, setImages] = useState<string[]>([]);
  useEffect(() => {
    if (kind !== 'image') return;
    let live = true;
    search({ ...DEFAULT_REQUEST, filters: { ...EMPTY_FILTERS, kinds: ['image'] }, limit: 50 }).then(
      (page) => live && setImages(page.hits.filter((h) => h.asset.id !== asset.id).map((h) => `${h.asset.remote_folder}${h.asset.name}`)),
      () => live && setImages([]),
    );
    return () => {
      live = false;
    };
  }, [kind, asset.id]);

  const place = (m: Watermark) => (
    <div className="wm-place">
      <div className="anchor-grid" role="group" aria-label="Position">
        {ANCHORS.map((a) => (
          <button
            key={a}
            type="button"
            className={`anchor-cell${m.x === null && m.y === null && (m.anchor ?? 'center') === a ? ' active' : ''}`}
            data-testid={`wm-anchor-${a}`}
            aria-label={ANCHOR_LABEL[a]}
            title={ANCHOR_LABEL[a]}
            onClick={() => onChange({ ...m, anchor: a, x: null, y: null })}
          >
            <span />
          </button>
        ))}
      </div>
      <div className="wm-xy">
        <NumberField label="X" testId="wm-x" value={m.x} onCommit={(x) => onChange({ ...m, x, y: m.y ?? (x === null ? null : 0) })} />
        <NumberField label="Y" testId="wm-y" value={m.y} onCommit={(y) => onChange({ ...m, y, x: m.x ?? (y === null ? null : 0) })} />
        <p className="field-hint">Or drag it on the shop view. Negative values count from the right/bottom.</p>
      </div>
    </div>
  );

  return (
    <>
      <div className="segmented" role="radiogroup" aria-label="Watermark">
        {(['none', 'text', 'image'] as const).map((k) => (
          <button
            key={k}
            type="button"
            role="radio"
            aria-checked={kind === k}
            className={kind === k ? 'active' : undefined}
            data-testid={`wm-${k}`}
            onClick={() => onChange(k === 'none' ? null : k === 'text' ? NEW_TEXT : NEW_IMAGE)}
          >
            {k === 'none' ? 'None' : k === 'text' ? 'Text' : 'Logo'}
          </button>
        ))}
      </div>
      {mark?.kind === 'text' && (
        <div className="wm-fields">
          <label className="text-field">
            <span className="num-label">Text</span>
            <input
              type="text"
              data-testid="wm-text-input"
              value={mark.text}
              maxLength={2000}
              onChange={(e) => onChange({ ...mark, text: e.target.value })}
            />
          </label>
          <div className="field-row">
            <label className="select-field">
              <span className="num-label">Font</span>
              <select data-testid="wm-font" value={mark.font ?? ''} onChange={(e) => onChange({ ...mark, font: e.target.value || null })}>
                {FONTS.map((f) => (
                  <option key={f.label} value={f.value ?? ''}>
                    {f.label}
                  </option>
                ))}
                {mark.font && !FONTS.some((f) => f.value === mark.font) && <option value={mark.font}>{mark.font}</option>}
              </select>
            </label>
            <NumberField label="Size" testId="wm-size" value={mark.fontSize} min={4} placeholder="16" onCommit={(fontSize) => onChange({ ...mark, fontSize })} unit="px" />
          </div>
          <div className="field-row">
            <label className="color-field">
              <span className="num-label">Colour</span>
              <input type="color" data-testid="wm-color" value={hexOf(mark.color, '000000')} onChange={(e) => onChange({ ...mark, color: e.target.value.slice(1).toUpperCase() })} />
            </label>
            <label className="check-field">
              <input
                type="checkbox"
                data-testid="wm-bg-on"
                checked={mark.background !== null}
                onChange={(e) => onChange({ ...mark, background: e.target.checked ? '000000' : null })}
              />
              <span>Box</span>
            </label>
            {mark.background !== null && (
              <>
                <label className="color-field">
                  <span className="num-label">Box colour</span>
                  <input
                    type="color"
                    data-testid="wm-bg"
                    value={hexOf(mark.background, '000000')}
                    onChange={(e) => onChange({ ...mark, background: withAlpha(e.target.value, alphaOf(mark.background)) })}
                  />
                </label>
                <NumberField
                  label="Opacity"
                  testId="wm-bg-opacity"
                  value={alphaOf(mark.background)}
                  min={0}
                  max={100}
                  unit="%"
                  onCommit={(o) => onChange({ ...mark, background: withAlpha(hexOf(mark.background, '000000'), o ?? 100) })}
                />
              </>
            )}
          </div>
          <NumberField label="Padding" testId="wm-padding" value={mark.padding} min={0} onCommit={(padding) => onChange({ ...mark, padding })} unit="px" />
          {place(mark)}
        </div>
      )}
      {mark?.kind === 'image' && (
        <div className="wm-fields">
          <label className="text-field">
            <span className="num-label">Picture</span>
            <input
              type="text"
              list={listId}
              data-testid="wm-path"
              value={mark.path}
              placeholder="/logos/brand.png — a library photo or a media-library path"
              onChange={(e) => onChange({ ...mark, path: e.target.value })}
            />
            <datalist id={listId}>
              {images.map((p) => (
                <option key={p} value={p} />
              ))}
            </datalist>
          </label>
          <div className="field-row">
            <NumberField label="Width" testId="wm-width" value={mark.width} min={1} onCommit={(width) => onChange({ ...mark, width })} unit="px" />
            <NumberField label="Height" testId="wm-height" value={mark.height} min={1} onCommit={(height) => onChange({ ...mark, height })} unit="px" />
            <NumberField label="Opacity" testId="wm-opacity" value={mark.opacity} min={0} max={100} onCommit={(opacity) => onChange({ ...mark, opacity })} unit="%" />
          </div>
          {place(mark)}
        </div>
      )}
    </>
  );
}

const VIDEO_FORMATS = ['mp4', 'webm'];
const IMAGE_FORMATS = ['jpg', 'png', 'webp'];
const VC: Record<string, string[]> = { mp4: ['h264', 'none'], webm: ['vp9', 'av1', 'none'] };
const AC: Record<string, string[]> = { mp4: ['aac', 'none'], webm: ['opus', 'none'] };
const LABEL: Record<string, string> = {
  h264: 'H.264',
  vp9: 'VP9',
  av1: 'AV1',
  aac: 'AAC',
  opus: 'Opus',
  none: 'None (drop it)',
};

export function StudioControls({ asset, controls, crop, aspect, actions }: Props) {
  const video = asset.kind === 'video';
  const frameW = asset.width ?? 0;
  const frameH = asset.height ?? 0;
  const fmt = controls.format && controls.format !== 'auto' ? controls.format : video ? 'mp4' : null;
  const rotation = controls.rotation;
  return (
    <aside className="studio-controls" aria-label="Transformation controls">
      <Section
        title="Crop"
        aside={
          crop && (
            <button type="button" className="link-btn" data-testid="crop-reset" onClick={() => actions.setCrop(null)}>
              No crop
            </button>
          )
        }
      >
        <div className="chips" role="radiogroup" aria-label="Aspect ratio">
          {ASPECTS.map((a) => (
            <button
              key={a.id}
              type="button"
              role="radio"
              aria-checked={crop !== null && aspect === a.id}
              className={`chip${crop !== null && aspect === a.id ? ' active' : ''}`}
              data-testid={`aspect-${a.id.replace(':', '-')}`}
              title={a.hint}
              disabled={frameW === 0}
              onClick={() => actions.setAspect(a.id)}
            >
              {a.label}
            </button>
          ))}
        </div>
        {crop ? (
          <div className="field-row four">
            <NumberField label="X" testId="crop-x" value={crop.x} min={0} onCommit={(x) => actions.setCrop({ ...crop, x: x ?? 0 })} />
            <NumberField label="Y" testId="crop-y" value={crop.y} min={0} onCommit={(y) => actions.setCrop({ ...crop, y: y ?? 0 })} />
            <NumberField label="W" testId="crop-w" value={crop.w} min={2} onCommit={(w) => actions.setCrop({ ...crop, w: w ?? frameW })} />
            <NumberField label="H" testId="crop-h" value={crop.h} min={2} onCommit={(h) => actions.setCrop({ ...crop, h: h ?? frameH })} />
          </div>
        ) : (
          <p className="field-hint">Pick a shape, then drag the box on the original. Its handles resize it.</p>
        )}
      </Section>

      <Section title="Output size">
        <div className="field-row">
          <NumberField label="Width" testId="size-w" value={controls.size?.w ?? null} min={1} placeholder="auto" unit="px" onCommit={(w) => actions.setSize(w, controls.size?.h ?? null)} />
          <NumberField label="Height" testId="size-h" value={controls.size?.h ?? null} min={1} placeholder="auto" unit="px" onCommit={(h) => actions.setSize(controls.size?.w ?? null, h)} />
        </div>
        <p className="field-hint">After crop and rotation. One side blank keeps the shape; both set fill and centre-crop.</p>
      </Section>

      <Section title="Rotate & flip">
        <div className="button-row">
          <button type="button" className="btn btn-small" data-testid="rotate-ccw" title="Rotate 90° left (Shift+R)" onClick={() => actions.turn(-90)}>
            ⟲ 90°
          </button>
          <button type="button" className="btn btn-small" data-testid="rotate-cw" title="Rotate 90° right (R)" onClick={() => actions.turn(90)}>
            ⟳ 90°
          </button>
          {video ? (
            <span className="angle-readout" data-testid="rotate-angle-readout">
              {rotation}°
            </span>
          ) : (
            <NumberField label="Angle" testId="rotate-angle" value={rotation} step={1} unit="°" onCommit={(d) => actions.setRotation(d ?? 0)} />
          )}
        </div>
        <div className="button-row">
          <button
            type="button"
            className={`btn btn-small toggle${controls.flip === 'h' || controls.flip === 'h_v' ? ' on' : ''}`}
            aria-pressed={controls.flip === 'h' || controls.flip === 'h_v'}
            data-testid="flip-h"
            title="Mirror left–right (H)"
            onClick={() => actions.toggleFlip('h')}
          >
            ⇆ Flip horizontal
          </button>
          <button
            type="button"
            className={`btn btn-small toggle${controls.flip === 'v' || controls.flip === 'h_v' ? ' on' : ''}`}
            aria-pressed={controls.flip === 'v' || controls.flip === 'h_v'}
            data-testid="flip-v"
            title="Upside down (V)"
            onClick={() => actions.toggleFlip('v')}
          >
            ⇅ Flip vertical
          </button>
        </div>
        {video && <p className="field-hint">Videos turn in quarter turns; photos take any angle.</p>}
      </Section>

      {video && (
        <Section title="Trim">
          <div className="field-row">
            <NumberField label="Start" testId="trim-start" value={controls.trim.start ?? 0} min={0} step={0.1} unit="s" onCommit={(s) => actions.setTrim(s, endOf(controls))} />
            <NumberField label="End" testId="trim-end" value={endOf(controls) ?? asset.duration_s ?? null} min={0} step={0.1} unit="s" onCommit={(e) => actions.setTrim(controls.trim.start, e)} />
          </div>
          <div className="button-row">
            <button type="button" className="btn btn-small" data-testid="trim-in" title="Start at the playhead (I)" onClick={() => actions.trimAtPlayhead('start')}>
              Start here
            </button>
            <button type="button" className="btn btn-small" data-testid="trim-out" title="End at the playhead (O)" onClick={() => actions.trimAtPlayhead('end')}>
              End here
            </button>
            {(controls.trim.start !== null || endOf(controls) !== null) && (
              <button type="button" className="link-btn" data-testid="trim-reset" onClick={() => actions.setTrim(null, null)}>
                Whole clip
              </button>
            )}
          </div>
        </Section>
      )}

      <Section title="Watermark">
        <WatermarkEditor asset={asset} mark={controls.watermark} onChange={actions.setWatermark} />
      </Section>

      <Section title="Output">
        <div className="field-row">
          <label className="select-field">
            <span className="num-label">Format</span>
            <select data-testid="out-format" value={controls.format ?? ''} onChange={(e) => actions.setOutput('f', e.target.value || null)}>
              <option value="">{video ? 'Auto (mp4)' : 'Auto (like the original)'}</option>
              {(video ? VIDEO_FORMATS : IMAGE_FORMATS).map((f) => (
                <option key={f} value={f}>
                  {f.toUpperCase()}
                </option>
              ))}
              {controls.format && ![...VIDEO_FORMATS, ...IMAGE_FORMATS, 'auto'].includes(controls.format) && (
                <option value={controls.format}>{controls.format}</option>
              )}
            </select>
          </label>
          <NumberField
            label="Quality"
            testId="out-quality"
            value={controls.quality}
            min={1}
            max={100}
            placeholder={video ? '50' : '80'}
            onCommit={(q) => actions.setOutput('q', q === null ? null : String(Math.max(1, Math.min(100, Math.round(q)))))}
          />
        </div>
        {video && fmt && (VC[fmt] || AC[fmt]) && (
          <div className="field-row">
            <label className="select-field">
              <span className="num-label">Video</span>
              <select data-testid="out-vc" value={controls.videoCodec ?? ''} onChange={(e) => actions.setOutput('vc', e.target.value || null)}>
                <option value="">Auto</option>
                {(VC[fmt] ?? []).map((c) => (
                  <option key={c} value={c}>
                    {LABEL[c]}
                  </option>
                ))}
              </select>
            </label>
            <label className="select-field">
              <span className="num-label">Sound</span>
              <select data-testid="out-ac" value={controls.audioCodec ?? ''} onChange={(e) => actions.setOutput('ac', e.target.value || null)}>
                <option value="">Auto</option>
                {(AC[fmt] ?? []).map((c) => (
                  <option key={c} value={c}>
                    {LABEL[c]}
                  </option>
                ))}
              </select>
            </label>
          </div>
        )}
      </Section>
    </aside>
  );
}

function endOf(c: Controls): number | null {
  if (c.trim.end !== null) return c.trim.end;
  if (c.trim.duration !== null) return (c.trim.start ?? 0) + c.trim.duration;
  return null;
}

