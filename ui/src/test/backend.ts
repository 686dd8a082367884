// A fake Stockroom backend behind `mockIPC`: a library of N generated assets served by page, and
// scripted imports that stream ImportEvents through the real `Channel` the UI passes. Commands,
// their arguments and results are typed by the generated command map (`@/ipc/commands`).

import type { Channel } from '@tauri-apps/api/core';
import { mockIPC, mockWindows } from '@tauri-apps/api/mocks';

import ladderTrVectors from '../../../crates/sr-api/tests/vectors/ladder_tr.json';

import type {
  Asset,
  CompareReport,
  Conflict,
  DerivedOutput,
  ImportEvent,
  ImportReport,
  LadderTr,
  LedgerEntry,
  LibraryChange,
  LibraryInfo,
  SyncOp,
  SyncOverview,
  SyncProgress,
  SyncReport,
  SyncRun,
  SyncSettings,
  WatchEvent,
  WatchFolder,
  WatchSettings,
} from '@/ipc/bindings';
import type { Command, CommandArgs, CommandResult } from '@/ipc/commands';
import type {
  EditResult,
  FieldProblem,
  FieldSummary,
  Folder,
  JsonValue,
  MetadataField,
  RemoteInfo,
  SavedSearch,
  SearchPage,
  SearchRequest,
  UploadEvent,
  UploadJob,
  UploadSettings,
} from '@/ipc/dto';

/** What `ladder_tr` answers (`crates/sr-api/src/preview.rs` checks every vector). */
interface LadderTrVector {
  studio: string;
  rungs: number[];
  tr: string;
  left_out: string[];
}
const LADDER_TR_VECTORS: LadderTrVector[] = ladderTrVectors;
/** The `sr` values the remote offers (spec §10.4). */
const LADDER_RUNGS = [240, 360, 480, 720, 1080, 1440, 2160];

function field(over: Partial<MetadataField> & Pick<MetadataField, 'name' | 'label' | 'field_type'>): MetadataField {
  return {
    id: `fld_${over.name}`,
    description: null,
    min_value: null,
    max_value: null,
    min_length: null,
    max_length: null,
    default_value: null,
    required: false,
    select_options: null,
    ...over,
  };
}

/** The sandbox's demo fields (what the real sandbox ships), one of each type. */
export const DEMO_FIELDS: MetadataField[] = [
  field({ name: 'sku', label: 'SKU', field_type: 'Text', max_length: 20, required: true, default_value: 'UNSET' }),
  field({ name: 'notes', label: 'Notes', field_type: 'Textarea', max_length: 500 }),
  field({ name: 'price', label: 'Price', field_type: 'Number', min_value: 0, max_value: 10000 }),
  field({ name: 'launch_date', label: 'Launch date', field_type: 'Date' }),
  field({ name: 'on_sale', label: 'On sale', field_type: 'Boolean' }),
  field({ name: 'season', label: 'Season', field_type: 'SingleSelect', select_options: ['spring', 'summer', 'autumn', 'winter'] }),
  field({ name: 'colours', label: 'Colours', field_type: 'MultiSelect', select_options: ['red', 'green', 'blue', 'black'] }),
];

export const SANDBOX_INFO: RemoteInfo = {
  kind: 'sandbox',
  account: 'sandbox',
  label: 'Sandbox (on this computer)',
  url_endpoint: 'http://127.0.0.1:40123/sandbox',
  public_key: 'public_sandbox_key',
  api_base: 'http://127.0.0.1:40123',
  upload_base: 'http://127.0.0.1:40123',
  key_storage: 'sandbox',
  auth_endpoint: null,
  limits: { max_file_bytes: 50_000_000, max_video_bytes: 2_000_000_000 },
  warning: null,
};

export function makeJob(id: number, over: Partial<UploadJob> = {}): UploadJob {
  return {
    id,
    asset_id: id,
    asset_name: `clip-${id}.mp4`,
    account: 'sandbox',
    state: 'queued',
    priority: 0,
    position: id,
    folder: '/',
    file_name: `clip-${id}.mp4`,
    use_unique_file_name: false,
    overwrite: false,
    is_private: false,
    force: false,
    tags: [],
    custom_metadata: {},
    pre_transformation: null,
    post_transformations: [],
    attempts: 0,
    next_retry_at: null,
    last_error: null,
    fix: null,
    note: null,
    bytes_total: 340_000_000,
    bytes_sent: 0,
    remote: null,
    created_at: 1_763_900_000_000,
    updated_at: 1_763_900_000_000,
    ...over,
  };
}

const EMPTY_TOTALS = {
  queued: 0,
  waiting_for_network: 0,
  uploading: 0,
  verifying: 0,
  done: 0,
  failed: 0,
  paused: 0,
  cancelled: 0,
  bytes_sent: 0,
  bytes_remaining: 0,
  bytes_per_sec: 0,
  eta_s: null,
};

export function makeFolder(id: number, over: Partial<WatchFolder> = {}): WatchFolder {
  return {
    id,
    path: `/home/merch/Shoots/folder-${id}`,
    remote_folder: '/',
    tags: [],
    metadata: {},
    auto_upload: false,
    excludes: [],
    paused: false,
    mode: 'native',
    mode_reason: null,
    health: 'online',
    health_reason: null,
    added_at: 1_763_900_000,
    scanning: null,
    waiting: 0,
    ...over,
  };
}

export function makeLedgerEntry(root: WatchFolder, name: string, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    root_id: root.id,
    path: `${root.path}/${name}`,
    name,
    state: 'waiting',
    reason: { kind: 'still_writing' },
    message: 'Still being written: it comes in 2 s after the last change.',
    detail: null,
    actions: ['retry', 'ingest_anyway', 'ignore'],
    since: Math.floor(Date.now() / 1000) - 30,
    updated_at: Math.floor(Date.now() / 1000) - 30,
    ...over,
  };
}

export function makeAsset(id: number, over: Partial<Asset> = {}): Asset {
  return {
    id,
    path: `/media/shoot/clip-${id}.mp4`,
    name: `clip-${id}.mp4`,
    kind: 'video',
    size: 12_400_000,
    hash: `${id.toString(16).padStart(8, '0')}abcdef0123456789abcdef0123456789abcdef0123456789abcdef`,
    width: 1920,
    height: 1080,
    duration_s: 83.4,
    frame_rate: 29.97,
    bit_rate: 8_200_000,
    rotation: 0,
    container: 'mov,mp4,m4a,3gp,3g2,mj2',
    video_codec: 'h264',
    audio_codec: 'aac',
    status: 'local',
    status_detail: null,
    remote_folder: '/',
    imported_at: 1_763_900_000,
    thumb_url: null,
    original_url: `http://127.0.0.1:4567/t0k3n/original/${id}`,
    sync: null,
    ...over,
  };
}

export function makeOp(over: Partial<SyncOp> & Pick<SyncOp, 'side' | 'kind'>): SyncOp {
  return {
    asset_id: null,
    file_id: null,
    key: null,
    from: null,
    to: null,
    summary: `${over.kind} ${over.key ?? ''} ${over.side === 'local' ? 'here' : 'on the remote'}`.replace(/\s+/g, ' '),
    ...over,
  };
}

export function makeReport(over: Partial<SyncReport> = {}): SyncReport {
  return {
    run_id: 1,
    dry_run: false,
    operations: [],
    applied: 0,
    held: [],
    held_reason: null,
    stopped: null,
    notes: [],
    errors: [],
    conflicts_opened: 0,
    requests: 3,
    request_ids: [],
    started_at: 1_763_900_000,
    finished_at: 1_763_900_002,
    ...over,
  };
}

export function makeConflict(id: number, over: Partial<Conflict> = {}): Conflict {
  return {
    id,
    asset_id: id,
    asset_name: `clip-${id}.mp4`,
    thumb_url: null,
    field: { field: 'metadata', key: 'season' },
    label: 'Metadata · Season',
    base: 'spring',
    mine: 'summer',
    theirs: 'autumn',
    theirs_at: new Date(Date.now() - 5 * 60_000).toISOString(),
    opened_at: Math.floor(Date.now() / 1000) - 60,
    resolved_at: null,
    ...over,
  };
}

/** The next sync's plan, as the fake plays it: what a dry run lists and a real run applies. */
export interface SyncScript {
  operations: SyncOp[];
  held: SyncOp[];
  held_reason: string | null;
  stopped: string | null;
  notes: string[];
  conflicts: Conflict[];
  errors: SyncReport['errors'];
}

/** What the fake does for each command it knows. */
type CommandImpls = { [C in Command]?: (args: CommandArgs<C>) => CommandResult<C> | Promise<CommandResult<C>> };

export interface Call {
  cmd: Command;
  args: Record<string, unknown>;
}

export interface BackendOptions {
  /** Assets already in the library; ids count down from `count` so index 0 is the newest. */
  count?: number;
  info?: Partial<LibraryInfo>;
  /** What the native folder dialog answers (null: cancelled). */
  dialogAnswer?: string | string[] | null;
  /** Overrides per command: return a value, or throw to reject. */
  handlers?: { [C in Command]?: (args: Record<string, unknown>) => unknown };
}

export interface FakeBackend {
  calls: Call[];
  /** Offsets of the pages the grid asked for (searches), in order. */
  listOffsets(): number[];
  /** Inserts assets at the top of the fake library (what a real import does). */
  add(asset: Asset): void;
  /** Changes an asset as another process would (e.g. the watcher marking it missing). */
  patch(id: number, over: Partial<Asset>): void;
  /** Tags per asset id (mutable: tests seed it). */
  tags: Map<number, string[]>;
  /** customMetadata per asset id (mutable). */
  metadata: Map<number, Record<string, JsonValue>>;
  /** The upload queue's jobs (mutable). */
  jobs: UploadJob[];
  /** Sends events through the channel the UI passed to watch_uploads. */
  emitUpload(e: UploadEvent): void;
  /** Calls of one command. */
  callsOf(cmd: Command): Call[];
  /** Watched folders (mutable: tests seed them). */
  watchFolders: WatchFolder[];
  /** The ledger (mutable). */
  ledger: LedgerEntry[];
  /** Whether this process runs the watcher, or who else does. */
  watchRunner: { running: boolean; held_by: string | null };
  /** Sends an event through the channel the UI passed to follow_watch. */
  emitWatch(e: WatchEvent): void;
  /** What another process does: changes the library's version and tells the UI (follow_library). */
  emitLibrary(change?: LibraryChange): void;
  /** The sync overview (mutable). */
  syncOverview: SyncOverview;
  /** Open conflicts (mutable). */
  conflicts: Conflict[];
  /** Recorded runs, oldest first (sync_log answers newest first). */
  syncRuns: SyncRun[];
  /** What the next sync_run plans (mutable; a real run applies local tag/metadata ops and empties it). */
  syncScript: SyncScript;
  syncSettings: SyncSettings;
  /** Sends through the channels the UI passed to follow_sync (the periodic sync). */
  emitSyncProgress(p: SyncProgress): void;
  emitSyncReport(r: SyncReport): void;
  /** While set, sync_run waits for it before answering (to see progress on screen). */
  syncGate: Promise<void> | null;
  /** What derived_outputs answers per asset, in turn: each call takes the next list (the last stays). */
  derived: Map<number, DerivedOutput[][]>;
  /** What compare_with_shop answers (a report, or an error thrown); null: not published. */
  shop: { report: CompareReport | null; error: { code: string; message: string } | null; gate: Promise<void> | null };
}

export function installBackend(opts: BackendOptions = {}): FakeBackend {
  let count = opts.count ?? 0;
  const added: Asset[] = []; // newest last
  const calls: Call[] = [];
  const patches = new Map<number, Partial<Asset>>();
  const assetAt = (index: number): Asset => {
    const a = index < added.length ? added[added.length - 1 - index]! : makeAsset(count - (index - added.length));
    const p = patches.get(a.id);
    return p ? { ...a, ...p } : a;
  };
  const tags = new Map<number, string[]>();
  const metadata = new Map<number, Record<string, JsonValue>>();
  const folderOf = new Map<number, string>();
  const folderList: Folder[] = [
    { path: '/', on_remote: true, asset_count: 0 },
    { path: '/summer/', on_remote: true, asset_count: 0 },
  ];
  const saved: SavedSearch[] = [];
  const history: { description: string; tags: Map<number, string[]>; metadata: Map<number, Record<string, JsonValue>> }[] = [];
  let batch = 0;
  let remote: RemoteInfo = SANDBOX_INFO;
  let settings: UploadSettings = { concurrency: 2, bandwidth_limit_bytes_per_sec: null };
  let paused = false;
  const jobs: UploadJob[] = [];
  let uploadChannel: Channel<UploadEvent> | null = null;
  const watchFolders: WatchFolder[] = [];
  const ledger: LedgerEntry[] = [];
  const watchRunner = { running: true, held_by: null as string | null };
  let watchSettingsValue: WatchSettings = { settle_ms: 2000 };
  let watchChannel: Channel<WatchEvent> | null = null;
  let libraryChannel: Channel<LibraryChange> | null = null;
  let libraryVersion = 1;
  const syncOverviewValue: SyncOverview = {
    account: 'sandbox',
    running: false,
    last_synced_at: null,
    open_conflicts: 0,
    pending_changes: 0,
    problem: null,
    next_run_at: null,
  };
  const conflicts: Conflict[] = [];
  const syncRuns: SyncRun[] = [];
  const syncScript: SyncScript = { operations: [], held: [], held_reason: null, stopped: null, notes: [], conflicts: [], errors: [] };
  const syncSettingsValue: SyncSettings = { interval_minutes: 15, delete_fuse_files: 20, full_listing_hours: 24 };
  let syncProgressChannel: Channel<SyncProgress> | null = null;
  let syncReportChannel: Channel<SyncReport> | null = null;
  const syncState = { gate: null as Promise<void> | null };
  const folderById = (id: number) => {
    const f = watchFolders.find((x) => x.id === id);
    if (!f) throw { code: 'not_found', message: `No watched folder ${id}.` };
    return f;
  };
  const ledgerAt = (path: string) => {
    const i = ledger.findIndex((e) => e.path === path);
    if (i < 0) throw { code: 'not_found', message: `${path} is not waiting or skipped.` };
    return i;
  };

  const derived = new Map<number, DerivedOutput[][]>();
  const shop: FakeBackend['shop'] = { report: null, error: null, gate: null };
  const tagsOf = (id: number) => tags.get(id) ?? [];
  const assetById = (id: number): Asset => {
    const a = added.find((x) => x.id === id) ?? (id >= 1 && id <= count ? makeAsset(id) : null);
    if (!a) throw { code: 'not_found', message: `No asset with id ${id}.` };
    return { ...a, ...patches.get(id) };
  };
  const snapshot = (description: string): EditResult => {
    history.push({
      description,
      tags: new Map([...tags].map(([k, v]) => [k, [...v]])),
      metadata: new Map([...metadata].map(([k, v]) => [k, { ...v }])),
    });
    return { batch_id: ++batch, assets: 0, description };
  };
  const problemsFor = (ids: number[], values: Record<string, JsonValue>): FieldProblem[] => {
    const out: FieldProblem[] = [];
    for (const [key, v] of Object.entries(values)) {
      const f = DEMO_FIELDS.find((x) => x.name === key);
      if (!f) {
        out.push({ asset_id: null, key, message: `There is no custom metadata field called "${key}".` });
        continue;
      }
      if (f.field_type === 'Number') {
        if (typeof v !== 'number') out.push({ asset_id: null, key, message: `${f.label} must be a number.` });
        else if (v > (f.max_value as number) || v < (f.min_value as number))
          out.push({ asset_id: null, key, message: `${f.label} must be between ${f.min_value} and ${f.max_value}; ${v} is out of range.` });
      }
      if (f.field_type === 'Text' && typeof v === 'string' && f.max_length !== null && v.length > f.max_length)
        out.push({ asset_id: null, key, message: `${f.label} can be at most ${f.max_length} characters long.` });
    }
    void ids;
    return out;
  };
  const matches = (a: Asset, r: SearchRequest): boolean => {
    const f = r.filters;
    if (f.kinds.length && !f.kinds.includes(a.kind)) return false;
    if (f.statuses.length && !f.statuses.includes(a.status)) return false;
    if (f.tags.some((t) => !tagsOf(a.id).includes(t))) return false;
    if (r.text) {
      const words = r.text.toLowerCase().split(/\s+/);
      const hay = `${a.name} ${tagsOf(a.id).join(' ')}`.toLowerCase();
      if (!words.every((w) => hay.includes(w))) return false;
    }
    if (r.remote_query) {
      const m = /tags IN \["([^"]+)"\]/.exec(r.remote_query);
      if (!m) throw { code: 'invalid_input', message: `The search query is not valid: ${r.remote_query}` };
      if (!tagsOf(a.id).includes(m[1]!)) return false;
    }
    return true;
  };
  const narrows = (r: SearchRequest) =>
    !!r.text || !!r.remote_query || r.filters.kinds.length > 0 || r.filters.statuses.length > 0 || r.filters.tags.length > 0;
  const totals = () => {
    const t = { ...EMPTY_TOTALS };
    for (const j of jobs) t[j.state]++;
    return t;
  };

  const editTags = (adding: boolean, { ids, tags: given }: CommandArgs<'add_tags'>): EditResult => {
    const list = given.map((t) => t.trim()).filter(Boolean);
    if (list.some((t) => t.includes('%'))) throw { code: 'invalid_input', message: 'Tags cannot contain "%".' };
    const r = snapshot(
      `${adding ? 'Added' : 'Removed'} tag "${list.join('", "')}" ${adding ? 'to' : 'from'} ${ids.length} ${ids.length === 1 ? 'asset' : 'assets'}`,
    );
    for (const id of ids) {
      const cur = tagsOf(id);
      tags.set(id, adding ? [...cur, ...list.filter((t) => !cur.includes(t))] : cur.filter((t) => !list.includes(t)));
    }
    return { ...r, assets: ids.length };
  };
  const jobAction =
    (state: UploadJob['state']) =>
    ({ jobId }: CommandArgs<'queue_pause'>): UploadJob => {
      const j = jobs.find((x) => x.id === jobId);
      if (!j) throw { code: 'not_found', message: `No upload job ${String(jobId)}.` };
      j.state = state;
      return { ...j };
    };

  // What each command does, typed by the generated command map: a command or argument renamed in
  // Rust fails the type check here too. A command missing here rejects as Tauri does.
  const commands: CommandImpls = {
    library_info: () => ({
      library_dir: '/home/merch/Stockroom',
      asset_count: count + added.length,
      version: '0.1.0',
      ...opts.info,
    }),
    search: ({ request: r }) => {
      const all = count + added.length;
      let hits: Asset[];
      let total: number;
      if (!narrows(r)) {
        total = all;
        hits = [];
        for (let i = r.offset; i < Math.min(all, r.offset + r.limit); i++) hits.push(assetAt(i));
      } else {
        const found: Asset[] = [];
        for (let i = 0; i < all; i++) if (matches(assetAt(i), r)) found.push(assetAt(i));
        total = found.length;
        hits = found.slice(r.offset, r.offset + r.limit);
      }
      return {
        total,
        offset: r.offset,
        hits: hits.map((asset) => ({ asset, tags: tagsOf(asset.id) })),
      } satisfies SearchPage;
    },
    organisation: ({ id }) => ({ id, tags: tagsOf(id), metadata: metadata.get(id) ?? {}, folder: folderOf.get(id) ?? '/' }),
    add_tags: (args) => editTags(true, args),
    remove_tags: (args) => editTags(false, args),
    tag_suggestions: ({ prefix, limit }) => {
      const lower = prefix.toLowerCase();
      const counts = new Map<string, number>();
      for (const list of tags.values()) for (const t of list) counts.set(t, (counts.get(t) ?? 0) + 1);
      return [...counts]
        .filter(([t]) => t.toLowerCase().startsWith(lower))
        .sort((a, b) => b[1] - a[1])
        .slice(0, limit)
        .map(([tag, n]) => ({ tag, count: n }));
    },
    metadata_fields: () => DEMO_FIELDS,
    check_metadata: ({ ids, values }) => problemsFor(ids, values),
    set_metadata: ({ ids, values }) => {
      const p = problemsFor(ids, values);
      if (p.length) throw { code: 'invalid_input', message: p[0]!.message };
      const r = snapshot(`Set ${Object.keys(values).join(', ')} on ${ids.length} ${ids.length === 1 ? 'asset' : 'assets'}`);
      for (const id of ids) metadata.set(id, { ...(metadata.get(id) ?? {}), ...values });
      return { ...r, assets: ids.length };
    },
    unset_metadata: ({ ids, keys }) => {
      const r = snapshot(`Cleared ${keys.join(', ')} on ${ids.length} ${ids.length === 1 ? 'asset' : 'assets'}`);
      for (const id of ids) {
        const m = { ...(metadata.get(id) ?? {}) };
        for (const k of keys) delete m[k];
        metadata.set(id, m);
      }
      return { ...r, assets: ids.length };
    },
    metadata_summary: ({ ids }) =>
      DEMO_FIELDS.map((f): FieldSummary => {
        const vals = ids.map((id) => metadata.get(id)?.[f.name]).filter((v) => v !== undefined);
        const distinct = new Set(vals.map((v) => JSON.stringify(v)));
        return {
          field: f,
          set_on: vals.length,
          value:
            vals.length === 0
              ? { state: 'unset' }
              : distinct.size === 1 && vals.length === ids.length
                ? { state: 'same', value: vals[0]! }
                : { state: 'mixed' },
        };
      }),
    folders: () => folderList,
    set_folder: ({ ids, folder }) => {
      const r = snapshot(`Moved ${ids.length} ${ids.length === 1 ? 'asset' : 'assets'} to ${folder}`);
      for (const id of ids) folderOf.set(id, folder);
      return { ...r, assets: ids.length };
    },
    create_folder: ({ parent, name }) => {
      const path = `${parent}${name}/`;
      folderList.push({ path, on_remote: false, asset_count: 0 });
      return { path, edit: { batch_id: ++batch, assets: 0, description: `Created folder ${path}` } };
    },
    saved_searches: () => saved,
    save_search: ({ name, request }) => {
      saved.push({ name, request });
      return null;
    },
    delete_saved_search: ({ name }) => {
      saved.splice(saved.findIndex((x) => x.name === name), 1);
      return null;
    },
    undo_last: () => {
      const last = history.pop();
      if (!last) throw { code: 'invalid_input', message: 'There is nothing to undo.' };
      tags.clear();
      for (const [k, v] of last.tags) tags.set(k, v);
      metadata.clear();
      for (const [k, v] of last.metadata) metadata.set(k, v);
      return { description: last.description };
    },
    remote_info: () => remote,
    use_sandbox: () => {
      remote = SANDBOX_INFO;
      return remote;
    },
    refresh_catalogue: () => ({ account: remote.account, fields: 7, folders: folderList.length }),
    use_imagekit: ({ input }) => {
      if (!input.url_endpoint.startsWith('https://'))
        throw { code: 'invalid_input', message: 'The URL endpoint must start with https://.' };
      // As on a machine without a keychain service: a key file only when the person chose it.
      if (input.private_key && !input.store_key_in_file)
        throw { code: 'keychain_unavailable', message: 'No system keychain answered, so the private key was not saved.' };
      remote = {
        ...SANDBOX_INFO,
        kind: 'imagekit',
        account: `imagekit:${input.public_key}`,
        label: 'ImageKit account',
        url_endpoint: input.url_endpoint,
        public_key: input.public_key,
        key_storage: input.private_key ? 'file' : 'auth_endpoint',
        auth_endpoint: input.auth_endpoint,
        warning: input.private_key ? 'No system keychain is available, so the private key is kept in a file.' : null,
      };
      return remote;
    },
    upload_settings: () => settings,
    set_upload_settings: (args) => {
      settings = args.settings;
      return settings;
    },
    watch_uploads: ({ onEvent }) => {
      uploadChannel = onEvent;
      return null;
    },
    queue_list: () => ({ account: remote.account, jobs: jobs.map((j) => ({ ...j })), totals: totals(), paused, settings, stopped: null }),
    queue_add: ({ request }) => {
      const made = request.asset_ids.map((id) =>
        makeJob(jobs.length + 1 + request.asset_ids.indexOf(id), { asset_id: id, asset_name: `clip-${id}.mp4` }),
      );
      jobs.push(...made);
      return made;
    },
    queue_pause: jobAction('paused'),
    queue_resume: jobAction('queued'),
    queue_cancel: jobAction('cancelled'),
    queue_retry: jobAction('queued'),
    uploads_set_paused: (args) => {
      paused = args.paused;
      return null;
    },
    uploads_retry: () => null,
    // Channel presets: none saved unless a test scripts them.
    presets: () => [],
    preset_urls: () => [],
    // The ladder `tr` as the backend makes it: read from the vectors its own test checks.
    ladder_tr: ({ tr, rungs }) => {
      const v = LADDER_TR_VECTORS.find((x) => x.studio === tr && x.rungs.join() === rungs.join());
      if (!v) throw `no ladder_tr vector for ${JSON.stringify({ studio: tr, rungs })}: add it to crates/sr-api/tests/vectors/ladder_tr.json`;
      return { tr: v.tr, left_out: v.left_out } satisfies LadderTr;
    },
    watch_status: () => ({
      ...watchRunner,
      folders: watchFolders.map((f) => ({ ...f, waiting: ledger.filter((e) => e.root_id === f.id).length })),
      waiting: ledger.filter((e) => e.state === 'waiting').length,
      skipped: ledger.filter((e) => e.state === 'skipped').length,
      ledger: ledger.map((e) => ({ ...e })),
    }),
    watch_list: () => watchFolders.map((f) => ({ ...f })),
    watch_add: ({ req }) => {
      if (!req.path.startsWith('/')) throw { code: 'invalid_input', message: `${req.path} is not a full path: choose the folder, or type a path starting with /.` };
      if (watchFolders.some((f) => f.path === req.path)) throw { code: 'invalid_input', message: `${req.path} is already watched.` };
      const p = problemsFor([], req.metadata);
      if (p.length) throw { code: 'invalid_input', message: `This folder's metadata does not fit the account's fields: ${p[0]!.message}` };
      const f = makeFolder(watchFolders.reduce((m, x) => Math.max(m, x.id), 0) + 1, {
        path: req.path,
        remote_folder: req.remote_folder ?? '/',
        tags: req.tags,
        metadata: req.metadata,
        auto_upload: req.auto_upload,
        excludes: req.excludes,
      });
      watchFolders.push(f);
      return { ...f };
    },
    watch_remove: ({ id }) => {
      watchFolders.splice(watchFolders.indexOf(folderById(id)), 1);
      for (let i = ledger.length - 1; i >= 0; i--) if (ledger[i]!.root_id === id) ledger.splice(i, 1);
      return null;
    },
    watch_set_paused: ({ id, paused: p }) => {
      const f = folderById(id);
      f.paused = p;
      return { ...f };
    },
    watch_retry: ({ path }) => {
      ledgerAt(path);
      return null;
    },
    watch_ingest_anyway: ({ path }) => {
      ledger.splice(ledgerAt(path), 1);
      return null;
    },
    watch_keep_new_version: ({ path }) => {
      const i = ledgerAt(path);
      if (ledger[i]!.reason.kind !== 'replaced_in_place') {
        throw { code: 'invalid_input', message: `${path} was not replaced with other content, so there is no new version to keep.` };
      }
      ledger.splice(i, 1);
      return null;
    },
    watch_ignore: ({ path }) => {
      ledger.splice(ledgerAt(path), 1);
      return null;
    },
    watch_settings: () => watchSettingsValue,
    set_watch_settings: ({ settings: ws }) => {
      if (ws.settle_ms < 200) throw { code: 'invalid_input', message: 'The settle time must be at least 0.2 s.' };
      watchSettingsValue = ws;
      return ws;
    },
    follow_watch: ({ onEvent }) => {
      watchChannel = onEvent;
      return null;
    },
    follow_library: ({ onEvent }) => {
      libraryChannel = onEvent;
      return null;
    },
    sync_overview: () => ({ ...syncOverviewValue, open_conflicts: conflicts.length }),
    sync_run: async ({ req, onProgress }) => {
      const started = Math.floor(Date.now() / 1000);
      const say = (phase: string, done: number, total: number) => onProgress.onmessage({ phase, done, total });
      say('pull', 0, 2);
      say('pull', 1, 2);
      if (syncState.gate) await syncState.gate;
      say('plan', 0, 0);
      const sc = syncScript;
      const held = req.confirm_deletes ? [] : sc.held;
      const ops = sc.stopped ? [] : req.confirm_deletes ? [...sc.operations, ...sc.held] : [...sc.operations];
      const report = makeReport({
        run_id: syncRuns.length + 1,
        dry_run: req.dry_run,
        operations: ops,
        applied: req.dry_run || sc.stopped ? 0 : ops.length,
        held,
        held_reason: held.length ? sc.held_reason : null,
        stopped: sc.stopped,
        notes: [...sc.notes],
        errors: req.dry_run ? [] : [...sc.errors],
        conflicts_opened: sc.stopped ? 0 : sc.conflicts.length,
        request_ids: req.dry_run ? [] : ops.map((_, i) => `req-${syncRuns.length + 1}-${i}`),
        started_at: started,
        finished_at: started + 1,
      });
      if (!req.dry_run && !sc.stopped) {
        say('apply', ops.length, ops.length);
        for (const op of ops) {
          if (op.side !== 'local' || op.asset_id === null || op.key === null) continue;
          const id = op.asset_id;
          if (op.kind === 'add_tag' && !tagsOf(id).includes(op.key)) tags.set(id, [...tagsOf(id), op.key]);
          if (op.kind === 'remove_tag') tags.set(id, tagsOf(id).filter((t) => t !== op.key));
          if (op.kind === 'set_metadata') metadata.set(id, { ...(metadata.get(id) ?? {}), [op.key]: op.to });
        }
        conflicts.push(...sc.conflicts);
        Object.assign(syncScript, { operations: [], held: [], conflicts: [], errors: [], notes: [] });
        syncOverviewValue.last_synced_at = started + 1;
        syncOverviewValue.pending_changes = 0;
      }
      say('done', 1, 1);
      syncRuns.push({ id: report.run_id, started_at: started, finished_at: started + 1, dry_run: req.dry_run, outcome: sc.stopped ? 'stopped' : 'done', report });
      return report;
    },
    sync_log: ({ limit }) => [...syncRuns].reverse().slice(0, limit),
    sync_conflicts: () => conflicts.map((c) => ({ ...c })),
    resolve_conflicts: ({ req }) => {
      const settled: Conflict[] = [];
      for (const id of req.ids) {
        const i = conflicts.findIndex((c) => c.id === id);
        if (i < 0) throw { code: 'not_found', message: `Conflict ${id} is already resolved.` };
        const c = conflicts[i]!;
        const value = req.resolution.kind === 'mine' ? c.mine : req.resolution.kind === 'theirs' ? c.theirs : req.resolution.value;
        if (c.field.field === 'metadata') metadata.set(c.asset_id, { ...(metadata.get(c.asset_id) ?? {}), [c.field.key]: value });
        conflicts.splice(i, 1);
        settled.push({ ...c, resolved_at: Math.floor(Date.now() / 1000) });
      }
      // As the façade answers: the conflicts as settled.
      return settled;
    },
    sync_settings: () => ({ ...syncSettingsValue }),
    set_sync_settings: ({ settings: ss }) => {
      if (ss.full_listing_hours < 1) throw { code: 'invalid_input', message: 'The delete check runs at least every 720 hours and at most every hour.' };
      Object.assign(syncSettingsValue, ss);
      return { ...syncSettingsValue };
    },
    fetch_remote_thumbnail: ({ assetId }) => {
      const thumb = `http://127.0.0.1:4567/t0k3n/thumb/remote-${assetId}.jpg`;
      patches.set(assetId, { ...patches.get(assetId), thumb_url: thumb });
      return assetById(assetId);
    },
    download_original: ({ assetId }) => {
      const a = assetById(assetId);
      patches.set(assetId, { ...patches.get(assetId), status: 'local', sync: 'synced', path: `/home/merch/Stockroom/originals/f${assetId}-${a.name}` });
      return assetById(assetId);
    },
    follow_sync: ({ onProgress, onReport }) => {
      syncProgressChannel = onProgress;
      syncReportChannel = onReport;
      return null;
    },
    get_asset: ({ id }) => assetById(id),
    // Post-transformations checked as sr_api::post::check does (the rules, in the fake's words).
    check_post_transformations: ({ assetIds, post }) => {
      for (const id of assetIds) {
        const a = assetById(id);
        for (const p of post) {
          if ((p.type === 'abs' || p.type === 'thumbnail') && a.kind !== 'video')
            throw { code: 'invalid_input', message: `${a.name} is ${a.kind === 'image' ? 'a photo' : 'not a video'}: a ${p.type === 'abs' ? 'streaming version' : 'video thumbnail'} is made from videos only. Leave it out for this file.` };
          if (p.type === 'abs') {
            const rungs = (p.value ?? '').replace(/^sr-/, '').split('_').filter((r) => LADDER_RUNGS.includes(Number(r)));
            if (rungs.length === 0) throw { code: 'invalid_input', message: `${p.value ?? 'sr-'} has no valid rendition: use one or more of 240, 360, 480, 720, 1080, 1440, 2160, e.g. sr-240_360_720.` };
          }
          if (p.type === 'transformation' && !/^([a-z]+-[a-zA-Z0-9_.%]+)(,[a-z]+-[a-zA-Z0-9_.%]+)*$/.test(p.value ?? '')) {
            throw { code: 'invalid_input', message: `"${p.value ?? ''}" is not a transformation the media library accepts: write it as parameters like w-400,h-300.` };
          }
          if (p.type === 'transformation' && /(^|,)w-[^0-9]/.test(p.value ?? ''))
            throw { code: 'invalid_input', message: `"${p.value ?? ''}": w-abc needs a number, e.g. w-400.` };
        }
      }
      return null;
    },
    derived_outputs: ({ assetId }) => {
      const turns = derived.get(assetId);
      if (!turns || turns.length === 0) return [];
      return (turns.length > 1 ? turns.shift()! : turns[0]!).map((o) => ({ ...o }));
    },
    compare_with_shop: async ({ onEvent }) => {
      onEvent.onmessage({ event: 'fetching' });
      if (shop.gate) await shop.gate;
      if (shop.error) throw shop.error;
      onEvent.onmessage({ event: 'rendering' });
      onEvent.onmessage({ event: 'comparing' });
      if (!shop.report) throw { code: 'not_found', message: 'This asset is not on the media library yet: publish it first.' };
      return shop.report;
    },
  };

  mockWindows('main');
  mockIPC(
    async (cmd, raw) => {
      const args = (raw ?? {}) as Record<string, unknown>;
      calls.push({ cmd: cmd as Command, args });
      if (cmd === 'plugin:dialog|open') return opts.dialogAnswer ?? null;
      const h = opts.handlers?.[cmd as Command];
      if (h) return h(args);
      const run = commands[cmd as Command] as ((a: Record<string, unknown>) => unknown) | undefined;
      if (!run) throw `command ${cmd} not found`;
      return run(args);
    },
    { shouldMockEvents: true },
  );
  return {
    calls,
    listOffsets: () => calls.filter((c) => c.cmd === 'search').map((c) => (c.args.request as SearchRequest).offset),
    add: (a) => {
      added.push(a);
    },
    patch: (id, over) => {
      patches.set(id, { ...patches.get(id), ...over });
    },
    tags,
    metadata,
    jobs,
    emitUpload: (e) => {
      if (!uploadChannel) throw new Error('the UI has not called watch_uploads');
      uploadChannel.onmessage(e);
    },
    callsOf: (cmd) => calls.filter((c) => c.cmd === cmd),
    derived,
    shop,
    watchFolders,
    ledger,
    watchRunner,
    emitWatch: (e) => {
      if (!watchChannel) throw new Error('the UI has not called follow_watch');
      watchChannel.onmessage(e);
    },
    emitLibrary: (change) => {
      if (!libraryChannel) throw new Error('the UI has not called follow_library');
      libraryVersion = change?.version ?? libraryVersion + 1;
      libraryChannel.onmessage({ version: libraryVersion });
    },
    syncOverview: syncOverviewValue,
    conflicts,
    syncRuns,
    syncScript,
    syncSettings: syncSettingsValue,
    emitSyncProgress: (p) => {
      if (!syncProgressChannel) throw new Error('the UI has not called follow_sync');
      syncProgressChannel.onmessage(p);
    },
    emitSyncReport: (r) => {
      if (!syncReportChannel) throw new Error('the UI has not called follow_sync');
      syncReportChannel.onmessage(r);
    },
    get syncGate() {
      return syncState.gate;
    },
    set syncGate(g) {
      syncState.gate = g;
    },
  };
}

/** Sends events through the Channel the UI passed as `onEvent`, as the Rust side would. */
export function emitTo(channel: unknown, events: ImportEvent[]): void {
  const ch = channel as Channel<ImportEvent>;
  for (const ev of events) ch.onmessage(ev);
}

/** An import_paths handler that plays `script(paths)` and resolves with the report built from it. */
export function scriptedImport(
  backend: FakeBackend,
  script: (paths: string[]) => ImportEvent[],
): (args: Record<string, unknown>) => Promise<ImportReport> {
  return async (args) => {
    const events = script(args.paths as string[]);
    const report: ImportReport = { imported: [], skipped: [], cancelled: false };
    for (const ev of events) {
      if (ev.event === 'imported') {
        backend.add(ev.data.asset);
        report.imported.push(ev.data.asset);
      }
      if (ev.event === 'skipped') report.skipped.push(ev.data.skipped);
      emitTo(args.onEvent, [ev]);
      await Promise.resolve();
    }
    return report;
  };
}
