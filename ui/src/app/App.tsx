// The window: top bar, import progress, the grid with the detail panel beside it, the status bar,
// toasts, and the drop overlay while files are dragged over the window.

import { useCallback, useEffect, useState } from 'react';

import { useServices } from '@/app/context';
import { DropOverlay } from '@/app/DropOverlay';
import { StatusBar } from '@/app/StatusBar';
import { ToastStack } from '@/app/ToastStack';
import { TopBar } from '@/app/TopBar';
import { libraryInfo, onDragDrop, pickPaths } from '@/ipc/api';
import type { ApiError, ImportReport, LibraryInfo } from '@/ipc/bindings';
import { AssetGrid } from '@/library/AssetGrid';
import { DetailPanel } from '@/library/DetailPanel';
import { ImportPanel } from '@/library/ImportPanel';

/** What end-to-end tests (WebDriver cannot drag files from the OS) call instead of a drop. */
export interface StockroomTestHooks {
  importPaths(paths: string[]): Promise<ImportReport>;
}

declare global {
  interface Window {
    __stockroom?: StockroomTestHooks;
  }
}

export function App() {
  const { assets, importer, toasts } = useServices();
  const [info, setInfo] = useState<LibraryInfo | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [detailOpen, setDetailOpen] = useState(false);
  const [dragging, setDragging] = useState(false);

  // Drops, pickers and the test hook all go through here.
  const importPaths = useCallback((paths: string[]) => importer.run(paths), [importer]);

  useEffect(() => {
    libraryInfo().then(setInfo, (e: ApiError) => toasts.error(e.message));
    void assets.refresh();
  }, [assets, toasts]);

  useEffect(() => {
    window.__stockroom = { importPaths };
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

  const select = useCallback((id: number) => setSelectedId(id), []);
  const clickSelect = useCallback((id: number) => {
    setSelectedId(id);
    setDetailOpen(true);
  }, []);
  const open = useCallback((id: number) => {
    setSelectedId(id);
    setDetailOpen(true);
  }, []);
  const escape = useCallback(() => {
    if (detailOpen) setDetailOpen(false);
    else setSelectedId(null);
  }, [detailOpen]);

  return (
    <div className="app">
      <TopBar onImportFiles={importFiles} onImportFolder={importFolder} />
      <ImportPanel />
      <main className="main">
        <AssetGrid
          selectedId={selectedId}
          onSelect={select}
          onClickSelect={clickSelect}
          onOpen={open}
          onEscape={escape}
          onImportFiles={importFiles}
          onImportFolder={importFolder}
        />
        {detailOpen && selectedId !== null && <DetailPanel id={selectedId} onClose={() => setDetailOpen(false)} />}
      </main>
      <StatusBar info={info} />
      <ToastStack />
      {dragging && <DropOverlay />}
    </div>
  );
}
