// Settings: which media library Stockroom publishes to, how uploads use the network, how it
// syncs, and the folders watched for new files.
//
// The private key is typed into a password field, sent once to the backend (which keeps it in the
// system keychain) and cleared from the form straight after, whether or not the backend accepted
// it. It is never put in localStorage, in state that outlives the form, in a toast or in a log.

import { useEffect, useRef, useState } from 'react';

import { useServices } from '@/app/context';
import { Modal } from '@/app/Modal';
import {
  connectImagekit,
  refreshCatalogue,
  remoteInfo,
  setUploadSettings,
  switchToSandbox,
  toApiError,
  uploadSettings,
} from '@/ipc/api';
import type { KeyStorage, RemoteInfo, UploadSettings } from '@/ipc/dto';
import { formatSize } from '@/library/format';
import { SyncSection } from '@/settings/SyncSection';
import { WatchSection } from '@/settings/WatchSection';

const KEY_STORAGE: Record<KeyStorage, string> = {
  keychain: 'In the system keychain',
  file: 'In a file only you can read (no keychain was available)',
  auth_endpoint: 'Not on this computer: uploads are signed by your authentication endpoint',
  sandbox: 'The sandbox’s own local key',
};

export function SettingsPanel({ onClose, section }: { onClose: () => void; section?: 'watch' }) {
  useEffect(() => {
    if (section === 'watch') document.querySelector('[data-testid="settings-watch"]')?.scrollIntoView?.({ block: 'start' });
  }, [section]);
  return (
    <Modal title="Settings" titleId="settings-title" onClose={onClose} closeLabel="Close settings" testId="settings-panel" closeTestId="settings-close">
      <AccountSection />
      <UploadSection />
      <SyncSection />
      <WatchSection />
    </Modal>
  );
}

function AccountSection() {
  const { toasts } = useServices();
  const [info, setInfo] = useState<RemoteInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [connecting, setConnecting] = useState(false);
  const [catalogue, setCatalogue] = useState<string | null>(null);
  const [refreshing, setRefreshing] = useState(false);

  useEffect(() => {
    remoteInfo().then(setInfo, (e) => setError(toApiError(e).message));
  }, []);

  // The account's custom metadata fields and folders, kept in the library for offline edits.
  const refresh = async () => {
    setRefreshing(true);
    try {
      const r = await refreshCatalogue();
      setCatalogue(
        `Fetched ${r.fields} metadata field${r.fields === 1 ? '' : 's'} and ${r.folders} folder${r.folders === 1 ? '' : 's'}.`,
      );
    } catch (e) {
      const err = toApiError(e);
      setCatalogue(
        err.code === 'offline'
          ? 'The media library cannot be reached: the fields and folders saved earlier stay in use.'
          : err.message,
      );
    } finally {
      setRefreshing(false);
    }
  };

  const sandbox = async () => {
    try {
      setInfo(await switchToSandbox());
      setConnecting(false);
      toasts.success('Now publishing to the Sandbox on this computer.');
      void refresh();
    } catch (e) {
      setError(toApiError(e).message);
    }
  };

  return (
    <section className="settings-section" aria-labelledby="account-title">
      <h3 id="account-title" className="section-title">
        Media library
      </h3>
      {error && (
        <p className="section-error" role="alert">
          {error}
        </p>
      )}
      {info && <AccountInfo info={info} />}
      <div className="settings-actions">
        {info && info.kind !== 'sandbox' && (
          <button type="button" className="btn btn-small" data-testid="settings-use-sandbox" onClick={() => void sandbox()}>
            Switch to the Sandbox
          </button>
        )}
        {info && (
          <button
            type="button"
            className="btn btn-small"
            data-testid="settings-refresh-catalogue"
            disabled={refreshing}
            onClick={() => void refresh()}
          >
            {refreshing ? 'Fetching fields and folders…' : 'Refresh fields and folders'}
          </button>
        )}
        {!connecting && (
          <button type="button" className="btn btn-small" data-testid="settings-connect-open" onClick={() => setConnecting(true)}>
            {info?.kind === 'imagekit' ? 'Connect a different ImageKit account…' : 'Connect an ImageKit account…'}
          </button>
        )}
      </div>
      {catalogue && (
        <p className="settings-note" role="status" data-testid="settings-catalogue">
          {catalogue}
        </p>
      )}
      {connecting && (
        <ImagekitForm
          onCancel={() => setConnecting(false)}
          onConnected={(i) => {
            setInfo(i);
            setConnecting(false);
            setError(null);
            toasts.success(`Connected to ${i.url_endpoint}.`);
            void refresh();
          }}
        />
      )}
    </section>
  );
}

function AccountInfo({ info }: { info: RemoteInfo }) {
  const rows: [string, string][] = [
    ['Account', info.label],
    ['URL endpoint', info.url_endpoint],
    ['Public key', info.public_key],
    ['Private key', KEY_STORAGE[info.key_storage] ?? info.key_storage],
  ];
  if (info.auth_endpoint) rows.push(['Authentication endpoint', info.auth_endpoint]);
  rows.push(['Upload limits', `${formatSize(info.limits.max_file_bytes)} per file, ${formatSize(info.limits.max_video_bytes)} per video`]);
  return (
    <div data-testid="settings-account" data-kind={info.kind}>
      <dl className="info">
        {rows.map(([k, v]) => (
          <div className="info-row" key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {info.warning && (
        <p className="settings-warning" role="alert" data-testid="settings-warning">
          {info.warning}
        </p>
      )}
    </div>
  );
}

type AuthMode = 'private_key' | 'auth_endpoint';

/** Local checks before the backend's: what is missing or plainly malformed. */
export function imagekitFormProblems(v: {
  urlEndpoint: string;
  publicKey: string;
  mode: AuthMode;
  privateKeyGiven: boolean;
  authEndpoint: string;
}): Partial<Record<'urlEndpoint' | 'publicKey' | 'privateKey' | 'authEndpoint', string>> {
  const out: Partial<Record<'urlEndpoint' | 'publicKey' | 'privateKey' | 'authEndpoint', string>> = {};
  const isUrl = (s: string) => {
    try {
      const u = new URL(s);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  };
  if (!v.urlEndpoint.trim()) out.urlEndpoint = 'Paste the URL endpoint from the ImageKit dashboard (Developer options).';
  else if (!isUrl(v.urlEndpoint.trim())) out.urlEndpoint = 'That is not a web address, e.g. https://ik.imagekit.io/your_id.';
  if (!v.publicKey.trim()) out.publicKey = 'Paste the public key (it starts with public_).';
  if (v.mode === 'private_key' && !v.privateKeyGiven) out.privateKey = 'Paste the private key, or choose an authentication endpoint instead.';
  if (v.mode === 'auth_endpoint') {
    if (!v.authEndpoint.trim()) out.authEndpoint = 'Enter the address of your organisation’s authentication endpoint.';
    else if (!isUrl(v.authEndpoint.trim())) out.authEndpoint = 'That is not a web address.';
  }
  return out;
}

function ImagekitForm({ onCancel, onConnected }: { onCancel: () => void; onConnected: (i: RemoteInfo) => void }) {
  const [urlEndpoint, setUrlEndpoint] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [mode, setMode] = useState<AuthMode>('private_key');
  const [authEndpoint, setAuthEndpoint] = useState('');
  const [apiBase, setApiBase] = useState('');
  const [uploadBase, setUploadBase] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [privateKeyGiven, setPrivateKeyGiven] = useState(false);
  // No keychain answered on the last try: the person may choose a private file instead.
  const [keychainRefused, setKeychainRefused] = useState(false);
  const [keyInFile, setKeyInFile] = useState(false);
  // The key lives only in the (uncontrolled) password field until submit; React state never holds it.
  const keyField = useRef<HTMLInputElement>(null);
  // The endpoint's access token, like the key, lives only in its password field until submit.
  const tokenField = useRef<HTMLInputElement>(null);

  const problems = imagekitFormProblems({ urlEndpoint, publicKey, mode, privateKeyGiven, authEndpoint });
  const show = (k: keyof typeof problems) => (touched ? problems[k] : undefined);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (Object.keys(problems).length > 0 || busy) return;
    const field = keyField.current;
    const privateKey = mode === 'private_key' && field ? field.value : null;
    if (field) field.value = '';
    const tokenInput = tokenField.current;
    const authToken = mode === 'auth_endpoint' && tokenInput && tokenInput.value.trim() !== '' ? tokenInput.value : null;
    if (tokenInput) tokenInput.value = '';
    setPrivateKeyGiven(false);
    setBusy(true);
    try {
      const info = await connectImagekit({
        url_endpoint: urlEndpoint.trim(),
        public_key: publicKey.trim(),
        private_key: privateKey,
        auth_endpoint: mode === 'auth_endpoint' ? authEndpoint.trim() : null,
        api_base: apiBase.trim() || null,
        upload_base: uploadBase.trim() || null,
        limits: null,
        store_key_in_file: keyInFile,
        auth_token: authToken,
      });
      onConnected(info);
    } catch (err) {
      const apiErr = toApiError(err);
      if (apiErr.code === 'keychain_unavailable') setKeychainRefused(true);
      setError(apiErr.message);
    } finally {
      setBusy(false);
    }
  };

  const fieldProps = (k: keyof typeof problems) => ({
    className: show(k) ? 'invalid' : undefined,
    'aria-invalid': show(k) ? true : undefined,
  });

  return (
    <form className="imagekit-form" data-testid="settings-imagekit-form" onSubmit={(e) => void submit(e)} noValidate autoComplete="off">
      <label className="form-row">
        <span>URL endpoint</span>
        <input type="url" data-testid="settings-url-endpoint" placeholder="https://ik.imagekit.io/your_id" value={urlEndpoint} onChange={(e) => setUrlEndpoint(e.target.value)} {...fieldProps('urlEndpoint')} />
      </label>
      {show('urlEndpoint') && <p className="field-error">{show('urlEndpoint')}</p>}
      <label className="form-row">
        <span>Public key</span>
        <input type="text" data-testid="settings-public-key" placeholder="public_…" spellCheck={false} value={publicKey} onChange={(e) => setPublicKey(e.target.value)} {...fieldProps('publicKey')} />
      </label>
      {show('publicKey') && <p className="field-error">{show('publicKey')}</p>}
      <fieldset className="form-choice">
        <legend>How uploads are signed</legend>
        <label className="check">
          <input type="radio" name="auth" checked={mode === 'private_key'} onChange={() => setMode('private_key')} data-testid="settings-mode-key" />
          With the private key, kept in this computer’s keychain
        </label>
        <label className="check">
          <input type="radio" name="auth" checked={mode === 'auth_endpoint'} onChange={() => setMode('auth_endpoint')} data-testid="settings-mode-endpoint" />
          By my organisation’s authentication endpoint (the private key never comes here)
        </label>
      </fieldset>
      {mode === 'private_key' ? (
        <label className="form-row">
          <span>Private key</span>
          <input
            ref={keyField}
            type="password"
            data-testid="settings-private-key"
            autoComplete="new-password"
            placeholder="private_…"
            spellCheck={false}
            onChange={(e) => setPrivateKeyGiven(e.target.value !== '')}
            {...fieldProps('privateKey')}
          />
        </label>
      ) : (
        <>
          <label className="form-row">
            <span>Authentication endpoint</span>
            <input type="url" data-testid="settings-auth-endpoint" placeholder="https://shop.example.com/imagekit-auth" value={authEndpoint} onChange={(e) => setAuthEndpoint(e.target.value)} {...fieldProps('authEndpoint')} />
          </label>
          <label className="form-row">
            <span>Access token (optional)</span>
            <input
              ref={tokenField}
              type="password"
              data-testid="settings-auth-token"
              autoComplete="new-password"
              placeholder="if the endpoint asks for one"
              spellCheck={false}
            />
          </label>
        </>
      )}
      {show(mode === 'private_key' ? 'privateKey' : 'authEndpoint') && <p className="field-error">{show(mode === 'private_key' ? 'privateKey' : 'authEndpoint')}</p>}
      {keychainRefused && (
        <label className="check key-in-file" data-testid="settings-key-in-file">
          <input type="checkbox" checked={keyInFile} onChange={(e) => setKeyInFile(e.target.checked)} data-testid="settings-key-in-file-check" />
          Keep the key in a file only I can read on this computer (enter it again, then Connect)
        </label>
      )}
      <details className="form-advanced">
        <summary>Advanced: API addresses</summary>
        <label className="form-row">
          <span>API base</span>
          <input type="url" placeholder="https://api.imagekit.io" value={apiBase} onChange={(e) => setApiBase(e.target.value)} />
        </label>
        <label className="form-row">
          <span>Upload base</span>
          <input type="url" placeholder="https://upload.imagekit.io" value={uploadBase} onChange={(e) => setUploadBase(e.target.value)} />
        </label>
      </details>
      {error && (
        <p className="section-error" role="alert" data-testid="settings-error">
          {error}
        </p>
      )}
      <div className="settings-actions">
        <button type="submit" className="btn btn-small btn-primary" data-testid="settings-connect" disabled={busy}>
          {busy ? 'Connecting…' : 'Connect'}
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function UploadSection() {
  const { toasts } = useServices();
  const [saved, setSaved] = useState<UploadSettings | null>(null);
  const [concurrency, setConcurrency] = useState('');
  const [limit, setLimit] = useState('');
  const [error, setError] = useState<string | null>(null);

  const load = (s: UploadSettings) => {
    setSaved(s);
    setConcurrency(String(s.concurrency));
    setLimit(s.bandwidth_limit_bytes_per_sec === null ? '' : String(s.bandwidth_limit_bytes_per_sec / 1_000_000));
  };
  useEffect(() => {
    uploadSettings().then(load, (e) => setError(toApiError(e).message));
  }, []);

  const c = Number(concurrency);
  const concurrencyProblem = Number.isInteger(c) && c >= 1 && c <= 16 ? null : 'Choose 1 to 16 uploads at once.';
  const l = limit.trim() === '' ? null : Number(limit.replace(',', '.'));
  const limitProblem = l === null || (Number.isFinite(l) && l > 0) ? null : 'Type a speed in MB/s, or leave it empty for no limit.';
  const next: UploadSettings | null =
    concurrencyProblem || limitProblem ? null : { concurrency: c, bandwidth_limit_bytes_per_sec: l === null ? null : Math.round(l * 1_000_000) };
  const dirty = !!saved && !!next && (next.concurrency !== saved.concurrency || next.bandwidth_limit_bytes_per_sec !== saved.bandwidth_limit_bytes_per_sec);

  const save = async () => {
    if (!next) return;
    try {
      load(await setUploadSettings(next));
      setError(null);
      toasts.success('Upload settings saved.');
    } catch (e) {
      setError(toApiError(e).message);
    }
  };

  return (
    <section className="settings-section" aria-labelledby="uploads-title">
      <h3 id="uploads-title" className="section-title">
        Uploads
      </h3>
      <label className="form-row">
        <span>Uploads at once</span>
        <input type="number" min={1} max={16} data-testid="settings-concurrency" value={concurrency} className={concurrencyProblem ? 'invalid' : undefined} onChange={(e) => setConcurrency(e.target.value)} />
      </label>
      {concurrencyProblem && <p className="field-error">{concurrencyProblem}</p>}
      <label className="form-row">
        <span>Bandwidth limit</span>
        <input type="text" inputMode="decimal" data-testid="settings-bandwidth" placeholder="No limit" value={limit} className={limitProblem ? 'invalid' : undefined} onChange={(e) => setLimit(e.target.value)} />
        <span className="filter-unit">MB/s</span>
      </label>
      {limitProblem && <p className="field-error">{limitProblem}</p>}
      {error && (
        <p className="section-error" role="alert">
          {error}
        </p>
      )}
      <div className="settings-actions">
        <button type="button" className="btn btn-small btn-primary" data-testid="settings-save-uploads" disabled={!dirty} onClick={() => void save()}>
          Save upload settings
        </button>
      </div>
    </section>
  );
}
