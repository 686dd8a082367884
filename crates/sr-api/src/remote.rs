//! Remote accounts: which media library this Stockroom publishes to, and how it authenticates.
//!
//! * "Sandbox (on this computer)" is the default: the emulator runs in-process on 127.0.0.1 with its
//!   data in `<library>/sandbox/`, so a new user can try the whole flow without an account.
//! * "ImageKit account": URL endpoint + public key, and either the private key — kept in the OS
//!   keychain, or where no keychain service exists in a 0600 file with a visible warning — or an
//!   authentication-endpoint URL, so the private key never touches this machine.
//!
//! Invariant: the private key is never written to `accounts.json`, SQLite, logs, DTOs or CLI output.
//! Remote state is keyed by [`RemoteHandle::account`], so switching accounts never mixes libraries.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sr_library::SANDBOX_ACCOUNT;
use sr_remote::{Client, RemoteAuth, RemoteConfig, Secret};

pub use crate::dto::account::{AccountLimits, ImagekitAccountInput, KeyStorage, RemoteInfo};
use crate::{ApiError, ErrorCode, Stockroom};

const KEYCHAIN_SERVICE: &str = "io.stockroom.app";

/// A configured account as stored in `accounts.json` (no secrets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StoredAccount {
    url_endpoint: String,
    public_key: String,
    api_base: String,
    upload_base: String,
    key_storage: KeyStorage,
    auth_endpoint: Option<String>,
    #[serde(default)]
    limits: AccountLimits,
    /// Where the authentication endpoint's bearer token is kept (`None`: the endpoint takes none).
    #[serde(default)]
    auth_token: Option<KeyStorage>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct AccountsFile {
    /// `None`: the sandbox.
    imagekit: Option<StoredAccount>,
}

/// The active account, ready to call.
#[derive(Clone)]
pub struct RemoteHandle {
    pub account: String,
    pub client: Client,
    pub config: RemoteConfig,
    pub limits: AccountLimits,
}

impl std::fmt::Debug for RemoteHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteHandle").field("account", &self.account).field("config", &self.config).finish()
    }
}

/// The in-process sandbox emulator, started on first use.
pub(crate) struct Sandbox {
    handle: sr_emulator::EmulatorHandle,
    private_key: String,
    public_key: String,
}

fn accounts_path(dir: &Path) -> PathBuf {
    dir.join("accounts.json")
}

/// Where a key kept in a file lives, when the person chose that because no keychain answered:
/// `$STOCKROOM_CONFIG_DIR/secrets/`, else the OS config folder's (`~/.config/stockroom/secrets/`) —
/// never inside the library, which may sit on a shared drive.
fn key_dir() -> PathBuf {
    let root =
        std::env::var_os("STOCKROOM_CONFIG_DIR").filter(|d| !d.is_empty()).map(PathBuf::from).unwrap_or_else(|| {
            directories::ProjectDirs::from("io", "Stockroom", "stockroom")
                .map(|d| d.config_dir().to_owned())
                .unwrap_or_else(|| PathBuf::from(".stockroom-config"))
        });
    root.join("secrets")
}

fn key_file_name(account: &str) -> String {
    let safe: String = account.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    format!("{safe}.key")
}

fn secret_file(account: &str) -> PathBuf {
    key_dir().join(key_file_name(account))
}

/// Where Stockroom 0.x put the fallback file without asking (read, never written).
fn legacy_secret_file(library_dir: &Path, account: &str) -> PathBuf {
    library_dir.join("secrets").join(key_file_name(account))
}

fn io_err(what: &str, path: &Path, e: std::io::Error) -> ApiError {
    ApiError::new(ErrorCode::Io, format!("Could not {what} {}: {e}", path.display()))
}

/// Replaces `path` with `contents` so that a crash or power cut at any instant leaves either the old
/// file or the new one, whole: a temporary file beside it (mode 0600), fsynced, renamed over, and the
/// folder fsynced so the rename itself survives.
fn write_durably(path: &Path, contents: &[u8]) -> Result<(), ApiError> {
    use std::io::Write;
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| io_err("create", parent, e))?;
    // tempfile creates the file 0600 on Unix.
    let mut tmp = tempfile::Builder::new()
        .prefix(".stockroom-")
        .suffix(".tmp")
        .tempfile_in(parent)
        .map_err(|e| io_err("write into", parent, e))?;
    tmp.write_all(contents).and_then(|()| tmp.as_file().sync_all()).map_err(|e| io_err("write", tmp.path(), e))?;
    tmp.persist(path).map_err(|e| io_err("write", path, e.error))?;
    #[cfg(unix)]
    std::fs::File::open(parent).and_then(|d| d.sync_all()).map_err(|e| io_err("sync", parent, e))?;
    Ok(())
}

/// A file only this user can read, in a folder only this user can enter (0700), written durably.
fn write_private(path: &Path, contents: &str) -> Result<(), ApiError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_err("create", parent, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| io_err("protect", parent, e))?;
        }
    }
    write_durably(path, contents.as_bytes())
}

fn file_warning(path: &Path) -> String {
    format!(
        "No system keychain was available, so, as you chose, the private key is kept in {} (readable only by \
         you). Install and unlock a keychain (e.g. GNOME Keyring) and set the account again to move it there.",
        path.display()
    )
}

/// The refusal when no keychain answers and the person has not chosen a file.
fn keychain_unavailable(e: &keyring::Error) -> ApiError {
    ApiError::new(
        ErrorCode::KeychainUnavailable,
        format!(
            "No system keychain answered ({e}), so the private key was not saved. Unlock or install a keychain \
             (e.g. GNOME Keyring) and try again, or choose to keep the key in a file only you can read (in \
             Settings, or `--store-key-in-file` on the command line)."
        ),
    )
}

/// The keychain entry of an account's authentication-endpoint token.
fn token_key(account: &str) -> String {
    format!("{account}:auth-token")
}

fn account_key(public_key: &str) -> String {
    format!("imagekit:{public_key}")
}

/// Stores the private key in the keychain. When no keychain answers, keeps it in a 0600 file under the
/// user's config folder only if `allow_file` (the person chose it); otherwise refuses with
/// [`ErrorCode::KeychainUnavailable`].
fn store_secret(library_dir: &Path, account: &str, secret: &str, allow_file: bool) -> Result<KeyStorage, ApiError> {
    let keychain = keyring::Entry::new(KEYCHAIN_SERVICE, account).and_then(|e| {
        e.set_password(secret)?;
        // Read it back: some stores accept writes they cannot serve.
        match e.get_password() {
            Ok(v) if v == secret => Ok(()),
            Ok(_) => Err(keyring::Error::NoEntry),
            Err(err) => Err(err),
        }
    });
    keep_secret(keychain, &secret_file(account), &legacy_secret_file(library_dir, account), secret, allow_file)
}

/// What follows the keychain's answer: with it, no file copy is left anywhere; without it, the file
/// only when the person chose it.
fn keep_secret(
    keychain: Result<(), keyring::Error>,
    file: &Path,
    legacy: &Path,
    secret: &str,
    allow_file: bool,
) -> Result<KeyStorage, ApiError> {
    match keychain {
        Ok(()) => {
            let _ = std::fs::remove_file(file);
            let _ = std::fs::remove_file(legacy);
            Ok(KeyStorage::Keychain)
        }
        Err(e) if !allow_file => Err(keychain_unavailable(&e)),
        Err(_) => {
            write_private(file, secret)?;
            let _ = std::fs::remove_file(legacy);
            Ok(KeyStorage::File)
        }
    }
}

fn load_secret(dir: &Path, account: &str, storage: KeyStorage) -> Result<String, ApiError> {
    let missing = || {
        ApiError::new(
            ErrorCode::InvalidInput,
            "The private key for this account is missing. Enter it again in Settings (or `stockroom remote use imagekit ... --private-key-stdin`).",
        )
    };
    match storage {
        KeyStorage::Keychain => {
            keyring::Entry::new(KEYCHAIN_SERVICE, account).and_then(|e| e.get_password()).map_err(|_| missing())
        }
        KeyStorage::File => std::fs::read_to_string(secret_file(account))
            .or_else(|_| std::fs::read_to_string(legacy_secret_file(dir, account)))
            .map(|s| s.trim().to_owned())
            .map_err(|_| missing()),
        KeyStorage::AuthEndpoint | KeyStorage::Sandbox => Err(missing()),
    }
}

fn read_accounts(dir: &Path) -> Result<AccountsFile, ApiError> {
    let path = accounts_path(dir);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::new(
                ErrorCode::Library,
                format!("The account settings in {} are damaged ({e}). Set the account again.", path.display()),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(AccountsFile::default()),
        Err(e) => Err(io_err("read", &path, e)),
    }
}

fn write_accounts(dir: &Path, file: &AccountsFile) -> Result<(), ApiError> {
    let json = serde_json::to_string_pretty(file).expect("accounts serialise");
    write_durably(&accounts_path(dir), json.as_bytes())
}

fn sandbox_keys(dir: &Path) -> Result<(String, String), ApiError> {
    #[derive(Serialize, Deserialize)]
    struct Keys {
        private_key: String,
        public_key: String,
    }
    let path = dir.join("sandbox").join("keys.json");
    if let Ok(bytes) = std::fs::read(&path)
        && let Ok(k) = serde_json::from_slice::<Keys>(&bytes)
    {
        return Ok((k.private_key, k.public_key));
    }
    use rand::Rng;
    let mut rng = rand::rng();
    let hex: String = (0..32).map(|_| format!("{:x}", rng.random_range(0..16u8))).collect();
    let keys = Keys { private_key: format!("private_sandbox_{hex}"), public_key: "public_sandbox_key".into() };
    write_private(&path, &serde_json::to_string(&keys).expect("keys serialise"))?;
    Ok((keys.private_key, keys.public_key))
}

/// [`Stockroom::active_account`] of the library in `dir`, for threads that hold no `Stockroom`.
pub(crate) fn active_account_in(dir: &Path) -> Result<String, ApiError> {
    Ok(read_accounts(dir)?.imagekit.map(|a| account_key(&a.public_key)).unwrap_or_else(|| SANDBOX_ACCOUNT.to_owned()))
}

impl Stockroom {
    /// The key remote state is filed under for the active account (`sandbox`,
    /// `imagekit:<public key>`), read from the settings alone: no network, no sandbox start.
    pub(crate) fn active_account(&self) -> Result<String, ApiError> {
        active_account_in(self.library_dir())
    }

    async fn sandbox(&self) -> Result<&Sandbox, ApiError> {
        if let Some(s) = self.sandbox.get() {
            return Ok(s);
        }
        let _guard = self.sandbox_start.lock().await;
        if let Some(s) = self.sandbox.get() {
            return Ok(s);
        }
        let dir = self.library_dir().to_owned();
        let (private_key, public_key) = sandbox_keys(&dir)?;
        let mut config = sr_emulator::EmulatorConfig::sandbox(dir.join("sandbox"));
        config.private_key = private_key.clone();
        config.public_key = public_key.clone();
        let handle = sr_emulator::start(config, ([127, 0, 0, 1], 0).into()).await.map_err(|e| {
            ApiError::new(ErrorCode::Internal, format!("The sandbox media library could not start: {e}"))
        })?;
        let _ = self.sandbox.set(Sandbox { handle, private_key, public_key });
        Ok(self.sandbox.get().expect("just set"))
    }

    /// The active account, ready to call. Starts the sandbox on first use.
    pub async fn remote(&self) -> Result<RemoteHandle, ApiError> {
        let dir = self.library_dir().to_owned();
        let accounts = read_accounts(&dir)?;
        let (account, config, limits) = match accounts.imagekit {
            None => {
                let sb = self.sandbox().await?;
                let base = sb.handle.base_url();
                let config = RemoteConfig::new(
                    base.clone(),
                    base,
                    sb.handle.url_endpoint(),
                    RemoteAuth::PrivateKey(Secret::new(sb.private_key.clone())),
                );
                (SANDBOX_ACCOUNT.to_owned(), config, AccountLimits::default())
            }
            Some(acc) => {
                let key = account_key(&acc.public_key);
                let auth = match (&acc.auth_endpoint, acc.key_storage) {
                    (Some(url), KeyStorage::AuthEndpoint) => {
                        let token = match acc.auth_token {
                            None => None,
                            Some(storage) => {
                                let (dir2, name) = (dir.clone(), token_key(&key));
                                let t = tokio::task::spawn_blocking(move || load_secret(&dir2, &name, storage))
                                    .await
                                    .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?
                                    .map_err(|_| {
                                        ApiError::new(
                                            ErrorCode::InvalidInput,
                                            "The authentication endpoint's access token is missing. Enter it again in Settings.",
                                        )
                                    })?;
                                Some(Secret::new(t))
                            }
                        };
                        RemoteAuth::AuthEndpoint { public_key: acc.public_key.clone(), url: url.clone(), token }
                    }
                    _ => {
                        let dir2 = dir.clone();
                        let key2 = key.clone();
                        let storage = acc.key_storage;
                        let secret = tokio::task::spawn_blocking(move || load_secret(&dir2, &key2, storage))
                            .await
                            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))??;
                        RemoteAuth::PrivateKey(Secret::new(secret))
                    }
                };
                let config = RemoteConfig::new(&acc.api_base, &acc.upload_base, &acc.url_endpoint, auth);
                (key, config, acc.limits)
            }
        };
        let client = Client::new(config.clone())
            .map_err(|e| ApiError::new(ErrorCode::InvalidInput, format!("The account settings are not usable: {e}")))?;
        Ok(RemoteHandle { account, client, config, limits })
    }

    /// The private key of the active account, for local signing (`stockroom url --sign`,
    /// `auth-params`). `None` when the account signs through an authentication endpoint.
    pub async fn signing_key(&self) -> Result<Option<Secret>, ApiError> {
        Ok(match self.remote().await?.config.auth {
            RemoteAuth::PrivateKey(s) => Some(s),
            RemoteAuth::AuthEndpoint { .. } => None,
        })
    }

    /// What the settings screen shows; never a secret.
    pub async fn remote_info(&self) -> Result<RemoteInfo, ApiError> {
        let dir = self.library_dir().to_owned();
        Ok(match read_accounts(&dir)?.imagekit {
            None => {
                let sb = self.sandbox().await?;
                RemoteInfo {
                    kind: "sandbox".into(),
                    account: "sandbox".into(),
                    label: "Sandbox (on this computer)".into(),
                    url_endpoint: sb.handle.url_endpoint(),
                    public_key: sb.public_key.clone(),
                    api_base: sb.handle.base_url(),
                    upload_base: sb.handle.base_url(),
                    key_storage: KeyStorage::Sandbox,
                    auth_endpoint: None,
                    limits: AccountLimits::default(),
                    warning: None,
                }
            }
            Some(acc) => RemoteInfo {
                kind: "imagekit".into(),
                account: account_key(&acc.public_key),
                label: format!("ImageKit account {}", acc.url_endpoint),
                warning: (acc.key_storage == KeyStorage::File)
                    .then(|| file_warning(&secret_file(&account_key(&acc.public_key)))),
                url_endpoint: acc.url_endpoint,
                public_key: acc.public_key,
                api_base: acc.api_base,
                upload_base: acc.upload_base,
                key_storage: acc.key_storage,
                auth_endpoint: acc.auth_endpoint,
                limits: acc.limits,
            },
        })
    }

    /// Switches to the sandbox. The ImageKit account's settings are forgotten; its key stays in
    /// the keychain until the account is set again or removed there.
    pub async fn use_sandbox(&self) -> Result<RemoteInfo, ApiError> {
        write_accounts(self.library_dir(), &AccountsFile { imagekit: None })?;
        self.remote_info().await
    }

    /// Switches to an ImageKit account (validating the input; the key goes to the keychain).
    pub async fn use_imagekit(&self, input: ImagekitAccountInput) -> Result<RemoteInfo, ApiError> {
        let invalid = |m: &str| ApiError::new(ErrorCode::InvalidInput, m.to_owned());
        let url_endpoint = input.url_endpoint.trim().to_owned();
        if !(url_endpoint.starts_with("https://") || url_endpoint.starts_with("http://")) {
            return Err(invalid("The URL endpoint must be a web address such as https://ik.imagekit.io/your_id."));
        }
        let public_key = input.public_key.trim().to_owned();
        if public_key.is_empty() {
            return Err(invalid("Enter the account's public key (Developer options in the ImageKit dashboard)."));
        }
        let api_base = input.api_base.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty());
        let upload_base = input.upload_base.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty());
        let private_key = input.private_key.map(|k| k.trim().to_owned()).filter(|k| !k.is_empty());
        let auth_endpoint = input.auth_endpoint.map(|k| k.trim().to_owned()).filter(|k| !k.is_empty());
        let token = input.auth_token.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        if token.is_some() && auth_endpoint.is_none() {
            return Err(invalid("An access token goes with an authentication endpoint only."));
        }
        // The client's own address rules (https, plain http to this computer only), before anything
        // is stored: a typo never gets as far as a request or the keychain.
        let probe_auth = match &auth_endpoint {
            Some(url) => RemoteAuth::AuthEndpoint { public_key: public_key.clone(), url: url.clone(), token: None },
            None => RemoteAuth::PrivateKey(Secret::new("unchecked")),
        };
        let probe = RemoteConfig::new(
            api_base.as_deref().unwrap_or("https://api.imagekit.io"),
            upload_base.as_deref().unwrap_or("https://upload.imagekit.io"),
            &url_endpoint,
            probe_auth,
        );
        Client::new(probe).map_err(|e| ApiError::new(ErrorCode::InvalidInput, e.to_string()))?;
        let account = account_key(&public_key);
        let dir = self.library_dir().to_owned();
        let key_storage = match (&private_key, &auth_endpoint) {
            (Some(_), Some(_)) => {
                return Err(invalid("Give either the private key or an authentication endpoint, not both."));
            }
            (None, None) => {
                return Err(invalid("Give the private key or your organisation's authentication endpoint."));
            }
            (None, Some(url)) => {
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(invalid("The authentication endpoint must be a web address."));
                }
                KeyStorage::AuthEndpoint
            }
            (Some(secret), None) => {
                let (d, a, s, f) = (dir.clone(), account.clone(), secret.clone(), input.store_key_in_file);
                tokio::task::spawn_blocking(move || store_secret(&d, &a, &s, f))
                    .await
                    .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))??
            }
        };
        let auth_token = match (&auth_endpoint, token) {
            (Some(_), Some(token)) => {
                let (d, a, f) = (dir.clone(), token_key(&account), input.store_key_in_file);
                Some(
                    tokio::task::spawn_blocking(move || store_secret(&d, &a, &token, f))
                        .await
                        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))??,
                )
            }
            (_, _) => None,
        };
        let stored = StoredAccount {
            api_base: api_base.unwrap_or_else(|| "https://api.imagekit.io".into()),
            upload_base: upload_base.unwrap_or_else(|| "https://upload.imagekit.io".into()),
            url_endpoint,
            public_key,
            key_storage,
            auth_endpoint,
            limits: input.limits.unwrap_or_default(),
            auth_token,
        };
        write_accounts(&dir, &AccountsFile { imagekit: Some(stored) })?;
        self.remote_info().await
    }
}

/// Shared so `Stockroom` can hold the lazily started sandbox.
pub(crate) type SandboxCell = std::sync::OnceLock<Sandbox>;
pub(crate) type SandboxStart = Arc<tokio::sync::Mutex<()>>;

/// What `stockroom emulator` serves.
#[derive(Debug, Clone)]
pub struct EmulatorOptions {
    pub data_dir: PathBuf,
    pub bind: std::net::SocketAddr,
    pub private_key: String,
    pub public_key: String,
    pub demo_fields: bool,
}

/// Runs a media-library emulator until Ctrl-C, printing its base URL first.
pub async fn serve_emulator(opts: EmulatorOptions) -> Result<(), ApiError> {
    let mut config = sr_emulator::EmulatorConfig::with_keys(&opts.data_dir, &opts.private_key, &opts.public_key);
    config.seed_demo_fields = opts.demo_fields;
    sr_emulator::serve_forever(config, opts.bind)
        .await
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("The emulator could not run: {e}")))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    /// A settings or key file being replaced is read by another window or the CLI at any moment; with an
    /// in-place rewrite it can be seen empty or half written (and a crash there would leave it so).
    #[test]
    fn a_reader_never_sees_a_settings_file_half_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accounts.json");
        let a = "a".repeat(1 << 20);
        let b = "b".repeat(1 << 20);
        write_durably(&path, a.as_bytes()).unwrap();
        let done = Arc::new(AtomicBool::new(false));
        let reader = {
            let (path, done) = (path.clone(), done.clone());
            std::thread::spawn(move || {
                let mut torn = 0;
                while !done.load(Ordering::SeqCst) {
                    let s = std::fs::read(&path).unwrap();
                    if s.len() != 1 << 20 || (s[0] != s[s.len() - 1]) {
                        torn += 1;
                    }
                }
                torn
            })
        };
        for i in 0..40 {
            write_durably(&path, if i % 2 == 0 { b.as_bytes() } else { a.as_bytes() }).unwrap();
        }
        done.store(true, Ordering::SeqCst);
        assert_eq!(reader.join().unwrap(), 0, "a torn file was read");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    fn locked() -> Result<(), keyring::Error> {
        Err(keyring::Error::NoStorageAccess("the collection is locked".into()))
    }

    #[test]
    fn without_a_keychain_the_key_is_refused_unless_the_person_chose_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config/secrets/imagekit_public_x.key");
        let legacy = dir.path().join("library/secrets/imagekit_public_x.key");
        let e = keep_secret(locked(), &file, &legacy, "private_x", false).unwrap_err();
        assert_eq!(e.code, ErrorCode::KeychainUnavailable);
        assert!(
            e.message.contains("the collection is locked") && e.message.contains("--store-key-in-file"),
            "{}",
            e.message
        );
        assert!(!file.exists() && !file.parent().unwrap().exists(), "nothing was written");

        // Chosen: under the config folder, 0700 and 0600, and the old copy in the library is gone.
        std::fs::create_dir_all(legacy.parent().unwrap()).unwrap();
        std::fs::write(&legacy, "private_old").unwrap();
        assert_eq!(keep_secret(locked(), &file, &legacy, "private_x", true).unwrap(), KeyStorage::File);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "private_x");
        assert!(!legacy.exists(), "no key is left in the library folder");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&file), 0o600);
            assert_eq!(mode(file.parent().unwrap()), 0o700);
        }

        // A keychain that answers later: the file copy goes.
        assert_eq!(keep_secret(Ok(()), &file, &legacy, "private_x", false).unwrap(), KeyStorage::Keychain);
        assert!(!file.exists());
    }

    #[test]
    fn debug_output_never_shows_a_private_key() {
        let input = ImagekitAccountInput {
            private_key: Some("private_canary_93".into()),
            public_key: "public_x".into(),
            ..Default::default()
        };
        let req = crate::UrlRequest { private_key: Some("private_canary_93".into()), ..Default::default() };
        let signing = sr_imagekit::url::UrlSigning { private_key: "private_canary_93".into(), expire_at: None };
        for printed in [format!("{input:?}"), format!("{req:?}"), format!("{signing:?}"), format!("{input:#?}")] {
            assert!(!printed.contains("private_canary_93"), "{printed}");
            assert!(printed.contains("***"), "{printed}");
        }
        assert!(format!("{input:?}").contains("public_x"), "the rest still prints");
    }

    #[tokio::test]
    async fn keys_travel_only_over_https_except_to_this_computer() {
        let dir = tempfile::tempdir().unwrap();
        let app = Stockroom::open(crate::OpenOptions { library_dir: Some(dir.path().join("lib")) }).unwrap();
        let input = |api: &str, auth: &str| ImagekitAccountInput {
            url_endpoint: "https://ik.imagekit.io/shop".into(),
            public_key: "public_x".into(),
            auth_endpoint: Some(auth.into()),
            api_base: Some(api.into()),
            upload_base: Some(api.into()),
            ..Default::default()
        };
        let refused = [
            ("http://api.imagekit.io", "https://shop.example/auth"),
            ("https://api.imagekit.io", "http://192.168.1.20/auth"),
            ("ftp://x", "https://shop.example/auth"),
        ];
        for (api, auth) in refused {
            let e = app.use_imagekit(input(api, auth)).await.unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{api} {auth}");
            assert!(e.message.contains("https://"), "{}", e.message);
        }
        for (api, auth) in [
            ("https://api.imagekit.io", "https://shop.example/auth"),
            ("http://127.0.0.1:8080", "http://localhost:9/auth"),
        ] {
            app.use_imagekit(input(api, auth)).await.unwrap();
        }
    }
}
