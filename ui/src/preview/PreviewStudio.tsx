// The preview studio: the original and the shop's version side by side (videos play, pause and
// seek together), the controls that edit the transformation, and the exact `tr` and delivery URL
// that produce what you see — all rendered locally, offline.
//
// This file lays the studio out; each concern lives beside it: the session and its `tr`
// (`usePreviewSession`), the crop being dragged (`useStudioCrop`), the two players kept together
// (`useSyncedPlayers`), the edits (`useStudioActions`), the keyboard (`useStudioKeys`), presets
// (`useStudioPresets`, `StudioHeader`), the watermark handle, the render bar and the foot.

import { useEffect, useRef, useState } from 'react';

import { ToastStack } from '@/app/ToastStack';
import type { Asset } from '@/ipc/api';
import { CompareDialog, usePublished } from '@/preview/CompareDialog';
import { CropOverlay } from '@/preview/CropOverlay';
import { describePlan, formatClock } from '@/preview/format';
import { LadderPanel } from '@/preview/LadderPanel';
import { PreviewVideo, isHls } from '@/preview/PreviewVideo';
import { RenderBar } from '@/preview/RenderBar';
import { StudioControls } from '@/preview/StudioControls';
import { StudioFooter, useAccountLabel } from '@/preview/StudioFooter';
import { StudioHeader } from '@/preview/StudioHeader';
import { Timeline } from '@/preview/Timeline';
import { usePreviewSession } from '@/preview/usePreviewSession';
import { useFit } from '@/preview/useFit';
import { useStudioActions } from '@/preview/useStudioActions';
import { useStudioCrop } from '@/preview/useStudioCrop';
import { useStudioKeys } from '@/preview/useStudioKeys';
import { useStudioPresets } from '@/preview/useStudioPresets';
import { useSyncedPlayers } from '@/preview/useSyncedPlayers';
import { WatermarkHandle } from '@/preview/WatermarkHandle';

interface Props {
  asset: Asset;
  onClose: () => void;
  /** The `tr` to start from (e.g. a preset's). */
  initialTr?: string;
  /** For tests: how long to wait after an edit before planning. */
  debounceMs?: number;
}

export function PreviewStudio({ asset, onClose, initialTr = '', debounceMs = 200 }: Props) {
  const { session, st, controls, commit } = usePreviewSession(asset, initialTr, debounceMs);

  const video = asset.kind === 'video';
  const frameW = asset.width ?? 0;
  const frameH = asset.height ?? 0;
  const duration = asset.duration_s ?? 0;

  const { committedCrop, crop, setLiveCrop, aspect, setAspect, units } = useStudioCrop(controls, frameW, frameH);

  const trimStart = st.plan?.trim_s?.[0] ?? controls.trim.start ?? 0;
  const outDuration = st.plan?.duration_s ?? duration;
  const render = st.render;
  // Nothing is shown for a transformation that can't be made: an older picture would mislead.
  const playUrl = st.planError ? null : (render?.playUrl ?? null);
  const stale = playUrl !== null && render?.playTr !== st.tr;
  const { original, preview, playing, setPlaying, time, setTime, origTime, setOrigTime, playError, setPlayError, syncOriginal, play, pause, seek } =
    useSyncedPlayers(trimStart, outDuration, playUrl);

  const actions = useStudioActions({ session, commit, video, frameW, frameH, duration, committedCrop, setLiveCrop, setAspect, original, origTime });

  const presets = useStudioPresets(asset, st.tr);

  // ---- streaming ladder (videos) ----
  const [showLadder, setShowLadder] = useState(false);

  // ---- Compare with the shop (published assets) ----
  const published = usePublished(asset);
  const [comparing, setComparing] = useState(false);

  const account = useAccountLabel();

  const { root, onKey } = useStudioKeys({ video, playing, play, pause, actions, renderFull: () => void session.renderFull(), onClose });

  // ---- stages ----
  const origStage = useRef<HTMLDivElement>(null);
  const outStage = useRef<HTMLDivElement>(null);
  const origFit = useFit(origStage, frameW || 16, frameH || 9);
  const outW = st.plan?.width ?? frameW;
  const outH = st.plan?.height ?? frameH;
  const outFit = useFit(outStage, outW || 16, outH || 9);
  const mark = controls.watermark;

  const pct = render && !st.planError ? Math.round(render.progress * 100) : 0;
  useEffect(() => {
    if (st.planError) pause();
  }, [st.planError, pause]);

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
      <StudioHeader
        asset={asset}
        presets={presets}
        onPick={(tr) => session.setTr(tr)}
        saveDisabled={st.tr.trim() === '' || st.planError !== null}
        hasCrop={controls.crop !== null}
        onClose={onClose}
      />

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
                  {mark && st.plan && outFit.width > 0 && (
                    <WatermarkHandle mark={mark} outW={outW} outH={outH} onPlace={(m) => actions.setWatermark(m)} />
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

          <RenderBar
            st={st}
            video={video}
            pct={pct}
            showLadder={showLadder}
            onToggleLadder={() => setShowLadder((v) => !v)}
            onRenderFull={() => void session.renderFull()}
            onCompare={published ? () => setComparing(true) : undefined}
          />
          {video && showLadder && <LadderPanel asset={asset} tr={st.tr} debounceMs={debounceMs} />}
          <ToastStack />
        </div>

        <StudioControls asset={asset} controls={controls} crop={crop} aspect={aspect} actions={actions} />
      </div>

      <StudioFooter session={session} st={st} account={account} />
      {comparing && <CompareDialog asset={asset} tr={st.tr} onClose={() => setComparing(false)} />}
    </div>
  );
}
