// Generated from crates/sr-api/src/dto.rs by `UPDATE_BINDINGS=1 cargo test -p sr-api bindings`.
// Do not edit by hand.

export type ErrorCode = "not_found" | "invalid_input" | "library" | "media" | "io" | "internal";

export type ApiError = { code: ErrorCode, message: string, };

export type AssetKind = "video" | "image" | "audio" | "other";

export type AssetStatus = "local" | "missing";

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
original_url: string | null, };

export type Skipped = { path: string, reason: string, };

export type ImportReport = { imported: Array<Asset>, skipped: Array<Skipped>, };

export type ImportEvent = { "event": "discovered", "data": { total: number, } } | { "event": "imported", "data": { asset: Asset, } } | { "event": "skipped", "data": { skipped: Skipped, } } | { "event": "thumbnail", "data": { id: number, thumb_url: string | null, } } | { "event": "progress", "data": { done: number, total: number, } } | { "event": "finished", "data": { imported: number, skipped: number, } };

export type AssetPage = { total: number, offset: number, assets: Array<Asset>, };

export type LibraryInfo = { library_dir: string, asset_count: number, version: string, };
