// Settings → Watched folders: the folders Stockroom picks new files up from by itself, each with
// its rules (remote folder, default tags and metadata, automatic upload, excludes), how it is
// watched (polling, offline, paused, checking), and the settle time.

import { useEffect, useState } from 'react';

import { useServices } from '@/app/context';
import { useObservable } from '@/app/store';
import { metadataFields, pickFolder, toApiError } from '@/ipc/api';
import type { JsonValue, MetadataField, WatchFolder, WatchFolderRequest } from '@/ipc/api';

/** Splits "a, b\nc" into ["a", "b", "c"]. */
export function splitList(s: string): string[] {
  return s
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter(Boolean);
}

/** A typed value for a metadata field, from what was typed (numbers, yes/no, lists). */
export function metadataValue(field: MetadataField | undefined, raw: string): JsonValue {
  const t = raw.trim();
  switch (field?.field_type) {
    case 'Number': {
      const n = Number(t.replace(',', '.'));
      return t !== '' && Number.isFinite(n) ? n : t;
    }
    case 'Boolean':
      return /^(true|yes|on|1)$/i.test(t);
    case 'MultiSelect':
      return splitList(t);
    default:
      return t;
  }
}

export function WatchSection() {
  const { watch } = useServices();
  const v = useObservable(watch);
  const [adding, setAdding] = useState(false);
  useEffect(() => {
    void watch.refresh();
  }, [watch]);
  const folders = v.status?.folders ?? [];
  return (
    <section className="settings-section" aria-labelledby="watch-title" data-testid="settings-watch">
      <h3 id="watch-title" className="section-title">
        Watched folders
      </h3>
      <p className="settings-note settings-intro">
        New photos, videos and audio that land in these folders come into the library by themselves, once they are
        completely written. Files that disappear are marked missing, never deleted.
      </p>
      {v.error && (
        <p className="section-error" role="alert">
          {v.error}
        </p>
      )}
      {v.status?.held_by && (
        <p className="settings-note" data-testid="watch-held-by">
          {v.status.held_by}
        </p>
      )}
      {folders.length > 0 && (
        <ul className="watch-list" data-testid="watch-list">
          {folders.map((f) => (
            <WatchRow key={f.id} folder={f} />
          ))}
        </ul>
      )}
      {v.loaded && folders.length === 0 && !adding && (
        <p className="settings-note" data-testid="watch-none">
          No folder is watched yet.
        </p>
      )}
      {adding ? (
        <WatchForm onDone={() => setAdding(false)} />
      ) : (
        <div className="settings-actions">
          <button type="button" className="btn btn-small" data-testid="watch-add-open" onClick={() => setAdding(true)}>
            Watch a folder…
          </button>
        </div>
      )}
      <SettleSetting />
    </section>
  );
}

function WatchRow({ folder: f }: { folder: WatchFolder }) {
  const { watch } = useServices();
  const [confirming, setConfirming] = useState(false);
  const meta = Object.entries(f.metadata);
  return (
    <li className="watch-row" data-testid="watch-folder" data-path={f.path} data-mode={f.mode} data-health={f.health} data-paused={f.paused ? 'true' : 'false'}>
      <div className="watch-row-head">
        <span className="watch-path" title={f.path} data-testid="watch-path">
          {f.path}
        </span>
        <span className="watch-badges">
          {f.paused && <span className="watch-badge watch-badge-paused" data-testid="watch-badge-paused">Paused</span>}
          {f.health === 'offline' && (
            <span className="watch-badge watch-badge-offline" data-testid="watch-badge-offline">
              Offline
            </span>
          )}
          {f.mode === 'polling' && (
            <span className="watch-badge watch-badge-polling" data-testid="watch-badge-polling" title={f.mode_reason ?? undefined}>
              Polling
            </span>
          )}
          {f.scanning && (
            <span className="watch-badge" data-testid="watch-badge-scanning">
              Checking {f.scanning.done.toLocaleString('en-US')} / {f.scanning.total.toLocaleString('en-US')}
            </span>
          )}
          {f.waiting > 0 && (
            <span className="watch-badge" data-testid="watch-badge-waiting">
              {f.waiting} not in the library
            </span>
          )}
        </span>
      </div>
      <div className="watch-rules">
        <span>
          Remote folder <span className="watch-remote" data-testid="watch-remote">{f.remote_folder}</span>
        </span>
        {f.tags.length > 0 && (
          <span className="watch-tags">
            {f.tags.map((t) => (
              <span key={t} className="tag-badge" data-testid="watch-tag">
                {t}
              </span>
            ))}
          </span>
        )}
        {meta.length > 0 && <span>{meta.map(([k, val]) => `${k}: ${Array.isArray(val) ? val.join(', ') : String(val)}`).join(' · ')}</span>}
        {f.auto_upload && <span>uploads automatically</span>}
        {f.excludes.length > 0 && <span title={f.excludes.join('\n')}>skips {f.excludes.join(', ')}</span>}
      </div>
      {f.health === 'offline' && f.health_reason && (
        <p className="watch-reason watch-reason-offline" data-testid="watch-offline-reason">
          {f.health_reason}
        </p>
      )}
      {f.mode === 'polling' && f.mode_reason && (
        <p className="watch-reason" data-testid="watch-mode-reason">
          {f.mode_reason}
        </p>
      )}
      {confirming ? (
        <div className="watch-confirm" role="alert" data-testid="watch-remove-confirm">
          <span>Stop watching this folder? Its files and the assets already in the library stay.</span>
          <button
            type="button"
            className="btn btn-small btn-danger"
            data-testid="watch-remove-yes"
            onClick={() => {
              setConfirming(false);
              watch.remove(f.id).catch(() => {});
            }}
          >
            Stop watching
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <div className="settings-actions">
          <button type="button" className="btn btn-small" data-testid="watch-pause" onClick={() => watch.setPaused(f.id, !f.paused).catch(() => {})}>
            {f.paused ? 'Resume' : 'Pause'}
          </button>
          <button type="button" className="btn btn-small btn-ghost" data-testid="watch-remove" onClick={() => setConfirming(true)}>
            Remove…
          </button>
        </div>
      )}
    </li>
  );
}

interface MetaRow {
  key: string;
  value: string;
}

function WatchForm({ onDone }: { onDone: () => void }) {
  const { watch, toasts } = useServices();
  const [path, setPath] = useState('');
  const [remote, setRemote] = useState('');
  const [tags, setTags] = useState('');
  const [rows, setRows] = useState<MetaRow[]>([]);
  const [autoUpload, setAutoUpload] = useState(false);
  const [excludes, setExcludes] = useState('');
  const [fields, setFields] = useState<MetadataField[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    metadataFields().then(setFields, () => setFields([]));
  }, []);

  const pathProblem = path.trim() === '' ? 'Choose a folder, or type its full path.' : null;

  const choose = async () => {
    try {
      const p = await pickFolder();
      if (p) setPath(p);
    } catch (e) {
      setError(toApiError(e).message);
    }
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (pathProblem || busy) return;
    const metadata: Record<string, JsonValue> = {};
    for (const r of rows) {
      if (!r.key) continue;
      metadata[r.key] = metadataValue(
        fields.find((f) => f.name === r.key),
        r.value,
      );
    }
    const req: WatchFolderRequest = {
      path: path.trim(),
      remote_folder: remote.trim() || null,
      tags: splitList(tags),
      metadata,
      auto_upload: autoUpload,
      excludes: splitList(excludes),
    };
    setBusy(true);
    try {
      const f = await watch.add(req);
      toasts.success(`Now watching ${f.path}.`);
      onDone();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="imagekit-form watch-form" data-testid="watch-form" onSubmit={(e) => void submit(e)} noValidate autoComplete="off">
      <label className="form-row">
        <span>Folder on this computer</span>
        <input
          type="text"
          data-testid="watch-path-input"
          placeholder="/home/you/Shoots"
          spellCheck={false}
          value={path}
          className={touched && pathProblem ? 'invalid' : undefined}
          onChange={(e) => setPath(e.target.value)}
        />
        <button type="button" className="btn btn-small" data-testid="watch-choose" onClick={() => void choose()}>
          Choose…
        </button>
      </label>
      {touched && pathProblem && <p className="field-error">{pathProblem}</p>}
      <label className="form-row">
        <span>Remote folder</span>
        <input type="text" data-testid="watch-remote-input" placeholder="/ (subfolders map to subfolders)" spellCheck={false} value={remote} onChange={(e) => setRemote(e.target.value)} />
      </label>
      <label className="form-row">
        <span>Tags</span>
        <input type="text" data-testid="watch-tags-input" placeholder="e.g. summer, shoot-12" value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      {rows.map((r, i) => {
        const f = fields.find((x) => x.name === r.key);
        return (
          <div className="form-row" key={i} data-testid="watch-meta-row">
            <select
              className="field-input"
              aria-label="Metadata field"
              data-testid="watch-meta-key"
              value={r.key}
              onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))}
            >
              <option value="">Choose a field</option>
              {fields.map((x) => (
                <option key={x.name} value={x.name}>
                  {x.label}
                </option>
              ))}
            </select>
            <input
              type="text"
              aria-label={`Value of ${f?.label ?? 'the field'}`}
              data-testid="watch-meta-value"
              placeholder={f?.field_type === 'Boolean' ? 'yes or no' : f?.select_options ? f.select_options.join(', ') : 'value'}
              value={r.value}
              onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))}
            />
            <button type="button" className="btn btn-small btn-ghost" aria-label="Remove this field" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
        );
      })}
      <div className="form-row">
        <span>Metadata</span>
        <span>
          <button type="button" className="btn btn-small" data-testid="watch-meta-add" onClick={() => setRows([...rows, { key: '', value: '' }])}>
            Add a field
          </button>
        </span>
      </div>
      <label className="form-row">
        <span>Skip</span>
        <input type="text" data-testid="watch-excludes-input" placeholder="e.g. proxies/**, *.xmp" spellCheck={false} value={excludes} onChange={(e) => setExcludes(e.target.value)} />
      </label>
      <label className="check">
        <input type="checkbox" checked={autoUpload} onChange={(e) => setAutoUpload(e.target.checked)} data-testid="watch-auto-upload" />
        Queue new files for upload as soon as they are in the library
      </label>
      {error && (
        <p className="section-error" role="alert" data-testid="watch-error">
          {error}
        </p>
      )}
      <div className="settings-actions">
        <button type="submit" className="btn btn-small btn-primary" data-testid="watch-add" disabled={busy}>
          {busy ? 'Adding…' : 'Watch this folder'}
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function SettleSetting() {
  const { watch } = useServices();
  const [saved, setSaved] = useState<number | null>(null);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    watch.settings().then(
      (s) => {
        setSaved(s.settle_ms);
        setValue(String(s.settle_ms / 1000));
      },
      (e) => setError(toApiError(e).message),
    );
  }, [watch]);
  const secs = Number(value.replace(',', '.'));
  const problem = value.trim() !== '' && Number.isFinite(secs) && secs >= 0.2 && secs <= 600 ? null : 'Choose 0.2 to 600 seconds.';
  const ms = problem ? null : Math.round(secs * 1000);
  const dirty = saved !== null && ms !== null && ms !== saved;
  const save = async () => {
    if (ms === null) return;
    try {
      const s = await watch.saveSettings({ settle_ms: ms });
      setSaved(s.settle_ms);
      setValue(String(s.settle_ms / 1000));
      setError(null);
    } catch (e) {
      setError(toApiError(e).message);
    }
  };
  return (
    <div className="watch-settle">
      <label className="form-row">
        <span>Wait until a file is still for</span>
        <input type="text" inputMode="decimal" data-testid="watch-settle" value={value} className={problem ? 'invalid' : undefined} onChange={(e) => setValue(e.target.value)} />
        <span className="filter-unit">seconds</span>
      </label>
      {problem && saved !== null && <p className="field-error">{problem}</p>}
      <p className="settings-note">A file comes in once its size and time have not changed for this long. Longer suits slow network copies.</p>
      {error && (
        <p className="section-error" role="alert">
          {error}
        </p>
      )}
      <div className="settings-actions">
        <button type="button" className="btn btn-small btn-primary" data-testid="watch-settle-save" disabled={!dirty} onClick={() => void save()}>
          Save
        </button>
      </div>
    </div>
  );
}
