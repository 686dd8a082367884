// The only module that talks to the Rust side. Every backend command has one typed function here,
// calling it through the generated command map (`commands.ts`), so a command or argument renamed in
// Rust fails the type check; every failure is normalised to ApiError {code, message} so the UI can
// show `message` and branch on `code`, never on raw JSON or exception text.

import { Channel } from '@tauri-apps/api/core';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { open } from '@tauri-apps/plugin-dialog';

import { type Command, type CommandArgList, type CommandResult, invokeCommand } from '@/ipc/commands';

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
  CompareEvent,
  CompareReport,
  DerivedOutput,
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
  PostTransformation,
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

import type {
  Conflict,
  ConflictResolution,
  SyncOverview,
  SyncProgress,
  SyncReport,
  SyncRequest,
  SyncRun,
  SyncSettings,
} from '@/ipc/bindings';

import type {
  LibraryChange,
  WatchEvent,
  WatchFolder,
  WatchFolderRequest,
  WatchSettings,
  WatchStatus,
} from '@/ipc/bindings';

export type { ApiError, Asset, AssetPage, ErrorCode, ImportEvent, ImportReport, LibraryInfo };
export type { AssetUrl, Preset, PresetApplied, PreviewEvent, PreviewMode, PreviewPlan, PreviewResult, AssetSource };
export type { LadderEvent, LadderFormat, LadderPlan, LadderResult, LadderTr };
export type { CompareEvent, CompareReport, DerivedOutput, DerivedState, FrameScore, MediaFacts, RungCost } from '@/ipc/bindings';
export type * from '@/ipc/dto';
export type {
  LedgerAction,
  LedgerEntry,
  LedgerReason,
  LedgerState,
  LibraryChange,
  RootHealth,
  ScanProgress,
  WatchEvent,
  WatchFolder,
  WatchFolderRequest,
  WatchMode,
  WatchSettings,
  WatchStatus,
} from '@/ipc/bindings';

export type {
  Conflict,
  ConflictField,
  ConflictResolution,
  SyncItemError,
  SyncOp,
  SyncOpKind,
  SyncOverview,
  SyncProgress,
  SyncReport,
  SyncRequest,
  SyncRun,
  SyncSide,
  SyncSettings,
  SyncStatus,
} from '@/ipc/bindings';

const ERROR_CODES: readonly ErrorCode[] = [
  'not_found',
  'invalid_input',
  'library',
  'media',
  'io',
  'offline',
  'remote',
  'keychain_unavailable',
  'not_ready',
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
    // Tauri itself rejects with plain strings (e.g. "command get_assets not found").
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

async function call<C extends Command>(cmd: C, ...args: CommandArgList<C>): Promise<CommandResult<C>> {
  try {
    return await invokeCommand(cmd, ...args);
  } catch (e) {
    throw toApiError(e);
  }
}

// ---- library -------------------------------------------------------------------------------

export function libraryInfo(): Promise<LibraryInfo> {
  return call('library_info');
}

export function getAsset(id: number): Promise<Asset> {
  return call('get_asset', { id });
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
  return call('import_paths', { paths, onEvent: channel });
}

/** Stops the imports running now (what was imported stays); true when one was running. */
export function cancelImports(): Promise<boolean> {
  return call('cancel_imports');
}

// ---- organisation: tags, metadata, folders, search, undo ------------------------------------

export function organisation(id: number): Promise<AssetOrganisation> {
  return call('organisation', { id });
}

export function addTags(ids: number[], tags: string[]): Promise<EditResult> {
  return call('add_tags', { ids, tags });
}

export function removeTags(ids: number[], tags: string[]): Promise<EditResult> {
  return call('remove_tags', { ids, tags });
}

export function tagSuggestions(prefix: string, limit: number): Promise<TagCount[]> {
  return call('tag_suggestions', { prefix, limit });
}

export function renameTag(from: string, to: string): Promise<EditResult> {
  return call('rename_tag', { from, to });
}

export function metadataFields(): Promise<MetadataField[]> {
  return call('metadata_fields');
}

export function setMetadata(ids: number[], values: Record<string, JsonValue>): Promise<EditResult> {
  return call('set_metadata', { ids, values });
}

export function unsetMetadata(ids: number[], keys: string[]): Promise<EditResult> {
  return call('unset_metadata', { ids, keys });
}

/** Validates values against the fields' rules without saving anything. */
export function checkMetadata(ids: number[], values: Record<string, JsonValue>): Promise<FieldProblem[]> {
  return call('check_metadata', { ids, values });
}

export function metadataSummary(ids: number[]): Promise<FieldSummary[]> {
  return call('metadata_summary', { ids });
}

export function folders(): Promise<Folder[]> {
  return call('folders');
}

export function setFolder(ids: number[], folder: string): Promise<EditResult> {
  return call('set_folder', { ids, folder });
}

export function createFolder(parent: string, name: string): Promise<FolderChange> {
  return call('create_folder', { parent, name });
}

export function search(request: SearchRequest): Promise<SearchPage> {
  return call('search', { request });
}

export function saveSearch(name: string, request: SearchRequest): Promise<null> {
  return call('save_search', { name, request });
}

export function savedSearches(): Promise<SavedSearch[]> {
  return call('saved_searches');
}

export function deleteSavedSearch(name: string): Promise<null> {
  return call('delete_saved_search', { name });
}

export function undoLast(): Promise<UndoResult> {
  return call('undo_last');
}

// ---- account -------------------------------------------------------------------------------

export function remoteInfo(): Promise<RemoteInfo> {
  return call('remote_info');
}

export function switchToSandbox(): Promise<RemoteInfo> {
  return call('use_sandbox');
}

/**
 * Fetches the account's custom metadata fields and folder tree into the library so they are there
 * offline. Rejects with `offline` when the media library cannot be reached (the saved copy stays).
 */
export function refreshCatalogue(): Promise<CatalogueRefresh> {
  return call('refresh_catalogue');
}

/** The private key (if any) goes straight to the backend's keychain; nothing here keeps it. */
export function connectImagekit(input: ImagekitAccountInput): Promise<RemoteInfo> {
  return call('use_imagekit', { input });
}

// ---- uploads -------------------------------------------------------------------------------

/** Subscribes to the background queue's events (once per window). */
export function watchUploads(onEvent: (e: UploadEvent) => void): Promise<null> {
  const channel = new Channel<UploadEvent>(onEvent);
  return call('watch_uploads', { onEvent: channel });
}

export function queueAdd(request: QueueAddRequest): Promise<UploadJob[]> {
  return call('queue_add', { request });
}

export function queueList(): Promise<UploadQueue> {
  return call('queue_list');
}

export type JobAction = 'pause' | 'resume' | 'cancel' | 'retry';

export function queueJob(action: JobAction, jobId: number): Promise<UploadJob> {
  return call(`queue_${action}` as const, { jobId });
}

export function queueReorder(jobIds: number[]): Promise<null> {
  return call('queue_reorder', { jobIds });
}

export function setUploadsPaused(paused: boolean): Promise<null> {
  return call('uploads_set_paused', { paused });
}

/** A stopped background upload run tries again now. */
export function retryUploads(): Promise<null> {
  return call('uploads_retry');
}

export function uploadSettings(): Promise<UploadSettings> {
  return call('upload_settings');
}

export function setUploadSettings(settings: UploadSettings): Promise<UploadSettings> {
  return call('set_upload_settings', { settings });
}

// ---- watched folders and library changes ---------------------------------------------------

export function watchAdd(req: WatchFolderRequest): Promise<WatchFolder> {
  return call('watch_add', { req });
}

export function watchList(): Promise<WatchFolder[]> {
  return call('watch_list');
}

export function watchRemove(id: number): Promise<null> {
  return call('watch_remove', { id });
}

export function watchSetPaused(id: number, paused: boolean): Promise<WatchFolder> {
  return call('watch_set_paused', { id, paused });
}

/** The folders, their health and the ledger ("Waiting and skipped"). */
export function watchStatus(): Promise<WatchStatus> {
  return call('watch_status');
}

export type LedgerCommand = 'retry' | 'ingest_anyway' | 'keep_new_version' | 'ignore';

/** Acts on one ledger entry (by its path): retry, ingest anyway, keep the new version of a file
 * replaced in place, ignore. */
export function watchLedgerAction(action: LedgerCommand, path: string): Promise<null> {
  return call(`watch_${action}` as const, { path });
}

export function watchSettings(): Promise<WatchSettings> {
  return call('watch_settings');
}

export function setWatchSettings(settings: WatchSettings): Promise<WatchSettings> {
  return call('set_watch_settings', { settings });
}

/** Subscribes to the background watcher's events (once per window). */
export function followWatch(onEvent: (e: WatchEvent) => void): Promise<null> {
  const channel = new Channel<WatchEvent>(onEvent);
  return call('follow_watch', { onEvent: channel });
}

/** Subscribes to changes any process (this app, `stockroom import`, `watch run`) commits to the library. */
export function followLibrary(onEvent: (e: LibraryChange) => void): Promise<null> {
  const channel = new Channel<LibraryChange>(onEvent);
  return call('follow_library', { onEvent: channel });
}

/** The native folder picker for one folder; null when cancelled. */
export async function pickFolder(): Promise<string | null> {
  try {
    const chosen = await open({ multiple: false, directory: true });
    if (chosen === null) return null;
    return Array.isArray(chosen) ? (chosen[0] ?? null) : chosen;
  } catch (e) {
    throw toApiError(e);
  }
}

// ---- two-way sync with the remote media library ----------------------------------------------

/**
 * Runs a sync (or a dry run: the plan only, nothing changed). `onProgress` gets the phases
 * (`pull`, `plan`, `push`, `apply`, `done`) with done/total while it runs.
 */
export function syncRun(req: SyncRequest, onProgress: (p: SyncProgress) => void): Promise<SyncReport> {
  const channel = new Channel<SyncProgress>(onProgress);
  return call('sync_run', { req, onProgress: channel });
}

/** When it last synced (or why not), open conflicts, pending changes, the next periodic run. */
export function syncOverview(): Promise<SyncOverview> {
  return call('sync_overview');
}

/** Past runs, newest first, each with its report (operations, errors, request ids). */
export function syncLog(limit: number): Promise<SyncRun[]> {
  return call('sync_log', { limit });
}

export function syncConflicts(openOnly = true): Promise<Conflict[]> {
  return call('sync_conflicts', { openOnly });
}

/** Resolves conflicts the same way (mine, theirs, or a value); resolves with them as settled. */
export function resolveConflicts(ids: number[], resolution: ConflictResolution): Promise<Conflict[]> {
  return call('resolve_conflicts', { req: { ids, resolution } });
}

export function syncSettings(): Promise<SyncSettings> {
  return call('sync_settings');
}

export function setSyncSettings(settings: SyncSettings): Promise<SyncSettings> {
  return call('set_sync_settings', { settings });
}

/** Downloads a remote-only asset's original and makes it a local asset (same id). */
export function downloadOriginal(assetId: number): Promise<Asset> {
  return call('download_original', { assetId });
}

/** Fetches (once; the backend caches it) a remote-only asset's thumbnail from the remote. */
export function fetchRemoteThumbnail(assetId: number): Promise<Asset> {
  return call('fetch_remote_thumbnail', { assetId });
}

/** Asks for linked assets to be deleted from the remote (held until deletes are confirmed). */
export function deleteFromRemote(ids: number[]): Promise<EditResult> {
  return call('delete_from_remote', { ids });
}

export function renameAsset(id: number, name: string): Promise<EditResult> {
  return call('rename_asset', { id, name });
}

/** Subscribes to the periodic background sync: its progress and each finished run's report. */
export function followSync(onProgress: (p: SyncProgress) => void, onReport: (r: SyncReport) => void): Promise<null> {
  return call('follow_sync', { onProgress: new Channel<SyncProgress>(onProgress), onReport: new Channel<SyncReport>(onReport) });
}

// ---- previews and channel presets ----------------------------------------------------------

/** What a preview of `tr` will be (size, duration, codecs, what is left out); `invalid_input`
 * with the nearest valid setting when the combination can't be made. */
export function planPreview(source: AssetSource, tr: string): Promise<PreviewPlan> {
  return call('plan_preview', { source, tr });
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
  return call('render_preview', { view, source, tr, mode, onEvent: channel });
}

/** The ladder `tr` for the studio's `tr` and the chosen renditions: what streaming URLs refuse
 * left out (and listed), then `sr-…`. The backend owns that rule. */
export function ladderTr(tr: string, rungs: number[]): Promise<LadderTr> {
  return call('ladder_tr', { tr, rungs });
}

/** What the adaptive-bitrate ladder of `tr` (with `sr-…`) will be, before anything renders. */
export function planLadder(source: AssetSource, tr: string, format: LadderFormat): Promise<LadderPlan> {
  return call('plan_ladder', { source, tr, format });
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
  return call('render_ladder', { view, source, tr, format, onEvent: channel });
}

/** The delivery URL of an asset's `ik-master.m3u8` / `ik-master.mpd` for a ladder `tr`. */
export function ladderUrl(id: number, tr: string, format: LadderFormat, sign = false): Promise<AssetUrl> {
  return call('ladder_url', { id, tr, format, sign });
}

export function cancelPreview(view: string): Promise<boolean> {
  return call('cancel_preview', { view });
}

export function listPresets(): Promise<Preset[]> {
  return call('presets');
}

export function savePreset(name: string, tr: string): Promise<Preset> {
  return call('save_preset', { name, tr });
}

export function deletePreset(name: string): Promise<null> {
  return call('delete_preset', { name });
}

export function applyPreset(name: string, ids: number[]): Promise<PresetApplied> {
  return call('apply_preset', { name, ids });
}

export function removePreset(name: string, ids: number[]): Promise<number> {
  return call('remove_preset', { name, ids });
}

/** The delivery URL of every preset recorded on `ids`, on the active account. */
export function presetUrls(ids: number[], sign = false): Promise<AssetUrl[]> {
  return call('preset_urls', { ids, sign });
}

/** The delivery URL of one asset with `tr` (its remote folder and name, the active account). */
export function assetUrl(id: number, tr: string, sign = false): Promise<AssetUrl> {
  return call('asset_url', { id, tr, sign });
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

// ---- the shop: post-transformations, derived outputs, Compare with the shop --------------

/**
 * Checks the post-transformations a publish of `assetIds` asks for, offline, before anything is
 * queued: rejects with the reason and the nearest valid setting.
 */
export function checkPostTransformations(assetIds: number[], post: PostTransformation[]): Promise<null> {
  return call('check_post_transformations', { assetIds, post });
}

/** A published asset's derived outputs, each with its delivery URL and its state as the shop answers. */
export function derivedOutputs(assetId: number): Promise<DerivedOutput[]> {
  return call('derived_outputs', { assetId });
}

/** The shop's delivery of `tr` beside the local preview of it, scored; progress on `onEvent`. */
export function compareWithShop(assetId: number, tr: string, onEvent: (e: CompareEvent) => void): Promise<CompareReport> {
  const channel = new Channel<CompareEvent>(onEvent);
  return call('compare_with_shop', { assetId, tr, onEvent: channel });
}
