// The preview studio: the original and the shop's version side by side (videos play, pause and
// seek together), the controls that edit the transformation, and the exact `tr` and delivery URL
// that produce what you see — all rendered locally, offline.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

import { copyText } from '@/app/clipboard';
import { useServices } from '@/app/context';
import { CloseIcon } from '@/app/icons';
import { ToastStack } from '@/app/ToastStack';
import { useObservable } from '@/app/store';
import { remoteInfo } from '@/ipc/api';
import type { Asset } from '@/ipc/api';
import { CropOverlay } from '@/preview/CropOverlay';
import { aspectById, aspectOf, boxForAspect, evenBox } from '@/preview/crop';
import type { AspectId, Box } from '@/preview/crop';
import { describePlan, formatClock } from '@/preview/format';
import { LadderPanel } from '@/preview/LadderPanel';
import { PreviewVideo, isHls } from '@/preview/PreviewVideo';
import { PreviewSession } from '@/preview/session';
import { StudioControls } from '@/preview/StudioControls';
import type { ControlActions } from '@/preview/StudioControls';
import { Timeline } from '@/preview/Timeline';
import * as T from '@/preview/tr';
import type { Watermark } from '@/preview/tr';
import { UrlRow } from '@/preview/UrlRow';
import { useFit } from '@/preview/useFit';
import { mediaScale } from '@/preview/useFit';

interface Props {
  asset: Asset;
  onClose: () => void;
  /** The `tr` to start from (e.g. a preset's). */
  initialTr?: string;
  /** For tests: how long to wait after an edit before planning. */
  debounceMs?: number;
}

/** Roughly where the renderer puts the watermark (output pixels), for the drag handle. */
function markRect(m: Watermark, outW: number, outH: number): { x: number; y: number; w: number; h: number } {
  let w: number;
  let h: number;
  if (m.kind === 'text') {
    const fs = m.fontSize ?? 16;
    const pad = m.padding ?? 0;
    w = Math.ceil(0.58 * fs * Math.max(1, m.text.length)) + 2 * pad;
    h = Math.ceil(1.2 * fs) + 2 * pad;
  } else {
    w = m.width ?? m.height ?? 100;
    h = m.height ?? m.width ?? 100;
  }
  const along = (v: number | null, anchor: 'start' | 'center' | 'end', outer: number, inner: number) => {
    if (v !== null) return v < 0 ? outer - inner + v : v;
    return anchor === 'start' ? 0 : anchor === 'end' ? outer - inner : Math.round((outer - inner) / 2);
  };
  const a = m.anchor ?? 'center';
  const ax = a.endsWith('left') ? 'start' : a.endsWith('right') ? 'end' : 'center';
  const ay = a.startsWith('top') ? 'start' : a.startsWith('bottom') ? 'end' : 'center';
  const hasXY = m.x !== null || m.y !== null;
  return {
    x: hasXY ? along(m.x ?? 0, 'start', outW, w) : along(null, ax, outW, w),
    y: hasXY ? along(m.y ?? 0, 'start', outH, h) : along(null, ay, outH, h),
    w,
    h,
  };
}

export function PreviewStudio({ asset, onClose, initialTr = '', debounceMs = 200 }: Props) {
  const { toasts, presets: presetStore } = useServices();
  // One session per asset (a refreshed copy of the same asset keeps it).
  const session = useMemo(() => new PreviewSession(asset, initialTr, debounceMs), [asset.id, initialTr, debounceMs]);
  useEffect(() => {
    session.start();
    return () => session.dispose();
  }, [session]);
  const st = useObservable(session);
  const tr = useMemo(() => T.parseTr(st.tr), [st.tr]);
  const controls = useMemo(() => T.readControls(tr), [tr]);
  const commit = useCallback((f: (t: T.Tr) => T.Tr) => session.setTr(T.printTr(f(T.parseTr(session.get().tr)))), [session]);

  const video = asset.kind === 'video';
  const frameW = asset.width ?? 0;
  const frameH = asset.height ?? 0;
  const duration = asset.duration_s ?? 0;

  // ---- crop (live while dragging) ----
  const committedCrop: Box | null = useMemo(() => {
    const c = controls.crop;
    if (!c || frameW === 0) return null;
    return {
      x: c.x ?? Math.round((frameW - c.w) / 2),
      y: c.y ?? Math.round((frameH - c.h) / 2),
      w: c.w,
      h: c.h,
    };
  }, [controls.crop, frameW, frameH]);
  const [liveCrop, setLiveCrop] = useState<Box | null>(null);
  const crop = liveCrop ?? committedCrop;
  const [aspect, setAspect] = useState<AspectId>(() => (committedCrop ? aspectOf(committedCrop) : '1:1'));
  const units = crop ? aspectById(aspect).units : null;
  // A crop typed (or loaded from a preset) picks its preset; "free" stays free.
  useEffect(() => {
    if (committedCrop) setAspect((cur) => (cur === 'free' ? cur : aspectOf(committedCrop)));
  }, [committedCrop]);

  // ---- players ----
  const original = useRef<HTMLVideoElement>(null);
  const preview = useRef<HTMLVideoElement | null>(null);
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0); // seconds of the output
  const [origTime, setOrigTime] = useState(0);
  const [playError, setPlayError] = useState<string | null>(null);
  const trimStart = st.plan?.trim_s?.[0] ?? controls.trim.start ?? 0;
  const outDuration = st.plan?.duration_s ?? duration;
  const render = st.render;
  // Nothing is shown for a transformation that can't be made: an older picture would mislead.
  const playUrl = st.planError ? null : (render?.playUrl ?? null);
  const stale = playUrl !== null && render?.playTr !== st.tr;
  useEffect(() => setPlayError(null), [playUrl]);

  const syncOriginal = useCallback(
    (t: number) => {
      const o = original.current;
      if (!o) return;
      const want = trimStart + t;
      if (Math.abs(o.currentTime - want) > 0.3) o.currentTime = want;
    },
    [trimStart],
  );
  const play = useCallback(() => {
    const p = preview.current;
    const o = original.current;
    if (p) {
      syncOriginal(p.currentTime);
      Promise.resolve(p.play()).catch((e: unknown) => setPlayError(String((e as Error)?.message ?? e)));
    }
    if (o) Promise.resolve(o.play()).catch(() => {});
    setPlaying(true);
  }, [syncOriginal]);
  const pause = useCallback(() => {
    preview.current?.pause();
    original.current?.pause();
    setPlaying(false);
  }, []);
  const seek = useCallback(
    (t: number) => {
      const p = preview.current;
      const clamped = Math.max(0, Math.min(outDuration, t));
      if (p) p.currentTime = clamped;
      const o = original.current;
      if (o) o.currentTime = trimStart + clamped;
      setTime(clamped);
      setOrigTime(trimStart + clamped);
    },
    [outDuration, trimStart],
  );

  // ---- actions the controls call ----
  const actions: ControlActions = useMemo(
    () => ({
      setCrop: (box) => {
        setLiveCrop(null);
        commit((t) => T.setCrop(t, box ? (video ? evenBox(box) : box) : null));
      },
      setAspect: (id) => {
        setAspect(id);
        if (frameW === 0) return;
        const box = boxForAspect(id, frameW, frameH, committedCrop, video);
        commit((t) => T.setCrop(t, box));
      },
      setSize: (w, h) => commit((t) => T.setSize(t, w, h)),
      turn: (by) => commit((t) => T.turn(t, by)),
      setRotation: (d) => commit((t) => T.setRotation(t, d)),
      toggleFlip: (axis) => commit((t) => T.toggleFlip(t, axis)),
      setTrim: (s, e) => {
        const start = s !== null && s > 0 ? s : null;
        const end = e !== null && e < duration ? e : null;
        commit((t) => T.setTrim(t, start, end));
      },
      trimAtPlayhead: (which) => {
        const at = Math.round((original.current?.currentTime ?? origTime) * 100) / 100;
        const c = T.readControls(T.parseTr(session.get().tr));
        const curEnd = c.trim.end ?? (c.trim.duration !== null ? (c.trim.start ?? 0) + c.trim.duration : null);
        if (which === 'start') commit((t) => T.setTrim(t, at > 0 ? at : null, curEnd));
        else commit((t) => T.setTrim(t, c.trim.start, at < duration ? at : null));
      },
      setWatermark: (m) => commit((t) => T.setWatermark(t, m)),
      setOutput: (key, value) =>
        commit((t) => {
          let next = T.setSetting(t, key, value);
          if (key === 'f') {
            // Codecs that the new container can't carry go (the planner would refuse them).
            const c = T.readControls(next);
            const webm = value === 'webm';
            if (c.videoCodec && c.videoCodec !== 'none' && (webm ? c.videoCodec === 'h264' : c.videoCodec !== 'h264'))
              next = T.setSetting(next, 'vc', null);
            if (c.audioCodec && c.audioCodec !== 'none' && (webm ? c.audioCodec === 'aac' : c.audioCodec !== 'aac'))
              next = T.setSetting(next, 'ac', null);
          }
          return next;
        }),
    }),
    [commit, committedCrop, duration, frameH, frameW, origTime, session, video],
  );

  // ---- presets ----
  const presets = useObservable(presetStore);
  const [saving, setSaving] = useState<string | null>(null);
  const [applyHere, setApplyHere] = useState(true);
  useEffect(() => {
    void presetStore.load();
  }, [presetStore]);
  const save = async () => {
    if (saving === null) return;
    try {
      const p = await presetStore.save(saving, st.tr);
      if (applyHere) await presetStore.apply(p.name, [asset.id], true);
      toasts.success(applyHere ? `Saved preset "${p.name}" and applied it to ${asset.name}.` : `Saved preset "${p.name}".`);
      setSaving(null);
    } catch {
      /* the store showed the backend's message */
    }
  };

  // ---- streaming ladder (videos) ----
  const [showLadder, setShowLadder] = useState(false);

  // ---- account label for the URL ----
  const [account, setAccount] = useState<string | null>(null);
  useEffect(() => {
    remoteInfo().then(
      (i) => setAccount(i.label),
      () => setAccount(null),
    );
  }, []);

  // ---- keyboard ----
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => root.current?.focus(), []);
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
      return;
    }
    const t = e.target as Element;
    if (t.closest('input, textarea, select, [contenteditable="true"]') || e.ctrlKey || e.metaKey || e.altKey) return;
    const k = e.key.toLowerCase();
    if (e.key === ' ' && video) {
      e.preventDefault();
      if (playing) pause();
      else play();
    } else if (k === 'r') {
      e.preventDefault();
      actions.turn(e.shiftKey ? -90 : 90);
    } else if (k === 'h') {
      actions.toggleFlip('h');
    } else if (k === 'v') {
      actions.toggleFlip('v');
    } else if (k === 'i' && video) {
      actions.trimAtPlayhead('start');
    } else if (k === 'o' && video) {
      actions.trimAtPlayhead('end');
    } else if (k === 'f' && !e.shiftKey) {
      void session.renderFull();
    }
  };

  // ---- stages ----
  const origStage = useRef<HTMLDivElement>(null);
  const outStage = useRef<HTMLDivElement>(null);
  const origFit = useFit(origStage, frameW || 16, frameH || 9);
  const outW = st.plan?.width ?? frameW;
  const outH = st.plan?.height ?? frameH;
  const outFit = useFit(outStage, outW || 16, outH || 9);

  // Watermark drag on the shop view.
  const mark = controls.watermark;
  const [liveMark, setLiveMark] = useState<{ x: number; y: number } | null>(null);
  const markDrag = useRef<{ sx: number; sy: number; x: number; y: number; scale: number } | null>(null);
  const markBox = mark && st.plan ? markRect(mark, outW, outH) : null;
  const shownMark = markBox && liveMark ? { ...markBox, ...liveMark } : markBox;

  const pct = render && !st.planError ? Math.round(render.progress * 100) : 0;
  useEffect(() => {
    if (st.planError) pause();
  }, [st.planError, pause]);
  const fullReady = render?.mode === 'full' && render.status === 'ready' && render.tr === st.tr;
  const renderLabel = (() => {
    if (st.planError) return 'Fix the transformation to preview it.';
    if (!render) return st.planning ? 'Planning…' : '';
    const what = render.mode === 'fast' ? 'Fast preview (up to 540p)' : 'Full quality';
    if (render.status === 'rendering')
      return render.mode === 'fast' && render.playUrl && render.tr === st.tr
        ? `${what}: playing while it renders — ${pct}%`
        : `${what}: rendering — ${pct}%`;
    if (render.status === 'failed') return `${what} failed: ${render.error ?? 'unknown error'}`;
    const r = render.result;
    return `${what} ready${r ? ` · ${r.width} × ${r.height}` : ''}${r?.cached ? ' · from cache' : ''}`;
  })();

  const transformedImage = !video && playUrl && !isHls(playUrl);

  return (
    <div
      ref={root}
      className="studio"
      role="dialog"
      aria-modal="true"
      aria-label={`Preview studio: ${asset.name}`}
      data-testid="preview-studio"
      data-asset-id={asset.id}
      tabIndex={-1}
      onKeyDown={onKey}
    >
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
                const p = presets.find((x) => x.name === e.target.value);
                if (p) session.setTr(p.tr);
              }}
            >
              <option value="">{presets.length ? 'Start from a preset…' : 'No presets yet'}</option>
              {presets.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name} — {p.tr}
                </option>
              ))}
            </select>
          </label>
          {saving === null ? (
            <button type="button" className="btn btn-small" data-testid="preset-save-open" disabled={st.tr.trim() === '' || st.planError !== null} onClick={() => setSaving('')}>
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
              {controls.crop && (
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

      <div className="studio-main">
        <div className="studio-work">
          <div className="studio-panes">
            <figure className="pane">
              <figcaption>
                <span className="pane-label">Original</span>
                <span className="pane-meta">
                  {frameW} × {frameH}
                  {crop ? ` · crop ${crop.w} × ${crop.h} at ${crop.x}, ${crop.y}` : ''}
                </span>
              </figcaption>
              <div className="stage" ref={origStage}>
                <div className="stage-media" style={{ width: origFit.width, height: origFit.height }}>
                  {video ? (
                    <video
                      ref={original}
                      data-testid="studio-original"
                      src={asset.original_url ?? undefined}
                      muted
                      playsInline
                      preload="auto"
                      onTimeUpdate={(e) => {
                        if (!playUrl) setOrigTime(e.currentTarget.currentTime);
                      }}
                    />
                  ) : (
                    <img data-testid="studio-original" src={asset.original_url ?? undefined} alt={`${asset.name}, original`} />
                  )}
                  {crop && frameW > 0 && (
                    <CropOverlay
                      box={crop}
                      frameW={frameW}
                      frameH={frameH}
                      units={units}
                      even={video}
                      onChange={setLiveCrop}
                      onCommit={(b) => actions.setCrop(b)}
                    />
                  )}
                </div>
              </div>
            </figure>
            <figure className="pane pane-out">
              <figcaption>
                <span className="pane-label">Shop view</span>
                <span className="pane-meta" data-testid="plan-output" data-width={st.plan?.width} data-height={st.plan?.height}>
                  {st.plan ? describePlan(st.plan) : st.planError ? 'Not previewable as written' : 'Planning…'}
                </span>
              </figcaption>
              <div className="stage" ref={outStage}>
                <div className="stage-media" style={{ width: outFit.width, height: outFit.height }}>
                  {video && playUrl && (
                    <PreviewVideo
                      ref={preview}
                      src={playUrl}
                      onTime={(t) => {
                        setTime(t);
                        setOrigTime(trimStart + t);
                        if (playing) syncOriginal(t);
                      }}
                      onWaiting={() => original.current?.pause()}
                      onPlaying={() => {
                        setPlayError(null);
                        if (playing && original.current) Promise.resolve(original.current.play()).catch(() => {});
                      }}
                      onEnded={() => {
                        original.current?.pause();
                        setPlaying(false);
                      }}
                      onError={setPlayError}
                    />
                  )}
                  {transformedImage && <img data-testid="studio-preview" src={playUrl} alt={`${asset.name}, as the shop shows it`} />}
                  {shownMark && outFit.width > 0 && (
                    <div
                      className="wm-handle"
                      data-testid="wm-handle"
                      title="Drag to place the watermark"
                      style={{
                        left: `${(shownMark.x / outW) * 100}%`,
                        top: `${(shownMark.y / outH) * 100}%`,
                        width: `${(shownMark.w / outW) * 100}%`,
                        height: `${(shownMark.h / outH) * 100}%`,
                      }}
                      onPointerDown={(e) => {
                        if (e.button !== 0 || !markBox) return;
                        e.preventDefault();
                        (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
                        markDrag.current = { sx: e.clientX, sy: e.clientY, x: markBox.x, y: markBox.y, scale: mediaScale(e.currentTarget.parentElement, outW) };
                      }}
                      onPointerMove={(e) => {
                        const d = markDrag.current;
                        if (!d || !markBox) return;
                        const x = Math.round(Math.max(0, Math.min(outW - markBox.w, d.x + (e.clientX - d.sx) * d.scale)));
                        const y = Math.round(Math.max(0, Math.min(outH - markBox.h, d.y + (e.clientY - d.sy) * d.scale)));
                        setLiveMark({ x, y });
                      }}
                      onPointerUp={() => {
                        markDrag.current = null;
                        if (liveMark && mark) actions.setWatermark({ ...mark, x: liveMark.x, y: liveMark.y });
                        setLiveMark(null);
                      }}
                    />
                  )}
                  {!playUrl && (
                    <div className={`stage-wait${st.planError ? ' blocked' : ''}`} data-testid="stage-wait">
                      {st.planError ? 'This transformation can’t be made as written — see the fix below.' : 'Rendering the first frames…'}
                    </div>
                  )}
                  {stale && (
                    <span className="stage-badge" data-testid="stage-updating">
                      Updating…
                    </span>
                  )}
                </div>
              </div>
            </figure>
          </div>

          {video && (
            <div className="transport">
              <button
                type="button"
                className="btn btn-small btn-square"
                data-testid="play-toggle"
                aria-label={playing ? 'Pause both' : 'Play both'}
                title={playing ? 'Pause (Space)' : 'Play both together (Space)'}
                disabled={!playUrl}
                onClick={() => (playing ? pause() : play())}
              >
                {playing ? '❚❚' : '▶'}
              </button>
              <span className="transport-time" data-testid="studio-time">
                {formatClock(time)} / {formatClock(outDuration)}
              </span>
              <input
                type="range"
                className="scrub"
                data-testid="studio-scrub"
                aria-label="Position"
                min={0}
                max={outDuration || 1}
                step={0.04}
                value={Math.min(time, outDuration)}
                disabled={!playUrl}
                onChange={(e) => seek(Number(e.target.value))}
              />
              {playError && <span className="transport-error">{playError}</span>}
            </div>
          )}
          {video && duration > 0 && (
            <Timeline
              duration={duration}
              start={controls.trim.start ?? 0}
              end={controls.trim.end ?? (controls.trim.duration !== null ? (controls.trim.start ?? 0) + controls.trim.duration : duration)}
              time={origTime}
              onTrim={(s, e) => actions.setTrim(s, e)}
              onSeek={(t) => seek(t - trimStart)}
            />
          )}

          <div className="render-bar" data-testid="render-status" data-tr={render?.tr ?? ''} data-mode={render?.mode ?? ''} data-state={st.planError ? 'blocked' : (render?.status ?? 'idle')}>
            <div
              className={`progress render-progress ${st.planError ? '' : (render?.status ?? '')}`}
              role="progressbar"
              aria-label="Preview rendering"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={pct}
              data-testid="render-progress"
            >
              <div className="progress-fill" style={{ width: `${pct}%` }} />
            </div>
            <span className="render-label">{renderLabel}</span>
            <button
              type="button"
              className="btn btn-small btn-primary"
              data-testid="render-full"
              title="Render exactly what the delivery URL gives (F)"
              disabled={st.planError !== null || st.plan === null || (render?.mode === 'full' && render.status === 'rendering') || fullReady}
              onClick={() => void session.renderFull()}
            >
              {fullReady ? 'Full quality shown' : 'Render full quality'}
            </button>
            {video && (
              <button
                type="button"
                className={`btn btn-small${showLadder ? ' btn-on' : ''}`}
                data-testid="ladder-toggle"
                aria-expanded={showLadder}
                title="The adaptive-bitrate ladder (HLS / DASH) the remote streams: renditions, URL, a local render"
                onClick={() => setShowLadder((v) => !v)}
              >
                Streaming ladder
              </button>
            )}
          </div>
          {video && showLadder && <LadderPanel asset={asset} tr={st.tr} debounceMs={debounceMs} />}
          <ToastStack />
        </div>

        <StudioControls asset={asset} controls={controls} crop={crop} aspect={aspect} actions={actions} />
      </div>

      <footer className="studio-foot">
        <div className="foot-row">
          <label htmlFor="studio-tr" className="foot-label">
            Transformation
          </label>
          <input
            id="studio-tr"
            className={`tr-input mono${st.planError ? ' invalid' : ''}`}
            data-testid="tr-input"
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder="Type a tr, e.g. w-1080,h-1080:rt-90 — or use the controls"
            value={st.tr}
            aria-invalid={st.planError ? true : undefined}
            aria-describedby={st.planError ? 'studio-plan-error' : undefined}
            onChange={(e) => session.setTr(e.target.value)}
          />
          <button
            type="button"
            className="btn btn-small"
            data-testid="tr-copy"
            onClick={() => copyText(st.tr).then(() => toasts.info('Transformation copied.'), (e: Error) => toasts.error(e.message))}
          >
            Copy
          </button>
        </div>
        <div className="foot-row">
          <span className="foot-label">Delivery URL</span>
          <UrlRow
            url={st.url}
            error={st.urlError}
            signed={st.signed}
            onSigned={(v) => session.setSigned(v)}
            testId="delivery-url"
            controls="url"
            what="Delivery URL"
          />
        </div>
        <div className="foot-notes">
          {account && <span className="foot-account">On {account}</span>}
          {st.planError && (
            <p className="plan-error" id="studio-plan-error" role="alert" data-testid="plan-error">
              {st.planError}
            </p>
          )}
          {st.plan?.notes.map((n) => (
            <p className="plan-note" key={n} data-testid="plan-note">
              {n}
            </p>
          ))}
          {st.plan && st.plan.not_previewable.length > 0 && (
            <div className="not-previewable" data-testid="plan-not-previewable">
              <span>Not previewable locally (kept in the URL):</span>
              {st.plan.not_previewable.map((n) => (
                <code key={`${n.step}-${n.param}`} title={n.reason} data-testid="not-previewable-param">
                  {n.param}
                </code>
              ))}
            </div>
          )}
        </div>
      </footer>
    </div>
  );
}
