use std::io::Cursor;

use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sr_emulator::{EmulatorConfig, EmulatorHandle, start};

pub const PRIVATE: &str = "private_test_key";
pub const PUBLIC: &str = "public_test_key";

pub struct Emu {
    pub handle: EmulatorHandle,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
}

impl Emu {
    pub async fn start() -> Emu {
        let dir = tempfile::tempdir().unwrap();
        Self::start_in(dir).await
    }

    pub async fn start_in(dir: tempfile::TempDir) -> Emu {
        let cfg = EmulatorConfig::with_keys(dir.path(), PRIVATE, PUBLIC);
        Self::start_with(dir, cfg).await
    }

    pub async fn start_with(dir: tempfile::TempDir, cfg: EmulatorConfig) -> Emu {
        let handle = start(cfg, "127.0.0.1:0".parse().unwrap()).await.unwrap();
        Emu { handle, dir, http: reqwest::Client::new() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.handle.base_url(), path)
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(self.url(path)).basic_auth(PRIVATE, Some(""))
    }
    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.post(self.url(path)).basic_auth(PRIVATE, Some(""))
    }
    pub fn patch(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.patch(self.url(path)).basic_auth(PRIVATE, Some(""))
    }
    pub fn put(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.put(self.url(path)).basic_auth(PRIVATE, Some(""))
    }
    pub fn delete(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.delete(self.url(path)).basic_auth(PRIVATE, Some(""))
    }

    /// Server-side upload of `bytes` as `name` with extra string fields; returns (status, body).
    pub async fn upload_raw(&self, name: &str, bytes: Vec<u8>, fields: &[(&str, &str)]) -> (u16, Value) {
        let mut form =
            Form::new().part("file", Part::bytes(bytes).file_name(name.to_string())).text("fileName", name.to_string());
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        let r = self.post("/api/v1/files/upload").multipart(form).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn upload(&self, name: &str, bytes: Vec<u8>, fields: &[(&str, &str)]) -> Value {
        let (status, body) = self.upload_raw(name, bytes, fields).await;
        assert_eq!(status, 200, "upload failed: {body}");
        body
    }

    pub async fn json(&self, rb: reqwest::RequestBuilder) -> (u16, Value) {
        let r = rb.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

/// A real PNG of the given size.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, 255]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

pub const HELP: &str = "For support kindly contact us at support@imagekit.io .";
