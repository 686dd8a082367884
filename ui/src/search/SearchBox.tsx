// The top bar's search: words (names, tags, metadata, folders) or the remote's searchQuery syntax,
// live as you type. The filter button opens the filter bar; its badge counts active filters.

import { useServices } from '@/app/context';
import { FilterIcon, SearchIcon } from '@/app/icons';
import { useObservable } from '@/app/store';
import { activeFilterCount } from '@/search/request';

export function SearchBox({ filtersOpen, onToggleFilters }: { filtersOpen: boolean; onToggleFilters: () => void }) {
  const { search } = useServices();
  const s = useObservable(search.state);
  const error = useObservable(search.error);
  const filters = activeFilterCount(s);
  const query = s.mode === 'query';
  return (
    <div className="search-wrap">
      <label className={`search${error ? ' search-invalid' : ''}`}>
        <SearchIcon size={16} />
        <input
          type="search"
          data-testid="search-input"
          aria-label={query ? 'Search with a searchQuery' : 'Search your library'}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'search-error' : undefined}
          title={error ?? undefined}
          placeholder={query ? 'tags IN ["sale"] AND size > "2mb"' : 'Search names, tags, metadata, folders…'}
          value={s.text}
          spellCheck={false}
          className={query ? 'mono' : undefined}
          onChange={(e) => search.update({ text: e.target.value }, true)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') search.apply();
            if (e.key === 'Escape' && s.text) {
              e.stopPropagation();
              search.update({ text: '' });
            }
          }}
        />
        <span className="search-mode" role="group" aria-label="Search mode">
          <button
            type="button"
            data-testid="search-mode-words"
            aria-pressed={!query}
            title="Find words in names, tags, metadata and folders"
            onClick={() => search.update({ mode: 'words' })}
          >
            Words
          </button>
          <button
            type="button"
            data-testid="search-mode-query"
            aria-pressed={query}
            title='Paste a media-library searchQuery, e.g. tags IN ["sale"] AND size > "2mb"'
            onClick={() => search.update({ mode: 'query' })}
          >
            Query
          </button>
        </span>
      </label>
      <button
        type="button"
        className={`btn btn-icon-text${filtersOpen || filters ? ' btn-on' : ''}`}
        data-testid="filter-button"
        aria-expanded={filtersOpen}
        onClick={onToggleFilters}
        title="Filter by kind, status, tag, folder, duration and size"
      >
        <FilterIcon size={15} /> Filters
        {filters > 0 && (
          <span className="count-badge" data-testid="filter-count">
            {filters}
          </span>
        )}
      </button>
    </div>
  );
}
