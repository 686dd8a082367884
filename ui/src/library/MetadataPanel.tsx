// Custom metadata for the selection: one editor per field, typed as the account defines it.
// Values are checked by the backend as you type (check_metadata, nothing saved) and the message is
// shown under the field; Save is refused while the field has a problem. For a multi-selection a
// field whose values differ says "Mixed", and saving writes the new value to every selected asset.

import { useEffect, useId, useMemo, useRef, useState } from 'react';

import { useServices } from '@/app/context';
import { useObservable } from '@/app/store';
import { checkMetadata, metadataSummary, toApiError } from '@/ipc/api';
import type { FieldSummary } from '@/ipc/dto';
import {
  constraintHint,
  displayValue,
  draftToValue,
  initialDraft,
  optionKey,
  sameDraft,
} from '@/library/metadataValues';
import type { Draft } from '@/library/metadataValues';

export function MetadataPanel({ ids }: { ids: number[] }) {
  const { edits } = useServices();
  const revision = useObservable(edits.revision);
  const [summary, setSummary] = useState<FieldSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = useMemo(() => ids.join(','), [ids]);

  useEffect(() => {
    let live = true;
    metadataSummary(ids).then(
      (s) => {
        if (!live) return;
        setSummary(s);
        setError(null);
      },
      (e) => live && setError(toApiError(e).message),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- ids by value
  }, [key, revision]);

  return (
    <section className="panel-section metadata-panel" data-testid="metadata-panel" aria-label="Custom metadata">
      <h3 className="section-title">
        Custom metadata
        {ids.length > 1 && <span className="section-sub">editing {ids.length} assets</span>}
      </h3>
      {error && <p className="section-error">{error}</p>}
      {summary && summary.length === 0 && (
        <p className="section-empty">This account has no custom metadata fields yet.</p>
      )}
      {summary?.map((s) => (
        <FieldEditor key={`${s.field.name}:${key}`} ids={ids} summary={s} />
      ))}
    </section>
  );
}

function FieldEditor({ ids, summary }: { ids: number[]; summary: FieldSummary }) {
  const { edits } = useServices();
  const f = summary.field;
  const start = initialDraft(summary);
  const [draft, setDraft] = useState<Draft>(start);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const checkSeq = useRef(0);
  const id = useId();

  // The saved value changed underneath (another save, undo): start from it again.
  const startKey = JSON.stringify(start);
  useEffect(() => {
    setDraft(initialDraft(summary));
    setProblem(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- by value
  }, [startKey, summary.value.state]);

  const dirty = !sameDraft(draft, start) && !(f.field_type === 'Boolean' && draft === '');
  const mixed = summary.value.state === 'mixed';

  // Inline validation while typing: local conversion first, then the backend's rules.
  useEffect(() => {
    if (!dirty) {
      setProblem(null);
      return;
    }
    const parsed = draftToValue(f.field_type, draft);
    if ('error' in parsed) {
      setProblem(parsed.error);
      return;
    }
    const seq = ++checkSeq.current;
    const t = setTimeout(() => {
      checkMetadata(ids, { [f.name]: parsed.value }).then(
        (problems) => {
          if (seq !== checkSeq.current) return;
          const mine = problems.filter((p) => p.key === f.name);
          setProblem(mine.length ? mine.map((p) => p.message).join(' ') : null);
        },
        (e) => seq === checkSeq.current && setProblem(toApiError(e).message),
      );
    }, 200);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- draft by value
  }, [JSON.stringify(draft), dirty]);

  const save = async () => {
    if (!dirty || saving) return;
    const parsed = draftToValue(f.field_type, draft);
    if ('error' in parsed) {
      setProblem(parsed.error);
      return;
    }
    setSaving(true);
    try {
      // Check again right before saving: the debounce may not have answered yet.
      const problems = (await checkMetadata(ids, { [f.name]: parsed.value })).filter((p) => p.key === f.name);
      if (problems.length) {
        setProblem(problems.map((p) => p.message).join(' '));
        return;
      }
      await edits.setMetadata(ids, { [f.name]: parsed.value });
    } catch (e) {
      setProblem(toApiError(e).message);
    } finally {
      setSaving(false);
    }
  };

  const clear = () => {
    void edits.unsetMetadata(ids, [f.name]).catch(() => {});
  };

  const hint = constraintHint(f);
  const placeholder = mixed
    ? `Mixed (${summary.set_on} of ${ids.length} set)`
    : f.default_value !== null
      ? `Default: ${displayValue(f, f.default_value)}`
      : '';
  const inputProps = {
    id,
    'aria-invalid': problem ? true : undefined,
    'aria-describedby': problem ? `${id}-error` : undefined,
    className: `field-input${problem ? ' invalid' : ''}`,
  };

  let editor: React.ReactNode;
  switch (f.field_type) {
    case 'Textarea':
      editor = (
        <textarea {...inputProps} rows={3} value={String(draft)} placeholder={placeholder} onChange={(e) => setDraft(e.target.value)} />
      );
      break;
    case 'Number':
      editor = (
        <input
          {...inputProps}
          type="text"
          inputMode="decimal"
          value={String(draft)}
          placeholder={placeholder}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && void save()}
        />
      );
      break;
    case 'Date':
      editor = <input {...inputProps} type="date" value={String(draft)} onChange={(e) => setDraft(e.target.value)} />;
      break;
    case 'Boolean':
      editor = (
        <select {...inputProps} value={String(draft)} onChange={(e) => setDraft(e.target.value)}>
          <option value="" disabled>
            {mixed ? 'Mixed' : 'Not set'}
          </option>
          <option value="true">Yes</option>
          <option value="false">No</option>
        </select>
      );
      break;
    case 'SingleSelect':
      editor = (
        <select {...inputProps} value={String(draft)} onChange={(e) => setDraft(e.target.value)}>
          <option value="" disabled>
            {mixed ? 'Mixed' : 'Choose…'}
          </option>
          {(f.select_options ?? []).map((o) => (
            <option key={optionKey(o)} value={optionKey(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      );
      break;
    case 'MultiSelect': {
      const chosen = Array.isArray(draft) ? draft : [];
      editor = (
        <div className="checks" role="group" aria-labelledby={`${id}-label`}>
          {(f.select_options ?? []).map((o) => {
            const k = optionKey(o);
            return (
              <label key={k} className="check">
                <input
                  type="checkbox"
                  checked={chosen.includes(k)}
                  onChange={(e) => setDraft(e.target.checked ? [...chosen, k] : chosen.filter((x) => x !== k))}
                />
                {String(o)}
              </label>
            );
          })}
          {mixed && <span className="field-mixed">Mixed: the selected assets differ</span>}
        </div>
      );
      break;
    }
    default:
      editor = (
        <input
          {...inputProps}
          type="text"
          value={String(draft)}
          placeholder={placeholder}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && void save()}
        />
      );
  }

  return (
    <div
      className={`metadata-field${dirty ? ' dirty' : ''}`}
      data-testid="metadata-field"
      data-field={f.name}
      data-type={f.field_type}
      data-state={summary.value.state}
    >
      <label className="field-label" htmlFor={f.field_type === 'MultiSelect' ? undefined : id} id={`${id}-label`}>
        {f.label}
        {f.required && (
          <span className="required" title="Required: assets without a value get the default" aria-label="required">
            *
          </span>
        )}
        {hint && <span className="field-hint">{hint}</span>}
      </label>
      <div className="field-row">
        {editor}
        {dirty && (
          <>
            <button type="button" className="btn btn-small btn-primary" data-testid="metadata-save" disabled={saving || problem !== null} onClick={() => void save()}>
              Save
            </button>
            <button type="button" className="btn btn-small btn-ghost" data-testid="metadata-revert" onClick={() => setDraft(start)}>
              Revert
            </button>
          </>
        )}
        {!dirty && summary.set_on > 0 && (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            data-testid="metadata-clear"
            title={ids.length > 1 ? `Remove ${f.label} from the ${ids.length} selected assets` : `Remove ${f.label}`}
            onClick={clear}
          >
            Clear
          </button>
        )}
      </div>
      {problem && (
        <p className="field-error" id={`${id}-error`} data-testid="metadata-error" role="alert">
          {problem}
        </p>
      )}
      {!problem && f.description && <p className="field-description">{f.description}</p>}
    </div>
  );
}

