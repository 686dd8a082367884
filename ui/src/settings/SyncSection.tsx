// Settings → Sync: how often the app syncs by itself while open and online, how many deletes from
// the media library go ahead without asking, and how often the full delete check runs.

import { useEffect, useState } from 'react';

import { useServices } from '@/app/context';
import { toApiError } from '@/ipc/api';
import type { SyncSettings } from '@/ipc/api';

type Draft = Record<keyof SyncSettings, string>;

const toDraft = (s: SyncSettings): Draft => ({
  interval_minutes: String(s.interval_minutes),
  delete_fuse_files: String(s.delete_fuse_files),
  full_listing_hours: String(s.full_listing_hours),
});

/** The settings a draft stands for, or what is wrong with it in words. */
export function syncDraftProblems(d: Draft): { settings: SyncSettings } | { problems: Partial<Draft> } {
  const n = (k: keyof Draft) => (d[k].trim() === '' ? NaN : Number(d[k]));
  const problems: Partial<Draft> = {};
  const interval = n('interval_minutes');
  if (!Number.isInteger(interval) || interval < 0 || interval > 1440) problems.interval_minutes = 'Minutes between syncs: 0 (only when you press Sync) to 1,440.';
  const fuse = n('delete_fuse_files');
  if (!Number.isInteger(fuse) || fuse < 0) problems.delete_fuse_files = 'A whole number of files, 0 or more.';
  const hours = n('full_listing_hours');
  if (!Number.isInteger(hours) || hours < 1 || hours > 720) problems.full_listing_hours = 'Hours between delete checks: 1 to 720.';
  if (Object.keys(problems).length) return { problems };
  return { settings: { interval_minutes: interval, delete_fuse_files: fuse, full_listing_hours: hours } };
}

export function SyncSection() {
  const { sync, toasts } = useServices();
  const [saved, setSaved] = useState<SyncSettings | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    sync.settings().then(
      (s) => {
        setSaved(s);
        setDraft(toDraft(s));
      },
      (e) => setError(toApiError(e).message),
    );
  }, [sync]);

  const checked = draft ? syncDraftProblems(draft) : null;
  const problems = checked && 'problems' in checked ? checked.problems : {};
  const next = checked && 'settings' in checked ? checked.settings : null;
  const dirty =
    !!saved && !!next && (next.interval_minutes !== saved.interval_minutes || next.delete_fuse_files !== saved.delete_fuse_files || next.full_listing_hours !== saved.full_listing_hours);

  const save = async () => {
    if (!next) return;
    try {
      const s = await sync.saveSettings(next);
      setSaved(s);
      setDraft(toDraft(s));
      setError(null);
      toasts.success('Sync settings saved.');
    } catch (e) {
      setError(toApiError(e).message);
    }
  };

  const row = (k: keyof Draft, label: string, unit: string, testId: string) => (
    <>
      <label className="form-row">
        <span>{label}</span>
        <input
          type="number"
          min={0}
          data-testid={testId}
          value={draft?.[k] ?? ''}
          disabled={!draft}
          className={problems[k] ? 'invalid' : undefined}
          onChange={(e) => setDraft((d) => (d ? { ...d, [k]: e.target.value } : d))}
        />
        <span className="filter-unit">{unit}</span>
      </label>
      {problems[k] && <p className="field-error">{problems[k]}</p>}
    </>
  );

  return (
    <section className="settings-section" aria-labelledby="sync-title" data-testid="settings-sync">
      <h3 id="sync-title" className="section-title">
        Sync
      </h3>
      <p className="settings-note settings-intro">
        Sync brings what colleagues changed on the media library here and sends your edits there, field by field. A field
        changed differently on both sides becomes a conflict for you to decide; files on this computer are never deleted.
      </p>
      {row('interval_minutes', 'Sync every', draft?.interval_minutes === '0' ? 'minutes (0: only when I press Sync)' : 'minutes, while online', 'settings-sync-interval')}
      {row('delete_fuse_files', 'Ask before more than', 'deletes from the media library in one sync', 'settings-sync-fuse')}
      {row('full_listing_hours', 'Check for deleted files every', 'hours', 'settings-sync-full')}
      {error && (
        <p className="section-error" role="alert">
          {error}
        </p>
      )}
      <div className="settings-actions">
        <button type="button" className="btn btn-small btn-primary" data-testid="settings-save-sync" disabled={!dirty} onClick={() => void save()}>
          Save sync settings
        </button>
      </div>
    </section>
  );
}
