// Filters under the top bar: kind, status, tags (all of them), folder, duration and size ranges,
// and the saved searches.

import { useEffect, useState } from 'react';

import { useServices } from '@/app/context';
import { CloseIcon } from '@/app/icons';
import { useObservable } from '@/app/store';
import { folders as listFolders } from '@/ipc/api';
import type { AssetKind, AssetStatus } from '@/ipc/bindings';
import type { Folder } from '@/ipc/dto';
import { EMPTY_SEARCH, rangeProblems } from '@/search/request';
import type { SearchState } from '@/search/request';

const KINDS: [AssetKind, string][] = [
  ['video', 'Videos'],
  ['image', 'Images'],
  ['audio', 'Audio'],
  ['other', 'Other'],
];

const STATUSES: [AssetStatus, string][] = [
  ['local', 'Local'],
  ['missing', 'Missing'],
  ['remote_only', 'Only on the media library'],
];

function toggle<T>(list: T[], v: T): T[] {
  return list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
}

export function FilterBar() {
  const { search } = useServices();
  const s = useObservable(search.state);
  const saved = useObservable(search.saved);
  const activeSaved = useObservable(search.activeSaved);
  const [folderList, setFolderList] = useState<Folder[]>([]);
  const [tag, setTag] = useState('');
  const [saveName, setSaveName] = useState<string | null>(null);
  const problems = rangeProblems(s);

  useEffect(() => {
    listFolders().then(setFolderList, () => setFolderList([]));
    void search.loadSaved();
  }, [search]);

  const range = (from: keyof SearchState, to: keyof SearchState, label: string, unit: string) => (
    <div className="filter-group" data-testid={`filter-${String(from)}`}>
      <span className="filter-label">{label}</span>
      {[from, to].map((k, i) => (
        <input
          key={String(k)}
          type="text"
          inputMode="decimal"
          className={`field-input range-input${problems[k] ? ' invalid' : ''}`}
          aria-label={`${label} ${i === 0 ? 'from' : 'to'} (${unit})`}
          title={problems[k]}
          placeholder={i === 0 ? 'from' : 'to'}
          value={s[k] as string}
          onChange={(e) => search.update({ [k]: e.target.value }, true)}
        />
      ))}
      <span className="filter-unit">{unit}</span>
    </div>
  );
  const problemText = Object.values(problems)[0];

  return (
    <div className="filter-bar" data-testid="filter-bar" role="region" aria-label="Filters">
      <div className="filter-group">
        <span className="filter-label">Kind</span>
        {KINDS.map(([k, label]) => (
          <button
            key={k}
            type="button"
            className={`chip-toggle${s.kinds.includes(k) ? ' on' : ''}`}
            aria-pressed={s.kinds.includes(k)}
            data-testid={`filter-kind-${k}`}
            onClick={() => search.update({ kinds: toggle(s.kinds, k) })}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="filter-group">
        <span className="filter-label">Status</span>
        {STATUSES.map(([k, label]) => (
          <button
            key={k}
            type="button"
            className={`chip-toggle${s.statuses.includes(k) ? ' on' : ''}`}
            aria-pressed={s.statuses.includes(k)}
            data-testid={`filter-status-${k}`}
            onClick={() => search.update({ statuses: toggle(s.statuses, k) })}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="filter-group">
        <span className="filter-label">Tags</span>
        {s.tags.map((t) => (
          <span key={t} className="tag-chip">
            {t}
            <button type="button" className="tag-chip-remove" aria-label={`Stop filtering by ${t}`} onClick={() => search.update({ tags: s.tags.filter((x) => x !== t) })}>
              <CloseIcon size={11} />
            </button>
          </span>
        ))}
        <input
          type="text"
          className="field-input tag-filter-input"
          data-testid="filter-tag"
          aria-label="Filter by tag (Enter adds)"
          placeholder="tag + Enter"
          value={tag}
          onChange={(e) => setTag(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && tag.trim()) {
              search.update({ tags: [...s.tags.filter((x) => x !== tag.trim()), tag.trim()] });
              setTag('');
            }
          }}
        />
      </div>
      <div className="filter-group">
        <span className="filter-label">Folder</span>
        <select
          className="field-input"
          data-testid="filter-folder"
          aria-label="Folder"
          value={s.folder ?? ''}
          onChange={(e) => search.update({ folder: e.target.value || null })}
        >
          <option value="">Any folder</option>
          {folderList.map((f) => (
            <option key={f.path} value={f.path}>
              {f.path}
            </option>
          ))}
        </select>
        {s.folder !== null && (
          <label className="check">
            <input type="checkbox" checked={s.includeSubfolders} onChange={(e) => search.update({ includeSubfolders: e.target.checked })} />
            and subfolders
          </label>
        )}
      </div>
      {range('minDuration', 'maxDuration', 'Duration', 's')}
      {range('minSizeMb', 'maxSizeMb', 'Size', 'MB')}
      {problemText && (
        <span className="filter-problem" data-testid="filter-problem">
          {problemText}
        </span>
      )}
      <span className="tag-bar-spacer" />
      <div className="filter-group saved-searches" data-testid="saved-searches">
        {saved.length > 0 && (
          <select
            className="field-input"
            data-testid="saved-search-select"
            aria-label="Saved searches"
            value={activeSaved ?? ''}
            onChange={(e) => {
              const found = saved.find((x) => x.name === e.target.value);
              if (found) search.restore(found);
            }}
          >
            <option value="" disabled>
              Saved searches ({saved.length})
            </option>
            {saved.map((x) => (
              <option key={x.name} value={x.name}>
                {x.name}
              </option>
            ))}
          </select>
        )}
        {activeSaved !== null && (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            data-testid="saved-search-delete"
            title={`Delete the saved search "${activeSaved}" (the assets stay)`}
            onClick={() => void search.remove(activeSaved)}
          >
            Forget “{activeSaved}”
          </button>
        )}
        {saveName === null ? (
          <button type="button" className="btn btn-small" data-testid="save-search" onClick={() => setSaveName('')}>
            Save search…
          </button>
        ) : (
          <>
            <input
              type="text"
              className="field-input"
              data-testid="save-search-name"
              aria-label="Name of the saved search"
              placeholder="Name"
              autoFocus
              value={saveName}
              onChange={(e) => setSaveName(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && saveName.trim()) {
                  void search.save(saveName);
                  setSaveName(null);
                }
                if (e.key === 'Escape') {
                  e.stopPropagation();
                  setSaveName(null);
                }
              }}
            />
            <button
              type="button"
              className="btn btn-small btn-primary"
              data-testid="save-search-confirm"
              disabled={!saveName.trim()}
              onClick={() => {
                void search.save(saveName);
                setSaveName(null);
              }}
            >
              Save
            </button>
          </>
        )}
        <button type="button" className="btn btn-small btn-ghost" data-testid="filter-clear" onClick={() => search.update({ ...EMPTY_SEARCH, text: s.text, mode: s.mode })}>
          Clear filters
        </button>
      </div>
    </div>
  );
}
