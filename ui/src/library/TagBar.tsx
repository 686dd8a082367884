// The bar above the grid while assets are selected: how many, add tags (with autocomplete and the
// remote's rules checked as you type), the tags the selection carries (× removes one from all),
// Publish, and Clear.

import { useEffect, useId, useMemo, useRef, useState, useSyncExternalStore } from 'react';

import { useServices } from '@/app/context';
import { CloseIcon, TagIcon, UploadIcon } from '@/app/icons';
import { useObservable } from '@/app/store';
import { tagSuggestions } from '@/ipc/api';
import type { TagCount } from '@/ipc/dto';
import { formatCount } from '@/library/format';
import { parseTagInput, tagProblem } from '@/library/tagRules';
import { PresetMenu } from '@/preview/PresetMenu';
import type { TagTarget } from '@/library/tagRules';

/** Focus the tag box (the T shortcut). */
export const TAG_INPUT_ID = 'tag-bar-input';

export function TagBar({ onPublish }: { onPublish?: (ids: number[]) => void }) {
  const { assets, selection, edits } = useServices();
  const sel = useObservable(selection);
  useSyncExternalStore(assets.subscribe, assets.getVersion);
  const [text, setText] = useState('');
  const [suggestions, setSuggestions] = useState<TagCount[]>([]);
  const [active, setActive] = useState(-1);
  const [busy, setBusy] = useState(false);
  const listId = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  const ids = useMemo(() => [...sel.ids], [sel.ids]);
  // Selected assets whose tags are known (every cached one; the backend checks the rest on Add).
  const targets: TagTarget[] = [];
  const counts = new Map<string, number>();
  for (const id of ids) {
    const tags = assets.tagsOf(id);
    if (!tags) continue;
    targets.push({ name: assets.byId(id)?.name ?? `#${id}`, tags });
    for (const t of tags) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const present = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const problem = tagProblem(text, targets);
  const typed = parseTagInput(text);
  const canAdd = typed.length > 0 && problem === null && !busy;

  // Autocomplete on the last comma-separated piece, debounced.
  const lastPiece = text.split(',').pop()?.trim() ?? '';
  useEffect(() => {
    if (lastPiece === '') {
      setSuggestions([]);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      tagSuggestions(lastPiece, 8).then(
        (s) => live && setSuggestions(s.filter((x) => x.tag !== lastPiece)),
        () => live && setSuggestions([]),
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [lastPiece]);
  useEffect(() => setActive(-1), [suggestions]);

  if (ids.length === 0) return null;

  const complete = (tag: string) => {
    const pieces = text.split(',');
    pieces[pieces.length - 1] = pieces.length > 1 ? ` ${tag}` : tag;
    setText(pieces.join(','));
    setSuggestions([]);
    inputRef.current?.focus();
  };

  const add = () => {
    if (!canAdd) return;
    setBusy(true);
    edits
      .addTags(ids, typed)
      .then(() => setText(''))
      .catch(() => {
        /* shown as a toast */
      })
      .finally(() => setBusy(false));
  };

  const remove = (tag: string) => {
    void edits.removeTags(ids, [tag]).catch(() => {});
  };

  return (
    <div className="tag-bar" data-testid="tag-bar" role="region" aria-label="Selection">
      <span className="selection-count" data-testid="selection-count" data-count={ids.length}>
        {formatCount(ids.length)} selected
      </span>
      <div className="tag-entry">
        <TagIcon size={15} />
        <input
          ref={inputRef}
          id={TAG_INPUT_ID}
          data-testid="tag-input"
          className={problem ? 'invalid' : undefined}
          type="text"
          value={text}
          placeholder={ids.length === 1 ? 'Add a tag…' : `Add a tag to all ${ids.length}…`}
          aria-label="Add tags to the selection"
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${listId}-error` : undefined}
          aria-autocomplete="list"
          aria-controls={suggestions.length ? listId : undefined}
          aria-activedescendant={active >= 0 ? `${listId}-${active}` : undefined}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' && suggestions.length) {
              e.preventDefault();
              setActive((a) => (a + 1) % suggestions.length);
            } else if (e.key === 'ArrowUp' && suggestions.length) {
              e.preventDefault();
              setActive((a) => (a <= 0 ? suggestions.length - 1 : a - 1));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              const pick = suggestions[active];
              if (pick) complete(pick.tag);
              else add();
            } else if (e.key === 'Escape') {
              e.stopPropagation();
              if (suggestions.length) setSuggestions([]);
              else inputRef.current?.blur();
            }
          }}
          onBlur={() => setTimeout(() => setSuggestions([]), 150)}
        />
        {suggestions.length > 0 && (
          <ul className="suggestions" id={listId} role="listbox" data-testid="tag-suggestions">
            {suggestions.map((s, i) => (
              <li
                key={s.tag}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'active' : undefined}
                data-testid="tag-suggestion"
                onMouseDown={(e) => {
                  e.preventDefault();
                  complete(s.tag);
                }}
              >
                <span>{s.tag}</span>
                <span className="suggestion-count">{formatCount(s.count)}</span>
              </li>
            ))}
          </ul>
        )}
        <button type="button" className="btn btn-small" data-testid="tag-add" disabled={!canAdd} onClick={add}>
          Add
        </button>
      </div>
      {problem && (
        <span className="tag-error" id={`${listId}-error`} data-testid="tag-error" role="alert">
          {problem}
        </span>
      )}
      {!problem && present.length > 0 && (
        <ul className="tag-chips" aria-label="Tags on the selection">
          {present.slice(0, 12).map(([tag, n]) => (
            <li key={tag} className="tag-chip" data-testid="selection-tag" data-tag={tag}>
              <span>{tag}</span>
              {ids.length > 1 && (
                <span className="tag-chip-count" title={`On ${n} of ${ids.length} selected assets`}>
                  {n}/{ids.length}
                </span>
              )}
              <button
                type="button"
                className="tag-chip-remove"
                aria-label={`Remove tag ${tag} from the selection`}
                title={`Remove "${tag}" from ${ids.length === 1 ? 'this asset' : `the ${ids.length} selected assets`}`}
                data-testid="tag-remove"
                onClick={() => remove(tag)}
              >
                <CloseIcon size={11} />
              </button>
            </li>
          ))}
          {present.length > 12 && <li className="tag-chip tag-more">+{present.length - 12} more</li>}
        </ul>
      )}
      <span className="tag-bar-spacer" />
      <PresetMenu ids={ids} />
      {onPublish && (
        <button type="button" className="btn btn-small btn-primary" data-testid="publish-button" onClick={() => onPublish(ids)}>
          <UploadIcon size={14} /> Publish
        </button>
      )}
      <button type="button" className="btn btn-small btn-ghost" data-testid="selection-clear" onClick={() => selection.clear()}>
        Clear selection
      </button>
    </div>
  );
}
