//! Upload API v1 and v2 (spec §2, §3). The file part is streamed to `tmp/` chunk by chunk, never
//! held in memory, and renamed into `blobs/` when its record is committed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Map, Value, json};
use tokio::io::AsyncWriteExt;

use crate::error::{ApiError, ApiResult};
use crate::ik;
use crate::sniff::{self, Sniffed};
use crate::state::AppState;
use crate::store::{self, FileRow, VersionRec, new_id, now_iso};

pub const EXPIRE_MSG: &str = "Your request contains invalid expire parameter. Expire parameter should be a Unix time in less than 1 hour into the future.";
pub const EXISTS_MSG: &str = "A file with the same name already exists at the exact location. We could not overwrite it because both overwriteFile and useUniqueFileName are set to false.";
pub const CHECKS_SYNTAX_MSG: &str = "Your request contains invalid syntax for the checks parameter.";
const RESPONSE_FIELDS: &[&str] = &[
    "tags",
    "customCoordinates",
    "isPrivateFile",
    "embeddedMetadata",
    "isPublished",
    "customMetadata",
    "metadata",
    "selectedFieldsSchema",
];
pub const MAX_VERSIONS: usize = 100;

/// A temp file removed on drop unless it was moved into the library.
struct TempFile {
    path: PathBuf,
    size: u64,
    keep: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

struct Form {
    fields: BTreeMap<String, String>,
    file: Option<TempFile>,
    /// The client's file name for the binary part.
    part_name: Option<String>,
}

pub async fn upload_v1(State(s): State<AppState>, req: Request) -> Response {
    logged(upload(s, req, false).await)
}

pub async fn upload_v2(State(s): State<AppState>, req: Request) -> Response {
    logged(upload(s, req, true).await)
}

/// Puts the upload's form fields (the file, signature and token left out) in the response's
/// extensions, where the request log finds them.
fn logged((fields, result): (Option<Value>, ApiResult<Response>)) -> Response {
    let mut resp = result.unwrap_or_else(IntoResponse::into_response);
    if let Some(f) = fields {
        resp.extensions_mut().insert(crate::reqlog::LoggedBody(f));
    }
    resp
}

fn loggable(fields: &BTreeMap<String, String>) -> Value {
    const SECRET: &[&str] = &["signature", "token", "expire", "publicKey"];
    Value::Object(
        fields.iter().filter(|(k, _)| !SECRET.contains(&k.as_str())).map(|(k, v)| (k.clone(), json!(v))).collect(),
    )
}

fn too_big(s: &AppState, video: bool) -> ApiError {
    let (limit, what) =
        if video { (s.cfg.limits.max_video_bytes, "videos") } else { (s.cfg.limits.max_file_bytes, "files") };
    ApiError::bad(format!(
        "File size exceeds the maximum upload size of your plan ({} MB for {what}). Upload a smaller file or upgrade the plan.",
        limit / (1024 * 1024)
    ))
}

fn looks_video(name: &str) -> bool {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    matches!(ext.as_str(), "mp4" | "mov" | "webm" | "mkv" | "m4v" | "avi" | "ts" | "mpeg" | "mpg" | "ogv")
}

async fn read_form(s: &AppState, req: Request) -> ApiResult<Form> {
    let mut mp = Multipart::from_request(req, &())
        .await
        .map_err(|e| ApiError::bad(format!("The upload must be sent as multipart/form-data: {e}")))?;
    let mut form = Form { fields: BTreeMap::new(), file: None, part_name: None };
    let broken = |e: axum::extract::multipart::MultipartError| {
        ApiError::bad(format!("The upload body could not be read ({e}). Send it again."))
    };
    while let Some(mut field) = mp.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" && field.file_name().is_some() {
            let part_name = field.file_name().unwrap_or("").to_string();
            let mut tmp = TempFile { path: s.store.temp_path(), size: 0, keep: false };
            let mut out = tokio::fs::File::create(&tmp.path).await?;
            let mut limit: Option<(u64, bool)> = None;
            while let Some(chunk) = field.chunk().await.map_err(broken)? {
                let (max, video) = *limit.get_or_insert_with(|| {
                    let video = infer::get(&chunk).map(|t| sniff::is_video_mime(t.mime_type())).unwrap_or(false)
                        || looks_video(&part_name);
                    (if video { s.cfg.limits.max_video_bytes } else { s.cfg.limits.max_file_bytes }, video)
                });
                tmp.size += chunk.len() as u64;
                if tmp.size > max {
                    return Err(too_big(s, video));
                }
                out.write_all(&chunk).await?;
            }
            out.flush().await?;
            out.sync_data().await.ok();
            form.part_name = Some(part_name);
            form.file = Some(tmp);
        } else {
            let text = field.text().await.map_err(broken)?;
            if name == "file" {
                form.file = Some(file_from_text(s, &text).await?);
            } else {
                form.fields.insert(name, text);
            }
        }
    }
    Ok(form)
}

/// `file` sent as a string: base64, a `data:` URI, or a URL.
async fn file_from_text(s: &AppState, text: &str) -> ApiResult<TempFile> {
    let t = text.trim();
    if t.starts_with("http://") || t.starts_with("https://") {
        return Err(ApiError::bad(
            "The Sandbox cannot download files from a URL. Upload the file itself (binary or base64).",
        ));
    }
    let b64 =
        if let Some(rest) = t.strip_prefix("data:") { rest.split_once(',').map(|(_, d)| d).unwrap_or("") } else { t };
    let cleaned: String = b64.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(cleaned.as_bytes())
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(cleaned.as_bytes()))
        .map_err(|_| ApiError::bad("The file parameter is neither a binary file, a base64 string nor a URL."))?;
    let video = infer::get(&bytes).map(|t| sniff::is_video_mime(t.mime_type())).unwrap_or(false);
    let max = if video { s.cfg.limits.max_video_bytes } else { s.cfg.limits.max_file_bytes };
    if bytes.len() as u64 > max {
        return Err(too_big(s, video));
    }
    let tmp = TempFile { path: s.store.temp_path(), size: bytes.len() as u64, keep: false };
    tokio::fs::write(&tmp.path, &bytes).await?;
    Ok(tmp)
}

fn auth_error() -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "Your account cannot be authenticated.")
}

fn authenticate(s: &AppState, headers: &HeaderMap, fields: &BTreeMap<String, String>, v2: bool) -> ApiResult<()> {
    if headers.contains_key(axum::http::header::AUTHORIZATION) {
        return s.check_basic(headers);
    }
    if v2 {
        return authenticate_jwt(s, fields);
    }
    let Some(public_key) = fields.get("publicKey") else {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "Your request does not contain private API key."));
    };
    if *public_key != s.cfg.public_key {
        return Err(auth_error());
    }
    let now = chrono::Utc::now().timestamp();
    let expire_s = fields.get("expire").map(String::as_str).unwrap_or("");
    let expire: i64 = expire_s.trim().parse().map_err(|_| ApiError::bad(EXPIRE_MSG))?;
    if expire <= now || expire > now + 3600 {
        return Err(ApiError::bad(EXPIRE_MSG));
    }
    let token = fields.get("token").map(String::as_str).unwrap_or("");
    if token.is_empty() {
        return Err(ApiError::bad("Missing token parameter. Send a one-time random token (a v4 UUID)."));
    }
    let expected = sr_imagekit::signing::hmac_sha1_hex(&s.cfg.private_key, &format!("{token}{expire_s}"));
    if fields.get("signature").map(|v| v.to_ascii_lowercase()) != Some(expected) {
        return Err(ApiError::bad(
            "Invalid signature. The signature must be HMAC-SHA1 of token + expire keyed with your private key.",
        ));
    }
    consume_token(s, token)
}

fn consume_token(s: &AppState, token: &str) -> ApiResult<()> {
    let fresh = store::use_token(&s.store.lock(), token)?;
    if !fresh {
        return Err(ApiError::bad(format!(
            "The token with value '{token}' has been used before. We suggest using V4 UUIDs, or another random string with enough entropy to avoid collisions."
        )));
    }
    Ok(())
}

fn authenticate_jwt(s: &AppState, fields: &BTreeMap<String, String>) -> ApiResult<()> {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
    let Some(token) = fields.get("token") else {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "Your request does not contain private API key."));
    };
    let bad = |why: &str| ApiError::bad(format!("Invalid token: {why}."));
    let header = decode_header(token).map_err(|_| bad("it is not a JWT"))?;
    if header.alg != Algorithm::HS256 {
        return Err(bad("the algorithm must be HS256"));
    }
    if header.kid.as_deref() != Some(s.cfg.public_key.as_str()) {
        return Err(auth_error());
    }
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.set_required_spec_claims(&["exp", "iat"]);
    let data =
        decode::<Map<String, Value>>(token, &DecodingKey::from_secret(s.cfg.private_key.as_bytes()), &validation)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => bad("it has expired"),
                jsonwebtoken::errors::ErrorKind::InvalidSignature => bad("the signature does not match"),
                _ => bad("its claims are invalid"),
            })?;
    let claims = data.claims;
    let iat = claims.get("iat").and_then(Value::as_i64).unwrap_or(0);
    let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
    if exp - iat > 3600 {
        return Err(bad("exp - iat must not exceed 3600 seconds"));
    }
    let signed: BTreeMap<&str, String> = claims
        .iter()
        .filter(|(k, _)| *k != "iat" && *k != "exp")
        .map(|(k, v)| (k.as_str(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))
        .collect();
    let sent: BTreeMap<&str, String> =
        fields.iter().filter(|(k, _)| *k != "token" && *k != "file").map(|(k, v)| (k.as_str(), v.clone())).collect();
    if signed != sent {
        let diff = signed
            .keys()
            .chain(sent.keys())
            .find(|k| signed.get(*k) != sent.get(*k))
            .map(|k| k.to_string())
            .unwrap_or_default();
        return Err(ApiError::bad(format!(
            "The upload's form fields do not match the token's payload (field {diff}). Sign exactly the fields you send."
        )));
    }
    consume_token(s, token)
}

pub fn parse_bool(fields: &BTreeMap<String, String>, key: &str, default: bool) -> ApiResult<bool> {
    match fields.get(key).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if v.is_empty() => Ok(default),
        Some(v) if v == "true" => Ok(true),
        Some(v) if v == "false" => Ok(false),
        Some(_) => {
            Err(ApiError::bad(format!("Your request contains invalid value for {key} parameter. Use true or false.")))
        }
    }
}

pub fn valid_coordinates(c: &str) -> bool {
    let parts: Vec<&str> = c.split(',').collect();
    parts.len() == 4 && parts.iter().all(|p| p.trim().parse::<u64>().is_ok())
}

/// Validation of the `transformation` parameter with the SDKs' messages (spec §2.5).
pub fn validate_transformation(raw: &str) -> ApiResult<()> {
    let v: Value = serde_json::from_str(raw)
        .map_err(|_| ApiError::bad("Invalid transformation parameter. Please include at least pre, post, or both."))?;
    let obj = v.as_object().ok_or_else(|| {
        ApiError::bad("Invalid transformation parameter. Please include at least pre, post, or both.")
    })?;
    let pre = obj.get("pre");
    let post = obj.get("post");
    if pre.is_none() && post.is_none() {
        return Err(ApiError::bad("Invalid transformation parameter. Please include at least pre, post, or both."));
    }
    if let Some(p) = pre
        && p.as_str().map(str::trim).unwrap_or("").is_empty()
    {
        return Err(ApiError::bad("Invalid pre transformation parameter."));
    }
    if let Some(p) = post {
        let bad = || ApiError::bad("Invalid post transformation parameter.");
        let items = p.as_array().ok_or_else(bad)?;
        for it in items {
            let ty = it.get("type").and_then(Value::as_str).ok_or_else(bad)?;
            let value = it.get("value").and_then(Value::as_str).filter(|s| !s.is_empty());
            match ty {
                "transformation" if value.is_none() => return Err(bad()),
                "abs" => {
                    let proto = it.get("protocol").and_then(Value::as_str);
                    if value.is_none() || !matches!(proto, Some("hls" | "dash")) {
                        return Err(bad());
                    }
                }
                "transformation" | "gif-to-video" | "thumbnail" => {}
                _ => return Err(bad()),
            }
        }
    }
    Ok(())
}

/// The `checks` parameter: `"key" op "value"` conditions joined with AND / OR.
/// Keys: `request.folder`, `request.fileName`, `request.useUniqueFileName`, `request.tags`, `file.size`,
/// `file.mime`. Operators: `:` (begins with), `=`, `!=`, `<`, `<=`, `>`, `>=`.
pub fn evaluate_checks(expr: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<bool, ()> {
    let toks = tokenize_checks(expr)?;
    let mut i = 0;
    let mut result: Option<bool> = None;
    let mut pending_op: Option<String> = None;
    while i < toks.len() {
        let (key, op, val) = match (toks.get(i), toks.get(i + 1), toks.get(i + 2)) {
            (Some(CTok::Str(k)), Some(CTok::Op(o)), Some(CTok::Str(v))) => (k, o, v),
            _ => return Err(()),
        };
        i += 3;
        let actual = lookup(key).ok_or(())?;
        let ok = compare_check(key, &actual, op, val)?;
        result = Some(match (result, pending_op.as_deref()) {
            (None, _) => ok,
            (Some(r), Some("AND")) => r && ok,
            (Some(r), Some("OR")) => r || ok,
            _ => return Err(()),
        });
        match toks.get(i) {
            None => break,
            Some(CTok::Word(w)) if w == "AND" || w == "OR" => {
                pending_op = Some(w.clone());
                i += 1;
                if i >= toks.len() {
                    return Err(());
                }
            }
            _ => return Err(()),
        }
    }
    result.ok_or(())
}

enum CTok {
    Str(String),
    Op(String),
    Word(String),
}

fn tokenize_checks(s: &str) -> Result<Vec<CTok>, ()> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '\'' {
            let end = chars[i + 1..].iter().position(|&x| x == c).ok_or(())? + i + 1;
            out.push(CTok::Str(chars[i + 1..end].iter().collect()));
            i = end + 1;
        } else if "<>=:!".contains(c) {
            let mut op = c.to_string();
            if chars.get(i + 1) == Some(&'=') {
                op.push('=');
                i += 1;
            }
            if op == "!" {
                return Err(());
            }
            out.push(CTok::Op(op));
            i += 1;
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            let w: String = chars[start..i].iter().collect::<String>().to_ascii_uppercase();
            if w != "AND" && w != "OR" {
                return Err(());
            }
            out.push(CTok::Word(w));
        } else {
            return Err(());
        }
    }
    Ok(out)
}

fn parse_size(s: &str) -> Option<f64> {
    let t = s.trim().to_ascii_lowercase();
    let (num, mul) = if let Some(n) = t.strip_suffix("gb") {
        (n, 1024.0 * 1024.0 * 1024.0)
    } else if let Some(n) = t.strip_suffix("mb") {
        (n, 1024.0 * 1024.0)
    } else if let Some(n) = t.strip_suffix("kb") {
        (n, 1024.0)
    } else if let Some(n) = t.strip_suffix('b') {
        (n, 1.0)
    } else {
        (t.as_str(), 1.0)
    };
    num.trim().parse::<f64>().ok().map(|n| n * mul)
}

fn compare_check(key: &str, actual: &str, op: &str, expected: &str) -> Result<bool, ()> {
    if key == "file.size" {
        let a = parse_size(actual).ok_or(())?;
        let e = parse_size(expected).ok_or(())?;
        return Ok(match op {
            "<" => a < e,
            "<=" => a <= e,
            ">" => a > e,
            ">=" => a >= e,
            "=" | ":" => a == e,
            "!=" => a != e,
            _ => return Err(()),
        });
    }
    let norm = |s: &str| {
        if key == "request.folder" { s.trim_matches('/').to_string() } else { s.to_string() }
    };
    let (a, e) = (norm(actual), norm(expected));
    Ok(match op {
        ":" => a.starts_with(&e),
        "=" => a == e,
        "!=" => a != e,
        _ => return Err(()),
    })
}

struct Parsed {
    file_name: String,
    use_unique: bool,
    tags: Option<Vec<String>>,
    folder: String,
    is_private: bool,
    is_published: bool,
    custom_coordinates: Option<String>,
    response_fields: Vec<String>,
    extensions: Option<Vec<Value>>,
    overwrite_file: bool,
    overwrite_ai_tags: bool,
    overwrite_tags: bool,
    overwrite_custom_metadata: bool,
    custom_metadata: Option<Map<String, Value>>,
    description: Option<String>,
}

fn parse_fields(fields: &BTreeMap<String, String>) -> ApiResult<Parsed> {
    let file_name = fields
        .get("fileName")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::bad("Missing fileName parameter for upload"))?;
    let tags = fields.get("tags").map(|t| ik::split_tags(t));
    if let Some(t) = &tags {
        ik::validate_tags(t).map_err(ApiError::bad)?;
    }
    let folder =
        ik::normalize_folder(fields.get("folder").map(String::as_str).unwrap_or("/")).map_err(ApiError::bad)?;
    let custom_coordinates = match fields.get("customCoordinates").map(|s| s.trim()) {
        None | Some("") => None,
        Some(c) if valid_coordinates(c) => Some(c.replace(' ', "")),
        Some(_) => {
            return Err(ApiError::bad(
                "Invalid customCoordinates parameter. Send four whole numbers: x,y,width,height (e.g. 10,10,100,100).",
            ));
        }
    };
    let response_fields: Vec<String> = fields.get("responseFields").map(|s| ik::split_tags(s)).unwrap_or_default();
    if let Some(bad) = response_fields.iter().find(|f| !RESPONSE_FIELDS.contains(&f.as_str())) {
        return Err(ApiError::bad(format!(
            "Invalid responseFields parameter: {bad} is not one of {}.",
            RESPONSE_FIELDS.join(", ")
        )));
    }
    let extensions = match fields.get("extensions") {
        None => None,
        Some(s) => Some(
            serde_json::from_str::<Value>(s)
                .ok()
                .and_then(|v| v.as_array().cloned())
                .ok_or_else(|| ApiError::bad("Invalid extensions parameter. Send a JSON array of extensions."))?,
        ),
    };
    if let Some(exts) = &extensions {
        for e in exts {
            if e.get("name").and_then(Value::as_str).is_none() {
                return Err(ApiError::bad("Invalid extensions parameter. Every extension needs a name."));
            }
        }
    }
    let custom_metadata = match fields.get("customMetadata") {
        None => None,
        Some(s) => {
            Some(serde_json::from_str::<Value>(s).ok().and_then(|v| v.as_object().cloned()).ok_or_else(|| {
                ApiError::bad("Invalid customMetadata parameter. Send a JSON object such as {\"brand\":\"Nike\"}.")
            })?)
        }
    };
    if let Some(t) = fields.get("transformation") {
        validate_transformation(t)?;
    }
    Ok(Parsed {
        file_name: file_name.to_string(),
        use_unique: parse_bool(fields, "useUniqueFileName", true)?,
        tags,
        folder,
        is_private: parse_bool(fields, "isPrivateFile", false)?,
        is_published: parse_bool(fields, "isPublished", true)?,
        custom_coordinates,
        response_fields,
        extensions,
        overwrite_file: parse_bool(fields, "overwriteFile", true)?,
        overwrite_ai_tags: parse_bool(fields, "overwriteAITags", true)?,
        overwrite_tags: parse_bool(fields, "overwriteTags", true)?,
        overwrite_custom_metadata: parse_bool(fields, "overwriteCustomMetadata", true)?,
        custom_metadata,
        description: fields.get("description").cloned(),
    })
}

/// Extension outcome: auto-tagging "succeeds" with no tags (the Sandbox has no AI); the others fail.
pub fn extension_status(exts: &[Value]) -> Map<String, Value> {
    exts.iter()
        .filter_map(|e| e.get("name").and_then(Value::as_str))
        .map(|n| {
            let st = match n {
                "google-auto-tagging" | "aws-auto-tagging" => "success",
                _ => "failed",
            };
            (n.to_string(), json!(st))
        })
        .collect()
}

async fn upload(s: AppState, req: Request, v2: bool) -> (Option<Value>, ApiResult<Response>) {
    let headers = req.headers().clone();
    let request_id = req.extensions().get::<crate::server::RequestId>().map(|r| r.0.clone()).unwrap_or_default();
    let form = match read_form(&s, req).await {
        Ok(f) => f,
        Err(e) => return (None, Err(e)),
    };
    let fields = loggable(&form.fields);
    (Some(fields), store_upload(s, headers, form, v2, request_id).await)
}

async fn store_upload(
    s: AppState,
    headers: HeaderMap,
    mut form: Form,
    v2: bool,
    request_id: String,
) -> ApiResult<Response> {
    authenticate(&s, &headers, &form.fields, v2)?;
    let Some(mut tmp) = form.file.take() else {
        return Err(ApiError::bad("Missing file parameter for upload"));
    };
    let p = parse_fields(&form.fields)?;
    let clean_name = ik::sanitize_file_name(&p.file_name);
    let tmp_path = tmp.path.clone();
    let name_for_sniff = clean_name.clone();
    let sn: Sniffed = tokio::task::spawn_blocking(move || sniff::sniff(&tmp_path, &name_for_sniff))
        .await
        .map_err(ApiError::internal)?;
    let video = sniff::is_video_mime(&sn.mime);
    let max = if video { s.cfg.limits.max_video_bytes } else { s.cfg.limits.max_file_bytes };
    if tmp.size > max {
        return Err(too_big(&s, video));
    }
    if let Some(expr) = form.fields.get("checks").filter(|c| !c.trim().is_empty()) {
        let lookup = |k: &str| -> Option<String> {
            Some(match k {
                "request.folder" => p.folder.clone(),
                "request.fileName" => p.file_name.clone(),
                "request.useUniqueFileName" => p.use_unique.to_string(),
                "request.tags" => p.tags.clone().unwrap_or_default().join(","),
                "file.size" => tmp.size.to_string(),
                "file.mime" => sn.mime.clone(),
                _ => return None,
            })
        };
        match evaluate_checks(expr, &lookup) {
            Err(()) => return Err(ApiError::bad(CHECKS_SYNTAX_MSG)),
            Ok(false) => {
                return Err(ApiError::bad(format!("The file did not pass the upload checks ({expr}).")));
            }
            Ok(true) => {}
        }
    }

    // Post-transformations: what each means for this file, before anything is stored.
    let post_items = crate::post::items(form.fields.get("transformation"));
    if !post_items.is_empty() {
        let probe_path = tmp.path.clone();
        let info = tokio::task::spawn_blocking(move || sr_media::probe(&probe_path).ok()).await.ok().flatten();
        crate::post::check(&s, &post_items, info.as_ref(), sn.mime == "image/gif")?;
    }

    let now = now_iso();
    let ext_status = p.extensions.as_deref().map(extension_status);
    let ai_from_ext =
        ext_status.as_ref().is_some_and(|m| m.keys().any(|k| k == "google-auto-tagging" || k == "aws-auto-tagging"));

    let (file, version) = {
        let mut conn = s.store.lock();
        let tx = store::begin(&mut conn)?;
        store::ensure_folder(&tx, &p.folder)?;
        let fields = store::all_fields(&tx)?;
        let mut name = if p.use_unique { ik::with_unique_suffix(&clean_name) } else { clean_name.clone() };
        while p.use_unique && store::get_file_at(&tx, &p.folder, &name)?.is_some() {
            name = ik::with_unique_suffix(&clean_name);
        }
        let existing = store::get_file_at(&tx, &p.folder, &name)?;
        let (file, prev, number) = match existing {
            Some(f) => {
                if !p.overwrite_file {
                    return Err(ApiError::bad(EXISTS_MSG));
                }
                let versions = store::versions_of(&tx, &f.file_id)?;
                if versions.len() >= MAX_VERSIONS {
                    return Err(ApiError::bad(format!(
                        "{} already has {MAX_VERSIONS} versions, the maximum. Delete old versions before uploading a new one.",
                        f.path()
                    )));
                }
                let prev = store::get_version(&tx, &f.current)?;
                let number = versions.iter().map(|v| v.number).max().unwrap_or(0) + 1;
                (f, prev, number)
            }
            None => {
                let id = new_id();
                let f = FileRow {
                    file_id: id.clone(),
                    folder: p.folder.clone(),
                    name: name.clone(),
                    current: id,
                    created_at: now.clone(),
                    seq: store::next_seq(&tx)?,
                };
                store::insert_file(&tx, &f)?;
                (f, None, 1)
            }
        };
        let base_metadata = match (&prev, p.overwrite_custom_metadata || p.custom_metadata.is_some()) {
            (Some(pv), false) => pv.custom_metadata.clone(),
            _ => Map::new(),
        };
        let custom_metadata =
            crate::meta::apply(&fields, &base_metadata, p.custom_metadata.as_ref().unwrap_or(&Map::new()), true)?;
        let tags = match (&p.tags, &prev) {
            (Some(t), _) => Some(t.clone()).filter(|t| !t.is_empty()),
            (None, Some(pv)) if !p.overwrite_tags => pv.tags.clone(),
            _ => None,
        };
        let ai_tags = match &prev {
            Some(pv) if !p.overwrite_ai_tags => pv.ai_tags.clone(),
            _ if ai_from_ext => Some(vec![]),
            _ => None,
        };
        let version_id = if number == 1 { file.file_id.clone() } else { new_id() };
        let v = VersionRec {
            version_id: version_id.clone(),
            file_id: file.file_id.clone(),
            number,
            size: tmp.size,
            mime: sn.mime.clone(),
            file_type: sn.file_type.clone(),
            format: sn.format.clone(),
            width: sn.width,
            height: sn.height,
            has_alpha: sn.has_alpha,
            duration: sn.duration,
            bit_rate: sn.bit_rate,
            video_codec: sn.video_codec.clone(),
            audio_codec: sn.audio_codec.clone(),
            tags,
            ai_tags,
            custom_metadata,
            custom_coordinates: p.custom_coordinates.clone().filter(|_| sn.file_type == "image"),
            is_private: p.is_private,
            is_published: p.is_published,
            description: p.description.clone(),
            created_at: now.clone(),
            updated_at: now.clone(),
            blob: version_id.clone(),
        };
        let dest = s.store.blob_path(&v.blob);
        std::fs::rename(&tmp.path, &dest)?;
        tmp.keep = true;
        store::put_version(&tx, &v)?;
        store::set_current(&tx, &file.file_id, &version_id)?;
        if let Err(e) = tx.commit() {
            let _ = std::fs::remove_file(&dest);
            return Err(e.into());
        }
        let mut file = file;
        file.current = version_id;
        (file, v)
    };

    crate::post::run(&s, &file, &version, post_items, request_id);
    let obj = s.file_object(&file, &version);
    let mut out = Map::new();
    for k in ["fileId", "name", "size", "versionInfo", "filePath", "url", "fileType", "height", "width"] {
        if let Some(v) = obj.get(k) {
            out.insert(k.to_string(), v.clone());
        }
    }
    out.insert("thumbnailUrl".into(), obj["thumbnail"].clone());
    out.insert("AITags".into(), obj["AITags"].clone());
    for k in ["description", "duration", "bitRate", "videoCodec", "audioCodec"] {
        if let Some(v) = obj.get(k) {
            out.insert(k.to_string(), v.clone());
        }
    }
    for f in &p.response_fields {
        let v = match f.as_str() {
            "metadata" => s.metadata_object(&version),
            "selectedFieldsSchema" => json!({}),
            "embeddedMetadata" => json!({}),
            other => obj.get(other).cloned().unwrap_or(Value::Null),
        };
        out.insert(f.clone(), v);
    }
    if let Some(st) = ext_status {
        out.insert("extensionStatus".into(), Value::Object(st));
    }
    Ok(axum::Json(Value::Object(out)).into_response())
}
