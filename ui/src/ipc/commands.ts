// Generated from src-tauri/commands/ by `UPDATE_BINDINGS=1 cargo test -p stockroom-app commands`.
// Do not edit by hand.

import { invoke, type Channel, type InvokeArgs } from '@tauri-apps/api/core';

import type { Asset, AssetOrganisation, AssetSource, AssetUrl, CatalogueRefresh, CompareEvent, CompareReport, Conflict, DerivedOutput, EditResult, FieldProblem, FieldSummary, Folder, FolderChange, ImagekitAccountInput, ImportEvent, ImportReport, JsonValue, LadderEvent, LadderFormat, LadderPlan, LadderResult, LadderTr, LibraryChange, LibraryInfo, MetadataField, PostTransformation, Preset, PresetApplied, PreviewEvent, PreviewMode, PreviewPlan, PreviewResult, QueueAddRequest, RemoteInfo, ResolveConflicts, SavedSearch, SearchPage, SearchRequest, SyncOverview, SyncProgress, SyncReport, SyncRequest, SyncRun, SyncSettings, TagCount, UndoResult, UploadEvent, UploadJob, UploadQueue, UploadSettings, WatchEvent, WatchFolder, WatchFolderRequest, WatchSettings, WatchStatus } from './bindings';

/** Every command the shell registers: its arguments as sent (camelCase keys) and what it resolves with. */
export interface Commands {
  library_info: { args: Record<string, never>; result: LibraryInfo };
  get_asset: { args: { id: number }; result: Asset };
  import_paths: { args: { paths: Array<string>; onEvent: Channel<ImportEvent> }; result: ImportReport };
  cancel_imports: { args: Record<string, never>; result: boolean };
  organisation: { args: { id: number }; result: AssetOrganisation };
  add_tags: { args: { ids: Array<number>; tags: Array<string> }; result: EditResult };
  remove_tags: { args: { ids: Array<number>; tags: Array<string> }; result: EditResult };
  tag_suggestions: { args: { prefix: string; limit: number }; result: Array<TagCount> };
  rename_tag: { args: { from: string; to: string }; result: EditResult };
  metadata_fields: { args: Record<string, never>; result: Array<MetadataField> };
  set_metadata: { args: { ids: Array<number>; values: { [key in string]: JsonValue } }; result: EditResult };
  unset_metadata: { args: { ids: Array<number>; keys: Array<string> }; result: EditResult };
  check_metadata: { args: { ids: Array<number>; values: { [key in string]: JsonValue } }; result: Array<FieldProblem> };
  metadata_summary: { args: { ids: Array<number> }; result: Array<FieldSummary> };
  folders: { args: Record<string, never>; result: Array<Folder> };
  set_folder: { args: { ids: Array<number>; folder: string }; result: EditResult };
  create_folder: { args: { parent: string; name: string }; result: FolderChange };
  rename_folder: { args: { path: string; newName: string }; result: FolderChange };
  move_folder: { args: { source: string; destination: string }; result: FolderChange };
  search: { args: { request: SearchRequest }; result: SearchPage };
  save_search: { args: { name: string; request: SearchRequest }; result: null };
  saved_searches: { args: Record<string, never>; result: Array<SavedSearch> };
  delete_saved_search: { args: { name: string }; result: null };
  undo_last: { args: Record<string, never>; result: UndoResult };
  remote_info: { args: Record<string, never>; result: RemoteInfo };
  use_sandbox: { args: Record<string, never>; result: RemoteInfo };
  use_imagekit: { args: { input: ImagekitAccountInput }; result: RemoteInfo };
  refresh_catalogue: { args: Record<string, never>; result: CatalogueRefresh };
  plan_preview: { args: { source: AssetSource; tr: string }; result: PreviewPlan };
  render_preview: { args: { view: string; source: AssetSource; tr: string; mode: PreviewMode; onEvent: Channel<PreviewEvent> }; result: PreviewResult };
  cancel_preview: { args: { view: string }; result: boolean };
  ladder_tr: { args: { tr: string; rungs: Array<number> }; result: LadderTr };
  plan_ladder: { args: { source: AssetSource; tr: string; format: LadderFormat }; result: LadderPlan };
  render_ladder: { args: { view: string; source: AssetSource; tr: string; format: LadderFormat; onEvent: Channel<LadderEvent> }; result: LadderResult };
  presets: { args: Record<string, never>; result: Array<Preset> };
  save_preset: { args: { name: string; tr: string }; result: Preset };
  delete_preset: { args: { name: string }; result: null };
  apply_preset: { args: { name: string; ids: Array<number> }; result: PresetApplied };
  remove_preset: { args: { name: string; ids: Array<number> }; result: number };
  preset_urls: { args: { ids: Array<number>; sign: boolean }; result: Array<AssetUrl> };
  asset_url: { args: { id: number; tr: string; sign: boolean }; result: AssetUrl };
  ladder_url: { args: { id: number; tr: string; format: LadderFormat; sign: boolean }; result: AssetUrl };
  check_post_transformations: { args: { assetIds: Array<number>; post: Array<PostTransformation> }; result: null };
  derived_outputs: { args: { assetId: number }; result: Array<DerivedOutput> };
  compare_with_shop: { args: { assetId: number; tr: string; onEvent: Channel<CompareEvent> }; result: CompareReport };
  watch_uploads: { args: { onEvent: Channel<UploadEvent> }; result: null };
  queue_add: { args: { request: QueueAddRequest }; result: Array<UploadJob> };
  queue_list: { args: Record<string, never>; result: UploadQueue };
  queue_pause: { args: { jobId: number }; result: UploadJob };
  queue_resume: { args: { jobId: number }; result: UploadJob };
  queue_cancel: { args: { jobId: number }; result: UploadJob };
  queue_retry: { args: { jobId: number }; result: UploadJob };
  queue_reorder: { args: { jobIds: Array<number> }; result: null };
  uploads_set_paused: { args: { paused: boolean }; result: null };
  uploads_retry: { args: Record<string, never>; result: null };
  upload_settings: { args: Record<string, never>; result: UploadSettings };
  set_upload_settings: { args: { settings: UploadSettings }; result: UploadSettings };
  watch_add: { args: { req: WatchFolderRequest }; result: WatchFolder };
  watch_list: { args: Record<string, never>; result: Array<WatchFolder> };
  watch_remove: { args: { id: number }; result: null };
  watch_set_paused: { args: { id: number; paused: boolean }; result: WatchFolder };
  watch_status: { args: Record<string, never>; result: WatchStatus };
  watch_retry: { args: { path: string }; result: null };
  watch_ingest_anyway: { args: { path: string }; result: null };
  watch_keep_new_version: { args: { path: string }; result: null };
  watch_ignore: { args: { path: string }; result: null };
  watch_settings: { args: Record<string, never>; result: WatchSettings };
  set_watch_settings: { args: { settings: WatchSettings }; result: WatchSettings };
  follow_watch: { args: { onEvent: Channel<WatchEvent> }; result: null };
  follow_library: { args: { onEvent: Channel<LibraryChange> }; result: null };
  sync_run: { args: { req: SyncRequest; onProgress: Channel<SyncProgress> }; result: SyncReport };
  sync_overview: { args: Record<string, never>; result: SyncOverview };
  sync_log: { args: { limit: number }; result: Array<SyncRun> };
  sync_conflicts: { args: { openOnly: boolean }; result: Array<Conflict> };
  resolve_conflicts: { args: { req: ResolveConflicts }; result: Array<Conflict> };
  sync_settings: { args: Record<string, never>; result: SyncSettings };
  set_sync_settings: { args: { settings: SyncSettings }; result: SyncSettings };
  download_original: { args: { assetId: number }; result: Asset };
  fetch_remote_thumbnail: { args: { assetId: number }; result: Asset };
  delete_from_remote: { args: { ids: Array<number> }; result: EditResult };
  rename_asset: { args: { id: number; name: string }; result: EditResult };
  follow_sync: { args: { onProgress: Channel<SyncProgress>; onReport: Channel<SyncReport> }; result: null };
}

export type Command = keyof Commands;
export type CommandArgs<C extends Command> = Commands[C]['args'];
export type CommandResult<C extends Command> = Commands[C]['result'];
/** The arguments of `invokeCommand(cmd, …)`: none, or an optional empty object, when the command takes none. */
export type CommandArgList<C extends Command> =
  Record<string, never> extends CommandArgs<C> ? [args?: CommandArgs<C>] : [args: CommandArgs<C>];

/** `invoke` with the command's own argument and result types. */
export function invokeCommand<C extends Command>(cmd: C, ...args: CommandArgList<C>): Promise<CommandResult<C>> {
  return invoke<CommandResult<C>>(cmd, args[0] as InvokeArgs | undefined);
}
