// Where the selection goes on the remote: pick a folder of the mirrored tree, or make a new one
// (created offline, applied at the next sync) and move the selection into it.

import { useEffect, useState } from 'react';

import { useServices } from '@/app/context';
import { FolderIcon } from '@/app/icons';
import { useObservable } from '@/app/store';
import { createFolder, folders, toApiError } from '@/ipc/api';
import type { Folder } from '@/ipc/dto';

const NEW = '\u0000new';

export function FolderPicker({ ids, current }: { ids: number[]; current: string | null }) {
  const { edits, toasts } = useServices();
  const revision = useObservable(edits.revision);
  const [list, setList] = useState<Folder[]>([]);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [parent, setParent] = useState(current ?? '/');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    folders().then(
      (f) => live && setList(f),
      (e) => live && setError(toApiError(e).message),
    );
    return () => {
      live = false;
    };
  }, [revision]);

  const move = (folder: string) => {
    if (folder === current) return;
    void edits.setFolder(ids, folder).catch(() => {});
  };

  const create = async () => {
    const n = name.trim();
    if (!n) return;
    try {
      const change = await createFolder(parent, n);
      setCreating(false);
      setName('');
      setError(null);
      setList(await folders());
      await edits.setFolder(ids, change.path);
    } catch (e) {
      const err = toApiError(e);
      setError(err.message);
      if (err.code !== 'invalid_input') toasts.error(err.message);
    }
  };

  const paths = list.map((f) => f.path);
  if (current !== null && !paths.includes(current)) paths.unshift(current);
  return (
    <section className="panel-section" data-testid="folder-picker" aria-label="Remote folder">
      <h3 className="section-title">Remote folder</h3>
      <div className="field-row">
        <FolderIcon size={16} />
        <select
          className="field-input folder-select"
          data-testid="folder-select"
          aria-label="Remote folder"
          value={creating ? NEW : (current ?? '')}
          onChange={(e) => {
            if (e.target.value === NEW) {
              setCreating(true);
              setParent(current ?? '/');
            } else {
              setCreating(false);
              move(e.target.value);
            }
          }}
        >
          {current === null && (
            <option value="" disabled>
              Mixed folders
            </option>
          )}
          {paths.map((p) => {
            const f = list.find((x) => x.path === p);
            return (
              <option key={p} value={p}>
                {p}
                {f && !f.on_remote ? '  (not synced yet)' : ''}
              </option>
            );
          })}
          <option value={NEW}>New folder…</option>
        </select>
      </div>
      {creating && (
        <div className="field-row new-folder">
          <span className="field-hint">in {parent}</span>
          <input
            type="text"
            className={`field-input${error ? ' invalid' : ''}`}
            data-testid="folder-new-name"
            aria-label="New folder name"
            placeholder="Folder name"
            value={name}
            autoFocus
            onChange={(e) => {
              setName(e.target.value);
              setError(null);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void create();
              if (e.key === 'Escape') {
                e.stopPropagation();
                setCreating(false);
              }
            }}
          />
          <button type="button" className="btn btn-small btn-primary" data-testid="folder-create" disabled={!name.trim()} onClick={() => void create()}>
            Create and move
          </button>
        </div>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
