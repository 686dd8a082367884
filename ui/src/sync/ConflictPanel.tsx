// Conflicts: fields changed differently here and on the media library since they last agreed.
// Each shows the asset, the field, what it was (base), yours and theirs (with when it changed
// there), and Keep mine / Take theirs / Edit…; several can be selected and resolved the same way.
// Nothing is overwritten until the person chooses; other fields of the same asset sync meanwhile.

import { useEffect, useMemo, useState } from 'react';

import { useServices } from '@/app/context';
import { ImageIcon } from '@/app/icons';
import { Modal } from '@/app/Modal';
import { useObservable } from '@/app/store';
import { metadataFields } from '@/ipc/api';
import type { Conflict, ConflictResolution, JsonValue, MetadataField } from '@/ipc/api';
import { formatDate } from '@/library/format';
import { metadataValue } from '@/settings/WatchSection';
import { agoText, secs } from '@/sync/syncStore';

/** A field's value in words: "(not set)", lists joined, yes/no. */
export function valueText(v: JsonValue | null | undefined): string {
  if (v === null || v === undefined || v === '') return '(not set)';
  if (Array.isArray(v)) return v.length ? v.map((x) => valueText(x)).join(', ') : '(none)';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (typeof v === 'number') return v.toLocaleString('en-US');
  if (typeof v === 'object') return JSON.stringify(v);
  return v;
}

/** A value as it is typed back into a text box (no thousands separators). */
export function editText(v: JsonValue | null): string {
  if (v === null) return '';
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** For "Deleted on the media library" conflicts: each side in words. */
function existenceText(v: JsonValue | null, side: 'base' | 'mine' | 'theirs'): string {
  const gone = v === null || v === false;
  if (side === 'base') return 'On both sides';
  if (side === 'mine') return gone ? 'Deleted here' : 'Kept, with your edits';
  return gone ? 'Deleted on the media library' : 'Edited on the media library';
}

function sideText(c: Conflict, side: 'base' | 'mine' | 'theirs'): string {
  return c.field.field === 'existence' ? existenceText(c[side], side) : valueText(c[side]);
}

/** What an edited value is, from what was typed, by the field it is for. */
export function editedValue(c: Conflict, raw: string, fields: MetadataField[]): JsonValue {
  if (c.field.field === 'metadata') {
    const key = c.field.key;
    return metadataValue(
      fields.find((f) => f.name === key),
      raw,
    );
  }
  return raw.trim();
}

function editable(c: Conflict): boolean {
  return c.field.field !== 'existence' && c.field.field !== 'tag';
}

export function ConflictPanel({ onClose, onOpenAsset }: { onClose: () => void; onOpenAsset: (id: number) => void }) {
  const { sync } = useServices();
  const v = useObservable(sync);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [busy, setBusy] = useState(false);
  const [fields, setFields] = useState<MetadataField[]>([]);
  useEffect(() => {
    void sync.refreshConflicts();
    metadataFields().then(setFields, () => {});
  }, [sync]);
  const conflicts = v.conflicts;
  // Drop selections of conflicts that are gone (resolved here or elsewhere).
  const live = useMemo(() => new Set([...selected].filter((id) => conflicts.some((c) => c.id === id))), [selected, conflicts]);
  const all = conflicts.length > 0 && live.size === conflicts.length;

  const resolve = async (ids: number[], how: ConflictResolution) => {
    setBusy(true);
    try {
      await sync.resolve(ids, how);
      setSelected((s) => new Set([...s].filter((id) => !ids.includes(id))));
    } catch {
      /* toasted */
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Conflicts"
      titleId="conflicts-title"
      onClose={onClose}
      closeLabel="Close conflicts"
      testId="conflict-panel"
      closeTestId="conflicts-close"
      wide
      headExtra={
        <span className="queue-summary" data-testid="conflict-summary">
          {!v.conflictsLoaded ? 'Loading…' : conflicts.length === 0 ? '' : conflicts.length === 1 ? '1 to resolve' : `${conflicts.length} to resolve`}
        </span>
      }
    >
      {conflicts.length > 0 && (
        <p className="settings-note settings-intro">
          These fields were changed here and on the media library in different ways since they last agreed. Nothing is
          overwritten until you choose; everything else about these assets keeps syncing.
        </p>
      )}
      {v.conflictsLoaded && conflicts.length === 0 && (
        <p className="ledger-empty" data-testid="conflicts-empty">
          No conflicts: every change from both sides has been merged.
        </p>
      )}
      {conflicts.length > 0 && (
        <div className="conflict-bulk" data-testid="conflict-bulk">
          <label className="check">
            <input
              type="checkbox"
              data-testid="conflict-select-all"
              checked={all}
              onChange={() => setSelected(all ? new Set() : new Set(conflicts.map((c) => c.id)))}
            />
            {live.size ? `${live.size} selected` : 'Select all'}
          </label>
          {live.size > 0 && (
            <>
              <button
                type="button"
                className="btn btn-small"
                data-testid="conflict-bulk-mine"
                disabled={busy}
                onClick={() => void resolve([...live], { kind: 'mine' })}
              >
                Keep mine for {live.size}
              </button>
              <button
                type="button"
                className="btn btn-small"
                data-testid="conflict-bulk-theirs"
                disabled={busy}
                onClick={() => void resolve([...live], { kind: 'theirs' })}
              >
                Take theirs for {live.size}
              </button>
            </>
          )}
        </div>
      )}
      <ul className="conflict-list" data-testid="conflict-list">
        {conflicts.map((c) => (
          <ConflictRow
            key={c.id}
            conflict={c}
            fields={fields}
            busy={busy}
            selected={live.has(c.id)}
            onSelect={(on) =>
              setSelected((s) => {
                const n = new Set(s);
                if (on) n.add(c.id);
                else n.delete(c.id);
                return n;
              })
            }
            onResolve={(how) => void resolve([c.id], how)}
            onOpenAsset={onOpenAsset}
          />
        ))}
      </ul>
    </Modal>
  );
}

function ConflictRow({
  conflict: c,
  fields,
  busy,
  selected,
  onSelect,
  onResolve,
  onOpenAsset,
}: {
  conflict: Conflict;
  fields: MetadataField[];
  busy: boolean;
  selected: boolean;
  onSelect: (on: boolean) => void;
  onResolve: (how: ConflictResolution) => void;
  onOpenAsset: (id: number) => void;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const [thumbFailed, setThumbFailed] = useState(false);
  return (
    <li className={`conflict-row${selected ? ' conflict-row-selected' : ''}`} data-testid="conflict-row" data-conflict-id={c.id} data-asset-id={c.asset_id}>
      <input
        type="checkbox"
        className="conflict-check"
        aria-label={`Select ${c.asset_name} · ${c.label}`}
        data-testid="conflict-select"
        checked={selected}
        onChange={(e) => onSelect(e.target.checked)}
      />
      <button type="button" className="conflict-thumb" title={`Show ${c.asset_name}`} onClick={() => onOpenAsset(c.asset_id)}>
        {c.thumb_url && !thumbFailed ? (
          <img src={c.thumb_url} alt="" onError={() => setThumbFailed(true)} />
        ) : (
          <ImageIcon size={22} />
        )}
      </button>
      <div className="conflict-main">
        <div className="conflict-title">
          <span className="conflict-asset" data-testid="conflict-asset">
            {c.asset_name}
          </span>
          <span className="conflict-label" data-testid="conflict-label">
            {c.label}
          </span>
        </div>
        <div className="conflict-values">
          <div className="conflict-value conflict-base">
            <span className="conflict-side">Before</span>
            <span data-testid="conflict-base-value">{sideText(c, 'base')}</span>
          </div>
          <div className="conflict-value conflict-mine">
            <span className="conflict-side">Yours (this computer)</span>
            <span data-testid="conflict-mine-value">{sideText(c, 'mine')}</span>
          </div>
          <div className="conflict-value conflict-theirs">
            <span className="conflict-side">Theirs (media library)</span>
            <span data-testid="conflict-theirs-value">{sideText(c, 'theirs')}</span>
            {c.theirs_at && (
              <span className="conflict-when" data-testid="conflict-theirs-at" title={new Date(c.theirs_at).toLocaleString('en-GB')}>
                changed there {agoText(Date.parse(c.theirs_at) / 1000)}
              </span>
            )}
          </div>
        </div>
        {editing !== null && (
          <form
            className="conflict-edit"
            onSubmit={(e) => {
              e.preventDefault();
              onResolve({ kind: 'value', value: editedValue(c, editing, fields) });
              setEditing(null);
            }}
          >
            <input
              autoFocus
              data-testid="conflict-edit-input"
              aria-label={`New value for ${c.label}`}
              value={editing}
              onChange={(e) => setEditing(e.target.value)}
            />
            <button type="submit" className="btn btn-small btn-primary" data-testid="conflict-edit-save" disabled={busy}>
              Use this value
            </button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </form>
        )}
        <div className="conflict-opened">Found {formatDate(secs(c.opened_at))}</div>
      </div>
      <div className="conflict-actions">
        <button type="button" className="btn btn-small" data-testid="conflict-mine" disabled={busy} onClick={() => onResolve({ kind: 'mine' })}>
          Keep mine
        </button>
        <button type="button" className="btn btn-small" data-testid="conflict-theirs" disabled={busy} onClick={() => onResolve({ kind: 'theirs' })}>
          Take theirs
        </button>
        {editable(c) && (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            data-testid="conflict-edit"
            disabled={busy || editing !== null}
            onClick={() => setEditing(editText(c.mine))}
          >
            Edit…
          </button>
        )}
      </div>
    </li>
  );
}
