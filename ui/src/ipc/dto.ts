// Wire types of the organise, account and upload commands, mirrored by hand from
// crates/sr-api/src/dto_organise.rs, dto_uploads.rs, remote.rs and delivery.rs.
//
// bindings.ts (generated, never edited here) does not carry these yet. Once it is regenerated with
// `UPDATE_BINDINGS=1 cargo test -p sr-api bindings`, replace this file's body with
// `export type { ... } from '@/ipc/bindings'` so the compiler checks them against the Rust types again.

import type { Asset, AssetKind, AssetStatus } from '@/ipc/bindings';

export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type AssetOrganisation = {
  id: number;
  tags: Array<string>;
  metadata: { [key: string]: JsonValue };
  folder: string;
};

export type EditResult = { batch_id: number | null; assets: number; description: string };

export type TagCount = { tag: string; count: number };

export type FieldType = 'Text' | 'Textarea' | 'Number' | 'Date' | 'Boolean' | 'SingleSelect' | 'MultiSelect';

export type MetadataField = {
  id: string;
  name: string;
  label: string;
  description: string | null;
  field_type: FieldType;
  min_value: JsonValue | null;
  max_value: JsonValue | null;
  min_length: number | null;
  max_length: number | null;
  default_value: JsonValue | null;
  required: boolean;
  select_options: Array<JsonValue> | null;
};

export type SummaryValue = { state: 'unset' } | { state: 'same'; value: JsonValue } | { state: 'mixed' };

export type FieldSummary = { field: MetadataField; value: SummaryValue; set_on: number };

export type FieldProblem = { asset_id: number | null; key: string; message: string };

export type Folder = { path: string; on_remote: boolean; asset_count: number };

export type FolderChange = { path: string; edit: EditResult };

export type SortKey =
  | 'relevance'
  | 'name'
  | 'imported_at'
  | 'updated_at'
  | 'size'
  | 'duration'
  | 'width'
  | 'height';

export type SearchSort = { key: SortKey; descending: boolean };

export type SearchFilters = {
  kinds: Array<AssetKind>;
  statuses: Array<AssetStatus>;
  tags: Array<string>;
  folder: string | null;
  include_subfolders: boolean;
  min_duration_s: number | null;
  max_duration_s: number | null;
  min_size: number | null;
  max_size: number | null;
  min_width: number | null;
  max_width: number | null;
  min_height: number | null;
  max_height: number | null;
};

export type SearchRequest = {
  text: string | null;
  filters: SearchFilters;
  remote_query: string | null;
  sort: SearchSort;
  offset: number;
  limit: number;
};

export type SearchHit = { asset: Asset; tags: Array<string> };

export type SearchPage = { total: number; offset: number; hits: Array<SearchHit> };

export type SavedSearch = { name: string; request: SearchRequest };

export type UndoResult = { description: string };

export type AccountLimits = { max_file_bytes: number; max_video_bytes: number };

export type KeyStorage = 'keychain' | 'file' | 'auth_endpoint' | 'sandbox';

export type RemoteInfo = {
  kind: string;
  account: string;
  label: string;
  url_endpoint: string;
  public_key: string;
  api_base: string;
  upload_base: string;
  key_storage: KeyStorage;
  auth_endpoint: string | null;
  limits: AccountLimits;
  warning: string | null;
};

export type ImagekitAccountInput = {
  url_endpoint: string;
  public_key: string;
  private_key: string | null;
  auth_endpoint: string | null;
  api_base: string | null;
  upload_base: string | null;
  limits: AccountLimits | null;
};

export type UploadJobState =
  | 'queued'
  | 'waiting_for_network'
  | 'uploading'
  | 'verifying'
  | 'done'
  | 'failed'
  | 'paused'
  | 'cancelled';

export type PostTransformation = { type: string; value: string | null; protocol: string | null };

export type RemoteCopy = { file_id: string; url: string; version_id: string | null; file_path: string };

export type UploadJob = {
  id: number;
  asset_id: number;
  asset_name: string;
  account: string;
  state: UploadJobState;
  priority: number;
  position: number;
  folder: string;
  file_name: string;
  use_unique_file_name: boolean;
  overwrite: boolean;
  is_private: boolean;
  force: boolean;
  tags: Array<string>;
  custom_metadata: { [key: string]: JsonValue };
  pre_transformation: string | null;
  post_transformations: Array<PostTransformation>;
  attempts: number;
  next_retry_at: number | null;
  last_error: string | null;
  fix: string | null;
  note: string | null;
  bytes_total: number;
  bytes_sent: number;
  remote: RemoteCopy | null;
  created_at: number;
  updated_at: number;
};

export type UploadTotals = {
  queued: number;
  waiting_for_network: number;
  uploading: number;
  verifying: number;
  done: number;
  failed: number;
  paused: number;
  cancelled: number;
  bytes_sent: number;
  bytes_remaining: number;
  bytes_per_sec: number;
  eta_s: number | null;
};

export type UploadSettings = { concurrency: number; bandwidth_limit_bytes_per_sec: number | null };

export type UploadQueue = {
  account: string;
  jobs: Array<UploadJob>;
  totals: UploadTotals;
  paused: boolean;
  settings: UploadSettings;
};

export type QueueAddRequest = {
  asset_ids: Array<number>;
  folder: string | null;
  /** Only with a single asset. */
  file_name: string | null;
  tags: Array<string>;
  custom_metadata: { [key: string]: JsonValue };
  unique_name: boolean;
  overwrite: boolean;
  private: boolean;
  force: boolean;
  pre_transformation: string | null;
  abs: string | null;
  post_transformations: Array<PostTransformation>;
  priority: number;
};

export type UploadProgress = {
  job_id: number;
  bytes_sent: number;
  bytes_total: number;
  percent: number;
  bytes_per_sec: number;
  eta_s: number | null;
};

export type UploadEvent =
  | { event: 'started'; account: string; interrupted: number }
  | {
      event: 'job_changed';
      job_id: number;
      asset_id: number;
      state: UploadJobState;
      attempts: number;
      next_retry_at: number | null;
      last_error: string | null;
      fix: string | null;
      note: string | null;
      remote: RemoteCopy | null;
    }
  | { event: 'restarting'; job_id: number; bytes_total: number; attempt: number }
  | { event: 'progress'; progress: UploadProgress }
  | { event: 'totals'; totals: UploadTotals }
  | { event: 'reconciling'; job_id: number }
  | { event: 'adopted'; job_id: number; file_id: string }
  | { event: 'offline'; next_probe_at: number }
  | { event: 'online' }
  | { event: 'batch_finished'; done: number; failed: number; cancelled: number; paused: number };
