// Generated from crates/sr-api/src/dto/ by `UPDATE_BINDINGS=1 cargo test -p sr-api bindings`.
// Do not edit by hand.

export type ErrorCode = "not_found" | "invalid_input" | "library" | "media" | "io" | "offline" | "remote" | "not_ready" | "keychain_unavailable" | "internal";

export type ApiError = { code: ErrorCode, message: string, };

export type AssetKind = "video" | "image" | "audio" | "other";

export type AssetStatus = "local" | "missing" | "remote_only";

export type Asset = { id: number, 
/**
 * Absolute path of the original on this computer.
 */
path: string, name: string, kind: AssetKind, 
/**
 * Bytes.
 */
size: number, 
/**
 * Content identity (BLAKE3 of every byte, hex).
 */
hash: string, 
/**
 * Display width (rotation metadata applied).
 */
width: number | null, 
/**
 * Display height (rotation metadata applied).
 */
height: number | null, duration_s: number | null, frame_rate: number | null, 
/**
 * Bits per second.
 */
bit_rate: number | null, 
/**
 * Rotation metadata of the original, degrees clockwise.
 */
rotation: number, container: string | null, video_codec: string | null, audio_codec: string | null, status: AssetStatus, status_detail: string | null, 
/**
 * Remote folder this asset is published to, e.g. `/summer-shoot/`.
 */
remote_folder: string, 
/**
 * Unix seconds.
 */
imported_at: number, 
/**
 * Loopback URL of the thumbnail, when there is one and the media server runs.
 */
thumb_url: string | null, 
/**
 * Loopback URL streaming the original (HTTP Range), when the media server runs.
 */
original_url: string | null, 
/**
 * Where it stands against the active account's remote library (`None` when not asked).
 */
sync: SyncStatus | null, };

export type Skipped = { path: string, reason: string, };

export type ImportReport = { imported: Array<Asset>, skipped: Array<Skipped>, 
/**
 * Stopped by `cancel_imports`: what was imported before stays, the rest was not looked at.
 */
cancelled: boolean, };

export type ImportEvent = { "event": "discovered", "data": { total: number, } } | { "event": "imported", "data": { asset: Asset, } } | { "event": "skipped", "data": { skipped: Skipped, } } | { "event": "thumbnail", "data": { id: number, thumb_url: string | null, } } | { "event": "progress", "data": { done: number, total: number, } } | { "event": "finished", "data": { imported: number, skipped: number, cancelled: boolean, } };

export type AssetPage = { total: number, offset: number, assets: Array<Asset>, };

export type LibraryInfo = { library_dir: string, asset_count: number, version: string, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

export type AssetOrganisation = { id: number, 
/**
 * In the order they were added.
 */
tags: Array<string>, 
/**
 * The asset's `customMetadata` object, keyed by field name.
 */
metadata: { [key in string]: JsonValue }, 
/**
 * Remote folder, `/a/b/`.
 */
folder: string, };

export type EditResult = { 
/**
 * `null` when nothing needed changing (nothing to undo then).
 */
batch_id: number | null, 
/**
 * Assets whose organisation changed.
 */
assets: number, 
/**
 * e.g. `Added tag "sale" to 3 assets`; also what undo will say.
 */
description: string, };

export type TagCount = { tag: string, count: number, };

export type FieldType = "Text" | "Textarea" | "Number" | "Date" | "Boolean" | "SingleSelect" | "MultiSelect";

export type MetadataField = { id: string, 
/**
 * Key in `customMetadata`.
 */
name: string, label: string, description: string | null, field_type: FieldType, 
/**
 * Number: a number; Date: an ISO-8601 string.
 */
min_value: JsonValue | null, max_value: JsonValue | null, 
/**
 * Text and Textarea, in characters.
 */
min_length: number | null, max_length: number | null, 
/**
 * Used when a required field has no value.
 */
default_value: JsonValue | null, required: boolean, 
/**
 * SingleSelect and MultiSelect.
 */
select_options: Array<JsonValue> | null, };

export type SummaryValue = { "state": "unset" } | { "state": "same", value: JsonValue, } | { "state": "mixed" };

export type FieldSummary = { field: MetadataField, value: SummaryValue, 
/**
 * How many selected assets have a value.
 */
set_on: number, };

export type FieldProblem = { 
/**
 * Set when the problem is about one asset (a required field it lacks).
 */
asset_id: number | null, 
/**
 * The field's key.
 */
key: string, message: string, };

export type Folder = { path: string, 
/**
 * Known on the remote (as of the last fetch); `false` for folders made offline.
 */
on_remote: boolean, 
/**
 * Assets placed directly in it.
 */
asset_count: number, };

export type RemoteOpKind = "create_folder" | "rename_folder" | "move_folder" | "move_file" | "tag_add" | "tag_remove" | "meta_set" | "meta_unset" | "rename_file" | "delete_file";

export type RemoteOpState = "pending" | "sending" | "applied" | "failed";

export type RemoteOp = { id: number, kind: RemoteOpKind, 
/**
 * The asset a file change is about; `None` for folder changes.
 */
asset_id: number | null, 
/**
 * The remote endpoint's JSON body.
 */
args: JsonValue, created_at: number, state: RemoteOpState, attempts: number, last_error: string | null, };

export type FolderChange = { path: string, edit: EditResult, };

export type SortKey = "relevance" | "name" | "imported_at" | "updated_at" | "size" | "duration" | "width" | "height";

export type SearchSort = { key: SortKey, descending: boolean, };

export type SearchFilters = { kinds: Array<AssetKind>, statuses: Array<AssetStatus>, 
/**
 * Every one of these tags.
 */
tags: Array<string>, folder: string | null, include_subfolders: boolean, min_duration_s: number | null, max_duration_s: number | null, min_size: number | null, max_size: number | null, min_width: number | null, max_width: number | null, min_height: number | null, max_height: number | null, };

export type SearchRequest = { 
/**
 * Words to find in names, tags, metadata values and folders; the last may be partial.
 */
text: string | null, filters: SearchFilters, 
/**
 * The remote's `searchQuery` syntax, e.g. `tags IN ["sale"] AND size > "2mb"`.
 */
remote_query: string | null, sort: SearchSort, offset: number, 
/**
 * 1..=10000; default 200.
 */
limit: number, };

export type SearchHit = { asset: Asset, tags: Array<string>, };

export type SearchPage = { 
/**
 * How many assets match in all.
 */
total: number, offset: number, hits: Array<SearchHit>, };

export type SavedSearch = { name: string, request: SearchRequest, };

export type UndoResult = { description: string, };

export type CatalogueRefresh = { 
/**
 * The account it was fetched for, e.g. `sandbox` or `imagekit:public_abc`.
 */
account: string, 
/**
 * Custom metadata fields now kept offline.
 */
fields: number, 
/**
 * Remote folders now mirrored (every depth).
 */
folders: number, };

export type AccountLimits = { max_file_bytes: number, max_video_bytes: number, };

export type KeyStorage = "keychain" | "file" | "auth_endpoint" | "sandbox";

export type RemoteInfo = { 
/**
 * `sandbox` or `imagekit`.
 */
kind: string, 
/**
 * Stable key remote state is filed under, e.g. `sandbox` or `imagekit:public_abc`.
 */
account: string, label: string, url_endpoint: string, public_key: string, api_base: string, upload_base: string, key_storage: KeyStorage, auth_endpoint: string | null, limits: AccountLimits, 
/**
 * Something the user should know (e.g. the key is in a file because no keychain exists).
 */
warning: string | null, };

export type ImagekitAccountInput = { url_endpoint: string, public_key: string, 
/**
 * Server-side auth. Exactly one of `private_key` and `auth_endpoint`.
 */
private_key: string | null, auth_endpoint: string | null, api_base: string | null, upload_base: string | null, limits: AccountLimits | null, 
/**
 * The person chose to keep the private key in a file only they can read when no keychain
 * answers (Settings' choice, `--store-key-in-file`). Without it such a save is refused with
 * `keychain_unavailable`.
 */
store_key_in_file: boolean, 
/**
 * With `auth_endpoint`: a token the endpoint wants as `Authorization: Bearer …`, kept in the
 * keychain like a private key.
 */
auth_token: string | null, };

export type UrlRequest = { 
/**
 * A path in the media library (`/products/shoe.mp4`) or an absolute URL.
 */
src: string, 
/**
 * An ImageKit `tr` string, e.g. `w-400,h-400:rt-90`.
 */
tr: string | null, 
/**
 * Or the SDK's JSON transformation objects, e.g. `[{"width":400,"rotation":90}]`.
 */
transformation: unknown, 
/**
 * Query parameters added after any already in `src`, in this order (e.g. `version=2.0`).
 */
query: Array<[string, string]>, 
/**
 * `true`: `/tr:.../path`; `false` (the SDK default): `?tr=...`.
 */
path_position: boolean, 
/**
 * Overrides the account's URL endpoint.
 */
url_endpoint: string | null, sign: boolean, 
/**
 * Absolute Unix seconds; `None`: a week on (`delivery::default_expiry`), unless `no_expiry`.
 */
expire_at: number | null, 
/**
 * Sign without any expiry (the SDK's `9999999999` rule): the URL works for as long as the key.
 */
no_expiry: boolean, };

export type UploadJobState = "queued" | "waiting_for_network" | "uploading" | "verifying" | "done" | "failed" | "paused" | "cancelled";

export type PostTransformation = { 
/**
 * `transformation`, `gif-to-video`, `thumbnail` or `abs`.
 */
type: string, value: string | null, 
/**
 * `hls` or `dash` (abs only).
 */
protocol: string | null, };

export type RemoteCopy = { file_id: string, url: string, version_id: string | null, 
/**
 * e.g. `/summer/dress.mp4`.
 */
file_path: string, };

export type UploadJob = { id: number, asset_id: number, 
/**
 * The asset's file name in the library (what the row shows).
 */
asset_name: string, 
/**
 * Account key the job uploads to.
 */
account: string, state: UploadJobState, 
/**
 * Higher first; equal priorities go in `position` order.
 */
priority: number, position: number, 
/**
 * Remote folder, `/a/b/`.
 */
folder: string, 
/**
 * Remote file name (a unique suffix is added when `use_unique_file_name`).
 */
file_name: string, use_unique_file_name: boolean, overwrite: boolean, is_private: boolean, 
/**
 * Upload even if the same content is already at this remote place.
 */
force: boolean, tags: Array<string>, custom_metadata: { [key in string]: JsonValue }, pre_transformation: string | null, post_transformations: Array<PostTransformation>, 
/**
 * Attempts so far (each re-sends the whole file).
 */
attempts: number, 
/**
 * Unix ms; the job is not tried before then.
 */
next_retry_at: number | null, 
/**
 * What went wrong last, for a person.
 */
last_error: string | null, 
/**
 * How to fix it (failed jobs).
 */
fix: string | null, 
/**
 * How it ended, e.g. "Found already in the media library; nothing was sent again."
 */
note: string | null, bytes_total: number, bytes_sent: number, 
/**
 * Set once done.
 */
remote: RemoteCopy | null, 
/**
 * Unix ms.
 */
created_at: number, updated_at: number, };

export type UploadTotals = { queued: number, waiting_for_network: number, uploading: number, verifying: number, done: number, failed: number, paused: number, cancelled: number, bytes_sent: number, bytes_remaining: number, bytes_per_sec: number, 
/**
 * Seconds; `null` until a speed is known.
 */
eta_s: number | null, };

export type UploadSettings = { 
/**
 * Uploads at once, 1..=16.
 */
concurrency: number, 
/**
 * Total upload bandwidth; `null` for unlimited.
 */
bandwidth_limit_bytes_per_sec: number | null, };

export type UploadQueue = { account: string, 
/**
 * Scheduling order.
 */
jobs: Array<UploadJob>, totals: UploadTotals, 
/**
 * The global pause: no new upload starts.
 */
paused: boolean, settings: UploadSettings, 
/**
 * Set while the background run is stopped: why, what to do, and when it retries.
 */
stopped: UploadsStopped | null, };

export type UploadsStopped = { message: string, fix: string, retry_at: number, };

export type QueueAddRequest = { asset_ids: Array<number>, folder: string | null, 
/**
 * Only with a single asset.
 */
file_name: string | null, tags: Array<string>, 
/**
 * Merged over the asset's metadata.
 */
custom_metadata: { [key in string]: JsonValue }, 
/**
 * Let the remote add a unique suffix (default: a deterministic name, which makes crash recovery exact).
 */
unique_name: boolean, 
/**
 * Replace a different file already at that name (default: refuse).
 */
overwrite: boolean, private: boolean, 
/**
 * Upload even when the library knows the content is already there.
 */
force: boolean, pre_transformation: string | null, 
/**
 * `hls:240_360_480_720` → an `abs` post-transformation.
 */
abs: string | null, post_transformations: Array<PostTransformation>, 
/**
 * Higher first.
 */
priority: number, };

export type UploadProgress = { job_id: number, bytes_sent: number, bytes_total: number, percent: number, bytes_per_sec: number, eta_s: number | null, };

export type UploadEvent = { "event": "started", account: string, interrupted: number, } | { "event": "job_changed", job_id: number, asset_id: number, state: UploadJobState, attempts: number, next_retry_at: number | null, last_error: string | null, fix: string | null, note: string | null, remote: RemoteCopy | null, } | { "event": "restarting", job_id: number, bytes_total: number, attempt: number, } | { "event": "progress", progress: UploadProgress, } | { "event": "totals", totals: UploadTotals, } | { "event": "reconciling", job_id: number, } | { "event": "adopted", job_id: number, file_id: string, } | { "event": "offline", next_probe_at: number, } | { "event": "online" } | { "event": "stopped", stopped: UploadsStopped, } | { "event": "batch_finished", done: number, failed: number, cancelled: number, paused: number, };

export type UploadRunSummary = { done: number, failed: number, cancelled: number, paused: number, interrupted: number, };

export type RunUploadsOptions = { 
/**
 * Overrides the stored concurrency for this run.
 */
concurrency: number | null, 
/**
 * Return when nothing is left to do (the CLI); otherwise run until stopped (the app).
 */
until_idle: boolean, 
/**
 * First retry delay in ms (default 1000; tests use less).
 */
retry_base_ms: number | null, 
/**
 * Seed of the retry jitter.
 */
seed: number | null, };

export type WatchFolderRequest = { 
/**
 * The folder on this computer.
 */
path: string, 
/**
 * Remote folder it maps to; `None`: the library root `/`.
 */
remote_folder: string | null, tags: Array<string>, 
/**
 * Custom metadata, checked offline against the active account's fields when saved.
 */
metadata: Record<string, JsonValue>, auto_upload: boolean, 
/**
 * Exclude globs, matched against the path inside the folder, e.g. `proxies/` folders or `*.xmp`.
 */
excludes: Array<string>, };

export type WatchMode = "native" | "polling";

export type RootHealth = "online" | "offline";

export type ScanProgress = { done: number, total: number, };

export type WatchFolder = { id: number, path: string, remote_folder: string, tags: Array<string>, metadata: Record<string, JsonValue>, auto_upload: boolean, excludes: Array<string>, paused: boolean, mode: WatchMode, 
/**
 * Why it is polled, in words ("a network drive (nfs): changes are checked every 10 s").
 */
mode_reason: string | null, health: RootHealth, 
/**
 * Why it is offline, in words, and what to do.
 */
health_reason: string | null, 
/**
 * Unix seconds.
 */
added_at: number, 
/**
 * While a reconciliation of this folder runs.
 */
scanning: ScanProgress | null, 
/**
 * Files under it in the ledger now.
 */
waiting: number, };

export type LedgerReason = { "kind": "still_writing" } | { "kind": "temporary_name" } | { "kind": "not_media" } | { "kind": "unreadable" } | { "kind": "damaged" } | { "kind": "duplicate", asset_id: number, } | { "kind": "excluded" } | { "kind": "link_loop" } | { "kind": "empty" } | { "kind": "replaced_in_place", asset_id: number, };

export type LedgerState = "waiting" | "skipped";

export type LedgerAction = "retry" | "ingest_anyway" | "keep_new_version" | "ignore";

export type LedgerEntry = { root_id: number, path: string, name: string, state: LedgerState, reason: LedgerReason, 
/**
 * The reason in words, with what to do ("Still being written: it comes in 2 s after the last change.").
 */
message: string, 
/**
 * An OS error or the probe's words, when there is one.
 */
detail: string | null, 
/**
 * What the person may do with it.
 */
actions: Array<LedgerAction>, 
/**
 * Unix seconds.
 */
since: number, updated_at: number, };

export type WatchStatus = { 
/**
 * This process runs the library's watcher.
 */
running: boolean, 
/**
 * Another process runs it (e.g. `stockroom watch run` in a terminal), in words.
 */
held_by: string | null, folders: Array<WatchFolder>, waiting: number, skipped: number, ledger: Array<LedgerEntry>, };

export type WatchSettings = { 
/**
 * Size and time must hold still this long before a file is ingested (default 2000).
 */
settle_ms: number, };

export type WatchEvent = { "type": "ingested", root_id: number, asset_id: number, path: string, } | { "type": "moved", asset_id: number, from: string, to: string, } | { "type": "missing", asset_ids: Array<number>, } | { "type": "ledger" } | { "type": "folder", root_id: number, } | { "type": "scan", root_id: number, done: number, total: number, } | { "type": "stopped", message: string, };

export type LibraryChange = { 
/**
 * Grows with every change any process commits.
 */
version: number, };

export type PreviewSource = { "asset_id": number } | { "path": string };

export type AssetSource = { asset_id: number, };

export type PreviewMode = "fast" | "full";

export type PreviewKind = "video" | "image" | "thumbnail";

export type NotPreviewable = { 
/**
 * 1-based step number (0 when it concerns the whole transformation).
 */
step: number, 
/**
 * The parameter as written, e.g. `e-sharpen-10`.
 */
param: string, reason: string, };

export type PreviewPlan = { kind: PreviewKind, 
/**
 * The transformation in its canonical spelling (the cache key).
 */
tr: string, width: number, height: number, 
/**
 * Seconds (videos).
 */
duration_s: number | null, 
/**
 * The part of the input kept, `[start, end]` in seconds (for thumbnails: the frame's time).
 */
trim_s: [number, number] | null, 
/**
 * File format of a full render: `mp4`, `webm`, `jpg`, `png` or `webp`.
 */
format: string, 
/**
 * `h264`, `vp9`, or `None` for sound only / stills.
 */
video_codec: string | null, 
/**
 * `aac`, `opus`, or `None` without sound.
 */
audio_codec: string | null, 
/**
 * 1..=100.
 */
quality: number, not_previewable: Array<NotPreviewable>, 
/**
 * Approximations worth telling the user (a replaced font, ...).
 */
notes: Array<string>, };

export type PreviewResult = { width: number, height: number, duration_s: number | null, video_codec: string | null, audio_codec: string | null, 
/**
 * Bytes (all files of a fast preview).
 */
size: number, 
/**
 * Loopback media-server URL of the file, or of `master.m3u8` for a fast preview; `None` while
 * the media server is not running (the CLI) or when the output lies outside the render cache.
 */
url: string | null, 
/**
 * The file on disk (or `master.m3u8`).
 */
path: string, 
/**
 * `true` when an earlier identical render was reused.
 */
cached: boolean, };

export type PreviewEvent = { "event": "progress", "data": { fraction: number, } } | { "event": "first_segment_ready", "data": { url: string | null, path: string, } } | { "event": "finished", "data": { result: PreviewResult, } };

export type LadderFormat = "hls" | "dash";

export type LadderRung = { 
/**
 * The `sr` value: 240, 360, 480, 720, 1080, 1440 or 2160.
 */
resolution: number, width: number, height: number, 
/**
 * Video bits per second (240: 200000 … 2160: 18000000).
 */
bitrate: number, };

export type LadderPlan = { format: LadderFormat, 
/**
 * The transformation in its canonical spelling (the cache key and the URL's `tr`).
 */
tr: string, 
/**
 * What the remote serves it as after the video's path: `ik-master.m3u8` or `ik-master.mpd`,
 * so the delivery URL is `<video URL>/<master_name>?tr=<tr>`.
 */
master_name: string, 
/**
 * Ascending.
 */
rungs: Array<LadderRung>, 
/**
 * Segment length in seconds (every rung's segments start together, each with an IDR frame).
 */
segment_s: number, duration_s: number | null, 
/**
 * `aac`, or `None` when the video has no sound.
 */
audio_codec: string | null, not_previewable: Array<NotPreviewable>, 
/**
 * Choices worth telling the user (a rung above the picture's size is delivered at that size, ...).
 */
notes: Array<string>, 
/**
 * Rungs (`sr` values) that come out the same size as a lower one (a rung above the picture is
 * delivered at the picture's size): stored and streamed for nothing. Ascending.
 */
duplicates: Array<number>, 
/**
 * `tr` with those rungs left out of `sr-…` (equal to `tr` when there are none).
 */
without_duplicates: string, };

export type LadderTr = { 
/**
 * What goes after `?tr=`.
 */
tr: string, 
/**
 * Keys of the studio's parameters left out, first occurrence first (`cm`, `x`, `w`, `q`, ...).
 */
left_out: Array<string>, };

export type LadderResult = { format: LadderFormat, rungs: Array<LadderRung>, 
/**
 * Segments per rung.
 */
segments: number, segment_s: number, duration_s: number | null, audio_codec: string | null, 
/**
 * Bytes of all its files.
 */
size: number, 
/**
 * Loopback media-server URL of the master playlist / MPD (hls.js or dash.js play it; the rungs'
 * files sit beside it); `None` while the media server is not running (the CLI) or when the
 * ladder lies outside the render cache.
 */
url: string | null, 
/**
 * The master playlist / MPD on disk.
 */
path: string, 
/**
 * `true` when an earlier identical ladder was reused.
 */
cached: boolean, 
/**
 * What each rung costs, in the order of `rungs`.
 */
rung_costs: Array<RungCost>, 
/**
 * Bytes of the shared sound rendition (0 without sound).
 */
audio_bytes: number, 
/**
 * Bytes the ladder adds to the media library's storage (every rung, the sound, the playlists).
 */
storage_bytes: number, 
/**
 * Bytes one person watching the whole video at the top rung downloads (top rung + sound);
 * adaptive players start lower and switch up, so a real view costs this or less.
 */
bytes_per_view: number, };

export type LadderEvent = { "event": "progress", "data": { fraction: number, } } | { "event": "finished", "data": { result: LadderResult, } };

export type RungCost = { 
/**
 * The `sr` value.
 */
resolution: number, width: number, height: number, 
/**
 * Bytes of its media (init segment + segments, not its playlist).
 */
bytes: number, 
/**
 * Bits per second it streams at, measured: its bytes over the duration.
 */
bitrate_bps: number, };

export type DerivedState = "requested" | "building" | "ready" | "failed";

export type DerivedOutput = { 
/**
 * `abs` (streaming ladder), `transformation`, `thumbnail` or `gif-to-video`.
 */
kind: string, 
/**
 * For a person: "HLS streaming ladder: 240p, 360p, 720p", "Version h-300", "Thumbnail".
 */
label: string, 
/**
 * The post-transformation's value as asked (`sr-240_360_720`, `h-300`), if any.
 */
tr: string | null, 
/**
 * The delivery URL: `…/ik-master.m3u8?tr=sr-…` for a ladder, `…?tr=…` for a version,
 * `…/ik-thumbnail.jpg` for a thumbnail. Signed (for a week) when the file is private.
 */
url: string, signed: boolean, state: DerivedState, 
/**
 * Why it failed (the shop's words), or why its state is not known (offline).
 */
reason: string | null, };

export type MediaFacts = { width: number, height: number, 
/**
 * Seconds (videos).
 */
duration_s: number | null, video_codec: string | null, audio_codec: string | null, 
/**
 * Bytes of the file.
 */
size: number, };

export type FrameScore = { at_s: number, 
/**
 * SSIM on luma, 1.0 = identical.
 */
ssim: number, };

export type CompareReport = { asset_id: number, 
/**
 * The transformation compared, in its canonical spelling.
 */
tr: string, 
/**
 * The delivery URL fetched (signed when the file is private).
 */
url: string, remote: MediaFacts, local: MediaFacts, 
/**
 * The lowest frame score; 1.0 = identical.
 */
ssim: number, frames: Array<FrameScore>, same_dimensions: boolean, 
/**
 * Remote minus local, seconds (videos).
 */
duration_delta_s: number | null, 
/**
 * `true` when the verdict is "Match".
 */
matches: boolean, 
/**
 * "Match", or "Differs: …" saying what differs (size, duration, codecs, picture).
 */
verdict: string, 
/**
 * The local preview on disk, and its media-server URL (`None` without the media server).
 */
local_path: string, local_url: string | null, 
/**
 * The shop's delivery as downloaded, and its media-server URL.
 */
remote_path: string, remote_url: string | null, };

export type CompareEvent = { "event": "fetching" } | { "event": "rendering" } | { "event": "comparing" };

export type Preset = { name: string, 
/**
 * The `tr` as saved (already checked by the transformation parser).
 */
tr: string, 
/**
 * Assets it is applied to.
 */
asset_count: number, 
/**
 * Unix seconds of the last save.
 */
updated_at: number, };

export type PresetApplied = { preset: Preset, 
/**
 * Assets in the selection.
 */
assets: number, 
/**
 * Of those, how many did not have it yet.
 */
added: number, };

export type AssetUrl = { asset_id: number, asset_name: string, 
/**
 * The file's path in the media library: where it was published, else its remote folder and
 * (remote-safe) name.
 */
path: string, 
/**
 * The preset the URL is for (`None` for an ad-hoc transformation).
 */
preset: string | null, tr: string, url: string, };

export type SyncStatus = "local_only" | "queued" | "synced" | "modified_locally" | "changed_remotely" | "conflict" | "remote_only" | "deleted_remotely" | "missing_file";

export type SyncSide = "local" | "remote";

export type SyncOpKind = "add_tag" | "remove_tag" | "set_metadata" | "unset_metadata" | "rename" | "move" | "adopt" | "delete" | "mark_deleted" | "create_folder" | "rename_folder" | "move_folder";

export type SyncOp = { side: SyncSide, kind: SyncOpKind, asset_id: number | null, file_id: string | null, 
/**
 * The tag, the metadata key, or the folder path.
 */
key: string | null, from: JsonValue | null, to: JsonValue | null, 
/**
 * In words: `tag "sale" added to dress.mp4 on the remote`.
 */
summary: string, };

export type SyncItemError = { asset_id: number | null, file_id: string | null, message: string, request_id: string | null, will_retry: boolean, };

export type SyncReport = { run_id: number, dry_run: boolean, 
/**
 * Every change the run makes (or would), on each side, in order.
 */
operations: Array<SyncOp>, 
/**
 * Those that went through (a dry run: none).
 */
applied: number, 
/**
 * Deletes held until confirmed, and why.
 */
held: Array<SyncOp>, held_reason: string | null, 
/**
 * Set when the run stopped before changing anything, in words (an empty listing, everything changed).
 */
stopped: string | null, notes: Array<string>, errors: Array<SyncItemError>, conflicts_opened: number, requests: number, request_ids: Array<string>, started_at: number, finished_at: number, };

export type SyncRequest = { dry_run: boolean, 
/**
 * Let held deletes go ahead.
 */
confirm_deletes: boolean, 
/**
 * Run the full listing (delete check) now.
 */
full_listing: boolean, };

export type SyncProgress = { 
/**
 * `pull`, `plan`, `push`, `apply`, `done`.
 */
phase: string, done: number, total: number, };

export type SyncOverview = { account: string, running: boolean, 
/**
 * Unix seconds of the last finished run.
 */
last_synced_at: number | null, open_conflicts: number, 
/**
 * Local changes not pushed yet.
 */
pending_changes: number, 
/**
 * Why the last run failed or stopped, in words.
 */
problem: string | null, 
/**
 * Unix seconds of the next periodic run, when periodic sync is on.
 */
next_run_at: number | null, };

export type ConflictField = { "field": "name" } | { "field": "folder" } | { "field": "tag", "key": string } | { "field": "metadata", "key": string } | { "field": "existence" };

export type Conflict = { id: number, asset_id: number, asset_name: string, thumb_url: string | null, field: ConflictField, 
/**
 * The field's label in words ("Metadata · Season", "Name", "Deleted on the remote").
 */
label: string, base: JsonValue | null, mine: JsonValue | null, theirs: JsonValue | null, 
/**
 * When the remote's value was last changed, ISO-8601.
 */
theirs_at: string | null, opened_at: number, resolved_at: number | null, };

export type ConflictResolution = { "kind": "mine" } | { "kind": "theirs" } | { "kind": "value", "value": JsonValue };

export type ResolveConflicts = { ids: Array<number>, resolution: ConflictResolution, };

export type SyncRun = { id: number, started_at: number, finished_at: number, dry_run: boolean, 
/**
 * `done`, `stopped`, `failed`.
 */
outcome: string, report: SyncReport, };

export type SyncSettings = { 
/**
 * Minutes between periodic runs while the app is open and online; 0: only on demand.
 */
interval_minutes: number, 
/**
 * Remote-originated deletes above this many files are held until confirmed.
 */
delete_fuse_files: number, 
/**
 * Hours between full listings (the delete check).
 */
full_listing_hours: number, };
