//! `stockroom emulator`, `remote use|show`, `url`, `auth-params`: accounts, delivery URLs and signing.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::common::{print_json, runtime};
use clap::{Args, Subcommand, ValueEnum};
use sr_api::{ApiError, ErrorCode, ImagekitAccountInput, RemoteInfo, Stockroom, UrlRequest};

fn private_key_env() -> Option<String> {
    std::env::var("STOCKROOM_PRIVATE_KEY").ok().filter(|k| !k.is_empty())
}

#[derive(Args)]
pub struct EmulatorArgs {
    /// Address to listen on (loopback only is recommended), e.g. 127.0.0.1:8080. Port 0 picks one.
    #[arg(long, default_value = "127.0.0.1:0")]
    bind: SocketAddr,
    /// Where the emulated media library keeps its files and records.
    #[arg(long)]
    data: PathBuf,
    #[arg(long, env = "STOCKROOM_EMULATOR_PRIVATE_KEY", hide_env_values = true)]
    private_key: String,
    #[arg(long)]
    public_key: String,
    /// Seed the demo custom-metadata fields (SKU, price, size, colour, season, ...).
    #[arg(long)]
    demo_fields: bool,
}

/// Serves until Ctrl-C; prints the base URL on the first line.
pub fn emulator(args: EmulatorArgs) -> Result<(), ApiError> {
    runtime()?.block_on(sr_api::serve_emulator(sr_api::EmulatorOptions {
        data_dir: args.data,
        bind: args.bind,
        private_key: args.private_key,
        public_key: args.public_key,
        demo_fields: args.demo_fields,
    }))
}

#[derive(Subcommand)]
pub enum RemoteCommand {
    /// Choose the media library to publish to.
    Use {
        #[command(subcommand)]
        target: UseTarget,
    },
    /// Show the active account (never prints secrets).
    Show,
}

#[derive(Subcommand)]
pub enum UseTarget {
    /// The sandbox media library on this computer (the default).
    Sandbox,
    /// An ImageKit account (or any server speaking its API, e.g. `stockroom emulator`).
    Imagekit {
        /// e.g. https://ik.imagekit.io/your_id
        #[arg(long)]
        url_endpoint: String,
        #[arg(long)]
        public_key: String,
        /// Read the private key from standard input (it goes to the OS keychain).
        #[arg(long, conflicts_with = "auth_endpoint", required_unless_present = "auth_endpoint")]
        private_key_stdin: bool,
        /// Your organisation's endpoint that signs uploads ({token, expire, signature}).
        #[arg(long)]
        auth_endpoint: Option<String>,
        /// Read the endpoint's access token (sent as `Authorization: Bearer …`) from standard input; it
        /// goes to the OS keychain.
        #[arg(long, requires = "auth_endpoint")]
        auth_token_stdin: bool,
        #[arg(long)]
        api_base: Option<String>,
        #[arg(long)]
        upload_base: Option<String>,
        /// Largest file the plan accepts, in bytes.
        #[arg(long)]
        max_file_bytes: Option<u64>,
        /// Largest video the plan accepts, in bytes.
        #[arg(long)]
        max_video_bytes: Option<u64>,
        /// If no system keychain answers, keep the private key in a file only you can read (under
        /// your config folder) instead of refusing. For scripts; on a terminal you are asked.
        #[arg(long, conflicts_with = "auth_endpoint")]
        store_key_in_file: bool,
    },
}

/// On a terminal, asks whether to keep the key in a file after the keychain refused; elsewhere
/// (scripts, CI) the refusal stands and names `--store-key-in-file`.
fn ask_for_key_file(why: &str) -> bool {
    use std::io::{IsTerminal, Write};
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return false;
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{why}\nKeep the private key in a file only you can read instead? [y/N] ");
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).is_ok() && matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
}

fn print_remote(info: &RemoteInfo, json: bool) -> Result<(), ApiError> {
    if json {
        print_json(info)?;
    } else {
        println!("{}", info.label);
        println!("account:      {}", info.account);
        println!("url endpoint: {}", info.url_endpoint);
        println!("public key:   {}", info.public_key);
        println!("api base:     {}", info.api_base);
        println!("upload base:  {}", info.upload_base);
        println!(
            "private key:  {}",
            match info.key_storage {
                sr_api::KeyStorage::Keychain => "in the system keychain",
                sr_api::KeyStorage::File => "in a private file (no keychain available)",
                sr_api::KeyStorage::AuthEndpoint =>
                    "not on this computer (uploads signed by the authentication endpoint)",
                sr_api::KeyStorage::Sandbox => "the sandbox's own local key",
            }
        );
        if let Some(w) = &info.warning {
            eprintln!("warning: {w}");
        }
    }
    Ok(())
}

pub fn remote(app: &Stockroom, cmd: RemoteCommand, json: bool) -> Result<(), ApiError> {
    let rt = runtime()?;
    let info = match cmd {
        RemoteCommand::Show => rt.block_on(app.remote_info())?,
        RemoteCommand::Use { target: UseTarget::Sandbox } => rt.block_on(app.use_sandbox())?,
        RemoteCommand::Use {
            target:
                UseTarget::Imagekit {
                    url_endpoint,
                    public_key,
                    private_key_stdin,
                    auth_endpoint,
                    auth_token_stdin,
                    api_base,
                    upload_base,
                    max_file_bytes,
                    max_video_bytes,
                    store_key_in_file,
                },
        } => {
            let read_stdin = |what: &str| {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line).map_err(|e| {
                    ApiError::new(ErrorCode::Io, format!("Could not read the {what} from standard input: {e}"))
                })?;
                Ok::<_, ApiError>(line.trim().to_owned())
            };
            let private_key = if private_key_stdin { Some(read_stdin("private key")?) } else { None };
            let auth_token = if auth_token_stdin { Some(read_stdin("access token")?) } else { None };
            let limits = match (max_file_bytes, max_video_bytes) {
                (None, None) => None,
                (f, v) => {
                    let d = sr_api::AccountLimits::default();
                    Some(sr_api::AccountLimits {
                        max_file_bytes: f.unwrap_or(d.max_file_bytes),
                        max_video_bytes: v.unwrap_or(d.max_video_bytes),
                    })
                }
            };
            let input = ImagekitAccountInput {
                url_endpoint,
                public_key,
                private_key,
                auth_endpoint,
                api_base,
                upload_base,
                limits,
                store_key_in_file,
                auth_token,
            };
            match rt.block_on(app.use_imagekit(input.clone())) {
                Err(e) if e.code == ErrorCode::KeychainUnavailable && ask_for_key_file(&e.message) => {
                    rt.block_on(app.use_imagekit(ImagekitAccountInput { store_key_in_file: true, ..input }))?
                }
                other => other?,
            }
        }
    };
    print_remote(&info, json)
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Position {
    Query,
    Path,
}

#[derive(Args)]
pub struct UrlArgs {
    /// A media-library path (`/products/shoe.jpg`) or an absolute URL.
    src: String,
    /// An ImageKit transformation string, e.g. `w-400,h-400:rt-90`.
    #[arg(long, conflicts_with = "transformation")]
    tr: Option<String>,
    /// The SDK's JSON transformation objects, e.g. '[{"width":400,"rotation":90}]'.
    #[arg(long)]
    transformation: Option<String>,
    #[arg(long, value_enum, default_value = "query")]
    position: Position,
    /// A query parameter to add, in order (repeatable), e.g. --query version=2.0.
    #[arg(long = "query", value_name = "KEY=VALUE", value_parser = parse_pair)]
    query: Vec<(String, String)>,
    /// Overrides the active account's URL endpoint.
    #[arg(long)]
    url_endpoint: Option<String>,
    /// Sign the URL (key: $STOCKROOM_PRIVATE_KEY, else the active account's).
    #[arg(long)]
    sign: bool,
    /// Absolute Unix time the signature expires; without it the URL works for a week (to the next
    /// whole hour, so URLs signed within the hour are the same).
    #[arg(long, requires = "sign", conflicts_with = "no_expiry")]
    expire_at: Option<i64>,
    /// Sign without expiry: the URL works for as long as the key does.
    #[arg(long, requires = "sign")]
    no_expiry: bool,
}

fn parse_pair(s: &str) -> Result<(String, String), String> {
    s.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())).ok_or_else(|| format!("expected KEY=VALUE, got `{s}`"))
}

pub fn url(app: &Stockroom, args: UrlArgs, json: bool) -> Result<(), ApiError> {
    let transformation =
        match &args.transformation {
            Some(t) => Some(serde_json::from_str(t).map_err(|e| {
                ApiError::new(ErrorCode::InvalidInput, format!("--transformation is not valid JSON: {e}"))
            })?),
            None => None,
        };
    let req = UrlRequest {
        src: args.src,
        tr: args.tr,
        transformation,
        query: args.query,
        path_position: matches!(args.position, Position::Path),
        url_endpoint: args.url_endpoint,
        sign: args.sign,
        expire_at: args.expire_at,
        no_expiry: args.no_expiry,
        private_key: private_key_env(),
    };
    let url = runtime()?.block_on(app.delivery_url(req))?;
    if json {
        print_json(&serde_json::json!({ "url": url }))
    } else {
        println!("{url}");
        Ok(())
    }
}

#[derive(Args)]
pub struct AuthParamsArgs {
    /// One-time token (default: a new v4 UUID).
    #[arg(long)]
    token: Option<String>,
    /// Absolute Unix time, under an hour ahead (default: now + 30 minutes).
    #[arg(long)]
    expire: Option<i64>,
}

/// Always prints `{"token","expire","signature"}`.
pub fn auth_params(app: &Stockroom, args: AuthParamsArgs) -> Result<(), ApiError> {
    let p = runtime()?.block_on(app.auth_params(private_key_env(), args.token, args.expire))?;
    let out = serde_json::json!({ "token": p.token, "expire": p.expire, "signature": p.signature });
    println!("{}", serde_json::to_string(&out).expect("json"));
    Ok(())
}
