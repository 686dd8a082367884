// The window: top bar, import progress, the grid with the detail panel beside it, the status bar,
// toasts, and the drop overlay while files are dragged over the window.

import { useCallback, useEffect, useMemo, useState } from 'react';

import { useServices } from '@/app/context';
import { useObservable } from '@/app/store';
import { DropOverlay } from '@/app/DropOverlay';
import { StatusBar } from '@/app/StatusBar';
import { ToastStack } from '@/app/ToastStack';
import { TopBar } from '@/app/TopBar';
import { libraryInfo, onDragDrop, pickPaths, refreshCatalogue, remoteInfo } from '@/ipc/api';
import type { RemoteInfo } from '@/ipc/api';
import type { ApiError, ImportReport, LibraryInfo } from '@/ipc/bindings';
import { AssetGrid } from '@/library/AssetGrid';
import { DetailPanel } from '@/library/DetailPanel';
import { ImportPanel } from '@/library/ImportPanel';
import { TAG_INPUT_ID, TagBar } from '@/library/TagBar';
import { FilterBar } from '@/search/FilterBar';
import { SettingsPanel } from '@/settings/SettingsPanel';
import { GearIcon } from '@/app/icons';
import { QueueButton, QueuePanel } from '@/uploads/QueuePanel';
import { StudioHost } from '@/preview/StudioHost';
import { PublishDialog } from '@/uploads/PublishDialog';
import { LedgerPanel, WatchChip } from '@/watch/LedgerPanel';
import { ConflictPanel } from '@/sync/ConflictPanel';
import { HistoryPanel } from '@/sync/HistoryPanel';
import { ReviewPanel } from '@/sync/ReviewPanel';
import { SyncControls } from '@/sync/SyncControls';

/** What end-to-end tests (WebDriver cannot drag files from the OS) call instead of a drop. */
export interface StockroomTestHooks {
  importPaths(paths: string[]): Promise<ImportReport>;
  /** The active account (the sandbox's API address, to edit it from outside as a colleague would). */
  remoteInfo(): Promise<RemoteInfo>;
}

declare global {
  interface Window {
    __stockroom?: StockroomTestHooks;
  }
}

export function App() {
  const { assets, importer, toasts, selection, edits, uploads, watch, sync } = useServices();
  const [info, setInfo] = useState<LibraryInfo | null>(null);
  const sel = useObservable(selection);
  const selectedId = sel.focus;
  // One array per selection change (it can hold every asset after Ctrl+A).
  const selectedIds = useMemo(() => [...sel.ids], [sel.ids]);
  const [detailOpen, setDetailOpen] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState<false | 'all' | 'watch'>(false);
  const [queueOpen, setQueueOpen] = useState(false);
  const [ledgerOpen, setLedgerOpen] = useState(false);
  const [syncView, setSyncView] = useState<null | 'review' | 'history' | 'conflicts'>(null);
  const [studioId, setStudioId] = useState<number | null>(null);
  const closeStudio = useCallback(() => setStudioId(null), []);

  useEffect(() => {
    void uploads.start();
  }, [uploads]);

  // Watched folders, and the library kept current while other processes change it.
  useEffect(() => {
    void watch.start();
  }, [watch]);

  // Sync: the overview, the open conflicts, and the periodic run's progress and reports.
  useEffect(() => {
    void sync.start();
  }, [sync]);

  // Publish opens its dialog (streaming version, extra versions) before anything is queued.
  const [publishIds, setPublishIds] = useState<number[] | null>(null);
  const publish = useCallback((ids: number[]) => setPublishIds(ids), []);

  // Drops, pickers and the test hook all go through here.
  const importPaths = useCallback((paths: string[]) => importer.run(paths), [importer]);

  useEffect(() => {
    libraryInfo().then(setInfo, (e: ApiError) => toasts.error(e.message));
    void assets.refresh();
    // The account's fields and folders, fetched when online; offline the saved copy is used.
    refreshCatalogue().catch(() => {});
  }, [assets, toasts]);

  useEffect(() => {
    window.__stockroom = { importPaths, remoteInfo };
    return () => {
      delete window.__stockroom;
    };
  }, [importPaths]);

  useEffect(() => {
    let unlisten: (() => void) | undefined;
    let live = true;
    onDragDrop((e) => {
      if (e.type === 'enter' || e.type === 'over') setDragging(true);
      else if (e.type === 'leave') setDragging(false);
      else {
        setDragging(false);
        importPaths(e.paths).catch(() => {
          /* already shown as a toast */
        });
      }
    }).then(
      (fn) => (live ? (unlisten = fn) : fn()),
      () => {
        /* not inside Tauri (plain browser): no OS drag and drop */
      },
    );
    return () => {
      live = false;
      unlisten?.();
    };
  }, [importPaths]);

  const pickAndImport = useCallback(
    (kind: 'files' | 'folder') => {
      pickPaths(kind)
        .then((paths) => importPaths(paths))
        .catch((e: ApiError) => {
          // importer.run already toasted its own failures; pickers' failures are shown here.
          if (!toasts.get().some((t) => t.message === e.message)) toasts.error(e.message);
        });
    },
    [importPaths, toasts],
  );
  const importFiles = useCallback(() => pickAndImport('files'), [pickAndImport]);
  const importFolder = useCallback(() => pickAndImport('folder'), [pickAndImport]);

  const clickSelect = useCallback(() => setDetailOpen(true), []);
  const open = useCallback(
    (id: number) => {
      if (!selection.has(id)) selection.single(id, assets.indexOf(id) ?? 0);
      setDetailOpen(true);
    },
    [assets, selection],
  );
  const escape = useCallback(() => {
    if (detailOpen) setDetailOpen(false);
    else selection.clear();
  }, [detailOpen, selection]);

  // Shortcuts outside text fields: Ctrl/Cmd+A selects every match, Ctrl/Cmd+Z undoes the last edit
  // batch, T goes to the tag box. Delete and Backspace are swallowed: nothing in the grid deletes.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey) return;
      const t = e.target;
      if (t instanceof Element && t.closest('input, textarea, select, [contenteditable="true"], [role="dialog"]')) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 'a') {
        e.preventDefault();
        const total = assets.size();
        if (total === 0) return;
        selection.all(total).then(
          (n) => {
            if (n > 1000) toasts.info(`Selected all ${n.toLocaleString('en-US')} matching assets.`);
          },
          (err: ApiError) => toasts.error(err.message),
        );
      } else if (mod && key === 'z' && !e.shiftKey) {
        e.preventDefault();
        void edits.undo();
      } else if (!mod && key === 't' && !e.shiftKey) {
        const input = document.getElementById(TAG_INPUT_ID);
        if (input) {
          e.preventDefault();
          input.focus();
        }
      } else if (!mod && key === 'p' && !e.shiftKey) {
        const focus = selection.get().focus;
        const a = focus === null ? undefined : assets.byId(focus);
        if (focus !== null && (!a || a.kind === 'video' || a.kind === 'image')) {
          e.preventDefault();
          setStudioId(focus);
        }
      } else if (e.key === 'Delete' || (e.key === 'Backspace' && !mod)) {
        e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [assets, edits, selection, toasts]);

  return (
    <div className="app">
      <TopBar
        onImportFiles={importFiles}
        onImportFolder={importFolder}
        filtersOpen={filtersOpen}
        onToggleFilters={() => setFiltersOpen((o) => !o)}
        actions={
          <>
          <SyncControls
            onReview={() => setSyncView('review')}
            onHistory={() => setSyncView('history')}
            onConflicts={() => setSyncView('conflicts')}
          />
          <WatchChip open={ledgerOpen} onToggle={() => setLedgerOpen((o) => !o)} />
          <QueueButton open={queueOpen} onToggle={() => setQueueOpen((o) => !o)} />
          <button
            type="button"
            className="btn btn-square"
            data-testid="settings-button"
            aria-label="Settings"
            title="Settings: media library account, uploads, sync, watched folders"
            onClick={() => setSettingsOpen('all')}
          >
            <GearIcon size={17} />
          </button>
          </>
        }
      />
      {filtersOpen && <FilterBar />}
      <ImportPanel />
      <TagBar onPublish={publish} />
      <main className="main">
        {/* Toasts sit over the grid's top right: never over the top bar, the selection bar, the
            detail panel or the queue panel, whose controls stay clickable. */}
        <div className="grid-area">
          <AssetGrid
            onClickSelect={clickSelect}
            onOpen={open}
            onEscape={escape}
            onImportFiles={importFiles}
            onImportFolder={importFolder}
          />
          <ToastStack />
        </div>
        {detailOpen && selectedId !== null && (
          <DetailPanel id={selectedId} ids={selectedIds} onClose={() => setDetailOpen(false)} onOpenStudio={setStudioId} />
        )}
      </main>
      {queueOpen && <QueuePanel onClose={() => setQueueOpen(false)} />}
      {publishIds && (
        <PublishDialog
          ids={publishIds}
          onClose={() => setPublishIds(null)}
          onQueued={() => {
            setPublishIds(null);
            setQueueOpen(true);
          }}
        />
      )}
      <StatusBar info={info} />
      {settingsOpen && <SettingsPanel section={settingsOpen === 'watch' ? 'watch' : undefined} onClose={() => setSettingsOpen(false)} />}
      {ledgerOpen && (
        <LedgerPanel
          onClose={() => setLedgerOpen(false)}
          onOpenAsset={(id) => {
            setLedgerOpen(false);
            open(id);
          }}
          onManage={() => {
            setLedgerOpen(false);
            setSettingsOpen('watch');
          }}
        />
      )}
      {syncView === 'review' && <ReviewPanel onClose={() => setSyncView(null)} onConflicts={() => setSyncView('conflicts')} />}
      {syncView === 'history' && <HistoryPanel onClose={() => setSyncView(null)} />}
      {syncView === 'conflicts' && (
        <ConflictPanel
          onClose={() => setSyncView(null)}
          onOpenAsset={(id) => {
            setSyncView(null);
            open(id);
          }}
        />
      )}
      {studioId !== null && <StudioHost id={studioId} onClose={closeStudio} />}
      {dragging && <DropOverlay />}
    </div>
  );
}
