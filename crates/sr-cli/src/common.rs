//! What the command modules share, so each says only what its commands do: output as `--json` or
//! text, the async runtime for the façade's async calls, and `KEY=JSON` pairs.

use serde::Serialize;
use serde_json::{Map, Value};
use sr_api::{ApiError, ErrorCode};

/// Pretty JSON of `v` on stdout.
pub fn print_json<T: Serialize + ?Sized>(v: &T) -> Result<(), ApiError> {
    let out = serde_json::to_string_pretty(v).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    println!("{out}");
    Ok(())
}

/// `v` as JSON with `--json`, else as the text `text` prints.
pub fn emit<T: Serialize + ?Sized>(json: bool, v: &T, text: impl FnOnce(&T)) -> Result<(), ApiError> {
    if json {
        return print_json(v);
    }
    text(v);
    Ok(())
}

/// A runtime for one command's async façade calls.
pub fn runtime() -> Result<tokio::runtime::Runtime, ApiError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("Could not start the async runtime: {e}")))
}

/// `price=59.9 colour='"red"' note=plain`: each value is JSON; text that is not JSON is taken as text.
pub fn parse_pairs(pairs: &[String]) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::new();
    for p in pairs {
        let Some((k, v)) = p.split_once('=') else {
            return Err(ApiError::invalid(format!(
                "\"{p}\" is not KEY=VALUE; write e.g. price=59.9 or colour='\"red\"'."
            )));
        };
        let value = serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.to_owned()));
        out.insert(k.trim().to_owned(), value);
    }
    Ok(out)
}
