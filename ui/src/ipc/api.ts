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

import type {
  AssetUrl,
  LadderEvent,
  LadderFormat,
  LadderPlan,
  LadderResult,
  LadderTr,
  Preset,
  PresetApplied,
  PreviewEvent,
  PreviewMode,
  PreviewPlan,
  PreviewResult,
  AssetSource,
} from '@/ipc/bindings';

import type {
  AssetOrganisation,
  CatalogueRefresh,
  EditResult,
  FieldProblem,
  FieldSummary,
  Folder,
  FolderChange,
  ImagekitAccountInput,
  JsonValue,
  MetadataField,
  QueueAddRequest,
  RemoteInfo,
  SavedSearch,
  SearchPage,
  SearchRequest,
  TagCount,
  UndoResult,
  UploadEvent,
  UploadJob,
  UploadQueue,
  UploadSettings,
} from '@/ipc/dto';

export type { ApiError, Asset, AssetPage, ErrorCode, ImportEvent, ImportReport, LibraryInfo };
export type { AssetUrl, Preset, PresetApplied, PreviewEvent, PreviewMode, PreviewPlan, PreviewResult, AssetSource };
export type { LadderEvent, LadderFormat, LadderPlan, LadderResult, LadderTr };
export type * from '@/ipc/dto';

const ERROR_CODES: readonly ErrorCode[] = [
  'not_found',
  'invalid_input',
  'library',
  'media',
  'io',
  'offline',
  'remote',
  'keychain_unavailable',
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

/** Stops the imports running now (what was imported stays); true when one was running. */
export function cancelImports(): Promise<boolean> {
  return call<boolean>('cancel_imports');
}

// ---- organisation: tags, metadata, folders, search, undo ------------------------------------

export function organisation(id: number): Promise<AssetOrganisation> {
  return call<AssetOrganisation>('organisation', { id });
}

export function addTags(ids: number[], tags: string[]): Promise<EditResult> {
  return call<EditResult>('add_tags', { ids, tags });
}

export function removeTags(ids: number[], tags: string[]): Promise<EditResult> {
  return call<EditResult>('remove_tags', { ids, tags });
}

export function tagSuggestions(prefix: string, limit: number): Promise<TagCount[]> {
  return call<TagCount[]>('tag_suggestions', { prefix, limit });
}

export function renameTag(from: string, to: string): Promise<EditResult> {
  return call<EditResult>('rename_tag', { from, to });
}

export function metadataFields(): Promise<MetadataField[]> {
  return call<MetadataField[]>('metadata_fields');
}

export function setMetadata(ids: number[], values: Record<string, JsonValue>): Promise<EditResult> {
  return call<EditResult>('set_metadata', { ids, values });
}

export function unsetMetadata(ids: number[], keys: string[]): Promise<EditResult> {
  return call<EditResult>('unset_metadata', { ids, keys });
}

/** Validates values against the fields' rules without saving anything. */
export function checkMetadata(ids: number[], values: Record<string, JsonValue>): Promise<FieldProblem[]> {
  return call<FieldProblem[]>('check_metadata', { ids, values });
}

export function metadataSummary(ids: number[]): Promise<FieldSummary[]> {
  return call<FieldSummary[]>('metadata_summary', { ids });
}

export function folders(): Promise<Folder[]> {
  return call<Folder[]>('folders');
}

export function setFolder(ids: number[], folder: string): Promise<EditResult> {
  return call<EditResult>('set_folder', { ids, folder });
}

export function createFolder(parent: string, name: string): Promise<FolderChange> {
  return call<FolderChange>('create_folder', { parent, name });
}

export function search(request: SearchRequest): Promise<SearchPage> {
  return call<SearchPage>('search', { request });
}

export function saveSearch(name: string, request: SearchRequest): Promise<void> {
  return call<void>('save_search', { name, request });
}

export function savedSearches(): Promise<SavedSearch[]> {
  return call<SavedSearch[]>('saved_searches');
}

export function deleteSavedSearch(name: string): Promise<void> {
  return call<void>('delete_saved_search', { name });
}

export function undoLast(): Promise<UndoResult> {
  return call<UndoResult>('undo_last');
}

// ---- account -------------------------------------------------------------------------------

export function remoteInfo(): Promise<RemoteInfo> {
  return call<RemoteInfo>('remote_info');
}

export function switchToSandbox(): Promise<RemoteInfo> {
  return call<RemoteInfo>('use_sandbox');
}

/**
 * Fetches the account's custom metadata fields and folder tree into the library so they are there
 * offline. Rejects with `offline` when the media library cannot be reached (the saved copy stays).
 */
export function refreshCatalogue(): Promise<CatalogueRefresh> {
  return call<CatalogueRefresh>('refresh_catalogue');
}

/** The private key (if any) goes straight to the backend's keychain; nothing here keeps it. */
export function connectImagekit(input: ImagekitAccountInput): Promise<RemoteInfo> {
  return call<RemoteInfo>('use_imagekit', { input });
}

// ---- uploads -------------------------------------------------------------------------------

/** Subscribes to the background queue's events (once per window). */
export function watchUploads(onEvent: (e: UploadEvent) => void): Promise<void> {
  const channel = new Channel<UploadEvent>(onEvent);
  return call<void>('watch_uploads', { onEvent: channel });
}

export function queueAdd(request: QueueAddRequest): Promise<UploadJob[]> {
  return call<UploadJob[]>('queue_add', { request });
}

export function queueList(): Promise<UploadQueue> {
  return call<UploadQueue>('queue_list');
}

export type JobAction = 'pause' | 'resume' | 'cancel' | 'retry';

export function queueJob(action: JobAction, jobId: number): Promise<UploadJob> {
  return call<UploadJob>(`queue_${action}`, { jobId });
}

export function queueReorder(jobIds: number[]): Promise<void> {
  return call<void>('queue_reorder', { jobIds });
}

export function setUploadsPaused(paused: boolean): Promise<void> {
  return call<void>('uploads_set_paused', { paused });
}

/** A stopped background upload run tries again now. */
export function retryUploads(): Promise<void> {
  return call<void>('uploads_retry');
}

export function uploadSettings(): Promise<UploadSettings> {
  return call<UploadSettings>('upload_settings');
}

export function setUploadSettings(settings: UploadSettings): Promise<UploadSettings> {
  return call<UploadSettings>('set_upload_settings', { settings });
}

// ---- previews and channel presets ----------------------------------------------------------

/** What a preview of `tr` will be (size, duration, codecs, what is left out); `invalid_input`
 * with the nearest valid setting when the combination can't be made. */
export function planPreview(source: AssetSource, tr: string): Promise<PreviewPlan> {
  return call<PreviewPlan>('plan_preview', { source, tr });
}

/**
 * Renders a preview; `onEvent` gets progress, `first_segment_ready` (fast mode: start the player)
 * and `finished`. `view` names the pane: a new render for the same view cancels the previous one
 * (which then rejects).
 */
export function renderPreview(
  view: string,
  source: AssetSource,
  tr: string,
  mode: PreviewMode,
  onEvent: (e: PreviewEvent) => void,
): Promise<PreviewResult> {
  const channel = new Channel<PreviewEvent>(onEvent);
  return call<PreviewResult>('render_preview', { view, source, tr, mode, onEvent: channel });
}

/** The ladder `tr` for the studio's `tr` and the chosen renditions: what streaming URLs refuse
 * left out (and listed), then `sr-…`. The backend owns that rule. */
export function ladderTr(tr: string, rungs: number[]): Promise<LadderTr> {
  return call<LadderTr>('ladder_tr', { tr, rungs });
}

/** What the adaptive-bitrate ladder of `tr` (with `sr-…`) will be, before anything renders. */
export function planLadder(source: AssetSource, tr: string, format: LadderFormat): Promise<LadderPlan> {
  return call<LadderPlan>('plan_ladder', { source, tr, format });
}

/** Renders a ladder (HLS or DASH) locally with progress; `view` cancels it like a preview. */
export function renderLadder(
  view: string,
  source: AssetSource,
  tr: string,
  format: LadderFormat,
  onEvent: (e: LadderEvent) => void,
): Promise<LadderResult> {
  const channel = new Channel<LadderEvent>(onEvent);
  return call<LadderResult>('render_ladder', { view, source, tr, format, onEvent: channel });
}

/** The delivery URL of an asset's `ik-master.m3u8` / `ik-master.mpd` for a ladder `tr`. */
export function ladderUrl(id: number, tr: string, format: LadderFormat, sign = false): Promise<AssetUrl> {
  return call<AssetUrl>('ladder_url', { id, tr, format, sign });
}

export function cancelPreview(view: string): Promise<boolean> {
  return call<boolean>('cancel_preview', { view });
}

export function listPresets(): Promise<Preset[]> {
  return call<Preset[]>('presets');
}

export function savePreset(name: string, tr: string): Promise<Preset> {
  return call<Preset>('save_preset', { name, tr });
}

export function deletePreset(name: string): Promise<void> {
  return call<void>('delete_preset', { name });
}

export function applyPreset(name: string, ids: number[]): Promise<PresetApplied> {
  return call<PresetApplied>('apply_preset', { name, ids });
}

export function removePreset(name: string, ids: number[]): Promise<number> {
  return call<number>('remove_preset', { name, ids });
}

/** The delivery URL of every preset recorded on `ids`, on the active account. */
export function presetUrls(ids: number[], sign = false): Promise<AssetUrl[]> {
  return call<AssetUrl[]>('preset_urls', { ids, sign });
}

/** The delivery URL of one asset with `tr` (its remote folder and name, the active account). */
export function assetUrl(id: number, tr: string, sign = false): Promise<AssetUrl> {
  return call<AssetUrl>('asset_url', { id, tr, sign });
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
