// The only module that talks to the Rust side. Every backend command has one typed function here;
// every failure is normalised to ApiError {code, message} so the UI can show `message` and branch
// on `code`, never on raw JSON or exception text.

import { Channel, invoke } from '@tauri-apps/api/core';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { open } from '@tauri-apps/plugin-dialog';

import type {
  ApiError,
  Asset,
  AssetPage,
  ErrorCode,
  ImportEvent,
  ImportReport,
  LibraryInfo,
} from '@/ipc/bindings';

export type { ApiError, Asset, AssetPage, ErrorCode, ImportEvent, ImportReport, LibraryInfo };

const ERROR_CODES: readonly ErrorCode[] = [
  'not_found',
  'invalid_input',
  'library',
  'media',
  'io',
  'internal',
];

function isErrorCode(v: unknown): v is ErrorCode {
  return typeof v === 'string' && (ERROR_CODES as readonly string[]).includes(v);
}

/** Turns whatever a failed call rejected with into `{code, message}` with a readable message. */
export function toApiError(e: unknown): ApiError {
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>;
    if (typeof o.message === 'string' && o.message.trim() !== '') {
      return { code: isErrorCode(o.code) ? o.code : 'internal', message: o.message };
    }
  }
  if (typeof e === 'string' && e.trim() !== '') {
    // Tauri itself rejects with plain strings (e.g. "command list_assets not found").
    return { code: 'internal', message: e };
  }
  return { code: 'internal', message: 'Something went wrong, and the app did not say what.' };
}

/** Type guard for values already normalised by {@link toApiError}. */
export function isApiError(e: unknown): e is ApiError {
  return (
    !!e &&
    typeof e === 'object' &&
    typeof (e as ApiError).message === 'string' &&
    isErrorCode((e as ApiError).code)
  );
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toApiError(e);
  }
}

// ---- library -------------------------------------------------------------------------------

export function libraryInfo(): Promise<LibraryInfo> {
  return call<LibraryInfo>('library_info');
}

/** A page of the library, newest first. */
export function listAssets(offset: number, limit: number): Promise<AssetPage> {
  return call<AssetPage>('list_assets', { offset, limit });
}

export function getAsset(id: number): Promise<Asset> {
  return call<Asset>('get_asset', { id });
}

/**
 * Imports files and folders. `onEvent` receives the backend's progress events in order while the
 * call runs; the promise resolves with the final report.
 */
export function importPaths(
  paths: string[],
  onEvent: (event: ImportEvent) => void,
): Promise<ImportReport> {
  const channel = new Channel<ImportEvent>(onEvent);
  return call<ImportReport>('import_paths', { paths, onEvent: channel });
}

// ---- native dialogs ------------------------------------------------------------------------

/** Opens the native picker; resolves with the chosen paths (empty when cancelled). */
export async function pickPaths(kind: 'files' | 'folder'): Promise<string[]> {
  try {
    const chosen = await open({ multiple: true, directory: kind === 'folder' });
    if (chosen === null) return [];
    return Array.isArray(chosen) ? chosen : [chosen];
  } catch (e) {
    throw toApiError(e);
  }
}

// ---- drag and drop -------------------------------------------------------------------------

export type DragDrop =
  | { type: 'enter'; paths: string[] }
  | { type: 'over' }
  | { type: 'drop'; paths: string[] }
  | { type: 'leave' };

/** Subscribes to OS drag-and-drop over the window. Resolves with an unsubscribe function. */
export async function onDragDrop(handler: (e: DragDrop) => void): Promise<() => void> {
  const unlisten = await getCurrentWebview().onDragDropEvent((event) => {
    const p = event.payload;
    switch (p.type) {
      case 'enter':
        handler({ type: 'enter', paths: p.paths });
        break;
      case 'over':
        handler({ type: 'over' });
        break;
      case 'drop':
        handler({ type: 'drop', paths: p.paths });
        break;
      case 'leave':
        handler({ type: 'leave' });
        break;
    }
  });
  return () => {
    void unlisten();
  };
}
