// "Importing 12 of 40" with a bar, the number skipped, and why each skipped file was left out.

import { useState } from 'react';

import { useServices } from '@/app/context';
import { ChevronIcon, CloseIcon } from '@/app/icons';
import { useObservable } from '@/app/store';
import { formatCount } from '@/library/format';

export function ImportPanel() {
  const { importer } = useServices();
  const s = useObservable(importer.state);
  const [open, setOpen] = useState(false);
  if (!s.visible) return null;

  const pct = s.total > 0 ? Math.min(100, (s.done / s.total) * 100) : s.running ? 0 : 100;
  const skipped = s.skipped.length;
  const headline = s.running
    ? s.total > 0
      ? `Importing ${formatCount(s.done)} of ${formatCount(s.total)}`
      : 'Looking for files…'
    : s.cancelled
      ? `Import cancelled: ${formatCount(s.imported)} added`
      : s.failed
        ? `Import stopped: ${formatCount(s.imported)} added`
        : `Import finished: ${formatCount(s.imported)} added`;

  return (
    <section
      className={`import-panel${s.running ? ' running' : s.failed ? ' failed' : ' done'}`}
      data-testid="import-progress"
      data-running={s.running ? 'true' : 'false'}
      data-failed={s.failed ? 'true' : 'false'}
      data-done={s.done}
      data-total={s.total}
      data-skipped={skipped}
      aria-live="polite"
    >
      <div className="import-row">
        <span className="import-headline">{headline}</span>
        <div
          className="progress"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={s.total}
          aria-valuenow={s.done}
          aria-label="Import progress"
        >
          <div className="progress-fill" style={{ width: `${pct}%` }} />
        </div>
        {skipped > 0 && (
          <button
            type="button"
            className="link-btn skipped-toggle"
            aria-expanded={open}
            onClick={() => setOpen((o) => !o)}
            data-testid="import-skipped-toggle"
          >
            <ChevronIcon size={14} className={open ? 'chev open' : 'chev'} />
            {formatCount(skipped)} skipped
          </button>
        )}
        {s.running && (
          <button
            type="button"
            className="btn btn-small"
            data-testid="import-cancel"
            disabled={s.cancelled}
            onClick={() => void importer.cancel()}
          >
            {s.cancelled ? 'Stopping…' : 'Cancel'}
          </button>
        )}
        {!s.running && (
          <button type="button" className="icon-btn" aria-label="Close import summary" onClick={() => importer.dismiss()}>
            <CloseIcon size={16} />
          </button>
        )}
      </div>
      {skipped > 0 && open && (
        <ul className="skipped-list" data-testid="import-skipped">
          {s.skipped.map((k, i) => (
            <li key={`${k.path}-${i}`} data-testid="import-skipped-item">
              <span className="skipped-name" title={k.path}>
                {baseName(k.path)}
              </span>
              <span className="skipped-reason">{k.reason}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}
