// "Publish": what goes to the media library with the selection — a streaming version of each video
// (HLS or DASH, the renditions as toggles), extra derived versions (any `tr`) and a thumbnail —
// checked by the backend as it is edited (the same check the CLI runs, offline), with the reason
// and the nearest valid setting, so nothing is queued that the media library would refuse.

import { useEffect, useMemo, useState } from 'react';

import { useServices } from '@/app/context';
import { Modal } from '@/app/Modal';
import { checkPostTransformations, getAsset, toApiError } from '@/ipc/api';
import type { Asset } from '@/ipc/api';
import { defaultRungs, RUNGS } from '@/preview/ladder';
import { defaultChoice, describePost, postFor } from '@/uploads/publish';
import type { PublishChoice } from '@/uploads/publish';
import { publishRequest } from '@/uploads/queueStore';

interface Props {
  ids: number[];
  onClose: () => void;
  /** After the jobs are queued. */
  onQueued: () => void;
  /** For tests: how long to wait after an edit before checking. */
  debounceMs?: number;
}

type Check = { state: 'idle' | 'checking' | 'ok' } | { state: 'invalid'; message: string };

export function PublishDialog({ ids, onClose, onQueued, debounceMs = 250 }: Props) {
  const { assets, uploads } = useServices();
  // The kinds decide what applies (a ladder is for videos): assets the grid has not loaded (a
  // select-all over a long library) are read once.
  const [fetched, setFetched] = useState<Map<number, Asset | null>>(new Map());
  const missing = ids.filter((id) => !assets.byId(id) && !fetched.has(id));
  const missingKey = missing.join();
  useEffect(() => {
    if (missing.length === 0) return;
    let live = true;
    Promise.all(missing.map((id) => getAsset(id).catch(() => null))).then((got) => {
      if (!live) return;
      setFetched((m) => {
        const next = new Map(m);
        missing.forEach((id, i) => next.set(id, got[i] ?? null));
        return next;
      });
    });
    return () => {
      live = false;
    };
    // The missing ids, not the array's identity.
  }, [missingKey]);
  const known = ids.map((id) => assets.byId(id) ?? fetched.get(id)).filter((a): a is Asset => a !== undefined && a !== null);
  const reading = missing.length > 0;
  const videos = known.filter((a) => a.kind === 'video');
  const others = known.filter((a) => a.kind !== 'video');
  // The largest video (by its short side) decides the default renditions and the hint.
  const tallest = { w: 0, h: 0 };
  for (const v of videos) {
    if (Math.min(v.width ?? 0, v.height ?? 0) > Math.min(tallest.w, tallest.h)) Object.assign(tallest, { w: v.width ?? 0, h: v.height ?? 0 });
  }
  const [choice, setChoice] = useState<PublishChoice>(() => defaultChoice(defaultRungs(tallest.w || null, tallest.h || null)));
  const [check, setCheck] = useState<Check>({ state: 'idle' });
  const [queueing, setQueueing] = useState(false);
  const change = (f: (c: PublishChoice) => PublishChoice) => setChoice((c) => f(c));

  const videoPost = useMemo(() => postFor(choice, true), [choice]);
  const otherPost = useMemo(() => postFor(choice, false), [choice]);

  // The backend's check (what it refuses depends on the kind: a ladder is for videos), per kind.
  const validate = async (): Promise<string | null> => {
    const probes: [Asset[], ReturnType<typeof postFor>, string][] = [];
    if (videos.length && videoPost.length) probes.push([videos, videoPost, 'For the videos']);
    if (others.length && otherPost.length) probes.push([others, otherPost, 'For the photos and other files']);
    for (const [group, post, what] of probes) {
      try {
        await checkPostTransformations(
          group.map((a) => a.id),
          post,
        );
      } catch (e) {
        const msg = toApiError(e).message;
        return probes.length > 1 ? `${what}: ${msg}` : msg;
      }
    }
    return null;
  };

  useEffect(() => {
    if (videoPost.length === 0 && otherPost.length === 0) {
      setCheck({ state: 'ok' });
      return;
    }
    let live = true;
    setCheck({ state: 'checking' });
    const t = setTimeout(() => {
      void validate().then((problem) => {
        if (live) setCheck(problem ? { state: 'invalid', message: problem } : { state: 'ok' });
      });
    }, debounceMs);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [videoPost, otherPost, debounceMs, known.length]);

  const publish = async () => {
    setQueueing(true);
    try {
      const problem = await validate();
      if (problem) {
        setCheck({ state: 'invalid', message: problem });
        return;
      }
      const plain = videoPost.length === 0 && otherPost.length === 0;
      if (plain) {
        // Nothing extra: one request as before.
        await uploads.add(publishRequest(ids));
      } else {
        if (videos.length) await uploads.add({ ...publishRequest(videos.map((a) => a.id)), post_transformations: videoPost });
        if (others.length) await uploads.add({ ...publishRequest(others.map((a) => a.id)), post_transformations: otherPost });
      }
      onQueued();
    } catch {
      /* shown as a toast by the queue */
    } finally {
      setQueueing(false);
    }
  };

  const n = ids.length;
  const kinds = [videos.length ? `${videos.length} ${videos.length === 1 ? 'video' : 'videos'}` : '', others.length ? `${others.length} ${others.length === 1 ? 'photo or file' : 'photos and files'}` : '']
    .filter(Boolean)
    .join(' and ');
  return (
    <Modal
      title={`Publish ${n === 1 ? (known[0]?.name ?? '1 asset') : `${n.toLocaleString('en-US')} assets`}`}
      titleId="publish-title"
      onClose={onClose}
      closeLabel="Close without publishing"
      testId="publish-dialog"
    >
      <p className="settings-note">
        {kinds ? `${kinds[0]!.toUpperCase()}${kinds.slice(1)}` : 'The selection'} {n === 1 ? 'goes' : 'go'} to the media library with {n === 1 ? 'its' : 'their'} folder, tags and metadata.
        The media library can also make versions of {n === 1 ? 'it' : 'them'} after the upload:
      </p>

      <section className="settings-section publish-section" aria-label="Streaming version">
        <label className="check-field">
          <input
            type="checkbox"
            data-testid="publish-ladder"
            checked={choice.ladder}
            disabled={videos.length === 0}
            onChange={(e) => change((c) => ({ ...c, ladder: e.target.checked }))}
          />
          <span>Streaming version (adaptive bit rate){videos.length === 0 ? ' — for videos only' : ''}</span>
        </label>
        {choice.ladder && videos.length > 0 && (
          <div className="publish-ladder">
            <div className="publish-row" role="radiogroup" aria-label="Streaming format">
              {(['hls', 'dash'] as const).map((f) => (
                <button
                  key={f}
                  type="button"
                  role="radio"
                  aria-checked={choice.format === f}
                  className={`chip-toggle${choice.format === f ? ' on' : ''}`}
                  data-testid={`publish-format-${f}`}
                  onClick={() => change((c) => ({ ...c, format: f }))}
                >
                  {f === 'hls' ? 'HLS (ik-master.m3u8)' : 'DASH (ik-master.mpd)'}
                </button>
              ))}
            </div>
            <div className="publish-row" role="group" aria-label="Renditions">
              {RUNGS.map((sr) => {
                const on = choice.rungs.includes(sr);
                return (
                  <button
                    key={sr}
                    type="button"
                    aria-pressed={on}
                    className={`chip-toggle${on ? ' on' : ''}`}
                    data-testid="publish-rung"
                    data-rung={sr}
                    onClick={() =>
                      change((c) => ({ ...c, rungs: on ? c.rungs.filter((r) => r !== sr) : [...c.rungs, sr].sort((a, b) => a - b) }))
                    }
                  >
                    {sr}p
                  </button>
                );
              })}
            </div>
            {tallest.h > 0 && choice.rungs.some((r) => r > Math.min(tallest.w, tallest.h)) && (
              <p className="field-hint" data-testid="publish-rung-hint">
                Renditions above {Math.min(tallest.w, tallest.h)}p come out at the source’s size: they add storage, not quality.
              </p>
            )}
          </div>
        )}
      </section>

      <section className="settings-section publish-section" aria-label="Extra versions">
        <div className="field-label">Extra versions</div>
        {choice.versions.map((v, i) => (
          <div className="field-row publish-version" key={i}>
            <input
              type="text"
              className="field-input"
              data-testid="publish-version"
              aria-label={`Version ${i + 1} transformation`}
              placeholder="w-800,h-800,f-webp"
              value={v}
              spellCheck={false}
              onChange={(e) => change((c) => ({ ...c, versions: c.versions.map((x, j) => (j === i ? e.target.value : x)) }))}
            />
            <button
              type="button"
              className="btn btn-small btn-ghost"
              aria-label={`Remove version ${i + 1}`}
              onClick={() => change((c) => ({ ...c, versions: c.versions.filter((_, j) => j !== i) }))}
            >
              Remove
            </button>
          </div>
        ))}
        <button type="button" className="btn btn-small" data-testid="publish-add-version" onClick={() => change((c) => ({ ...c, versions: [...c.versions, ''] }))}>
          Add a version
        </button>
        <div className="field-row publish-thumb">
          <label className="check-field">
            <input
              type="checkbox"
              data-testid="publish-thumbnail"
              checked={choice.thumbnail}
              disabled={videos.length === 0}
              onChange={(e) => change((c) => ({ ...c, thumbnail: e.target.checked }))}
            />
            <span>Thumbnail{videos.length === 0 ? ' — for videos only' : ''}</span>
          </label>
          {choice.thumbnail && videos.length > 0 && (
            <input
              type="text"
              className="field-input"
              data-testid="publish-thumbnail-tr"
              aria-label="Thumbnail transformation"
              placeholder="optional, e.g. w-400,so-2"
              value={choice.thumbnailTr}
              spellCheck={false}
              onChange={(e) => change((c) => ({ ...c, thumbnailTr: e.target.value }))}
            />
          )}
        </div>
      </section>

      {(videoPost.length > 0 || otherPost.length > 0) && (
        <section className="settings-section publish-summary" data-testid="publish-summary" aria-label="What the media library makes">
          {videos.length > 0 && videoPost.length > 0 && (
            <p>
              <strong>Each video:</strong> {videoPost.map(describePost).join('; ')}
            </p>
          )}
          {others.length > 0 && otherPost.length > 0 && (
            <p>
              <strong>Each photo or file:</strong> {otherPost.map(describePost).join('; ')}
            </p>
          )}
        </section>
      )}

      {check.state === 'invalid' && (
        <p className="plan-error" role="alert" data-testid="publish-error">
          {check.message}
        </p>
      )}

      <div className="settings-actions">
        <button
          type="button"
          className="btn btn-primary"
          data-testid="publish-confirm"
          disabled={queueing || reading || check.state === 'invalid' || check.state === 'checking'}
          onClick={() => void publish()}
        >
          {queueing ? 'Queueing…' : reading ? 'Reading the selection…' : check.state === 'checking' ? 'Checking…' : 'Publish'}
        </button>
        <button type="button" className="btn btn-ghost" data-testid="publish-cancel" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
