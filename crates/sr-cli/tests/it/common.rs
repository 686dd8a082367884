//! Helpers for driving the real `stockroom` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_stockroom"))
}

/// Runs `stockroom --library LIB ARGS...`, returning the output (never panics on failure).
pub fn run(lib: &Path, args: &[&str]) -> Output {
    run_with(lib, args, &[], None)
}

pub fn run_with(lib: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(bin());
    cmd.arg("--library").arg(lib).args(args);
    cmd.env_remove("STOCKROOM_PRIVATE_KEY").env_remove("STOCKROOM_LIBRARY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("stockroom runs");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    child.wait_with_output().expect("stockroom finishes")
}

/// Runs and parses stdout as JSON, panicking with stderr when it fails.
pub fn json(lib: &Path, args: &[&str]) -> serde_json::Value {
    let out = run(lib, args);
    assert!(out.status.success(), "stockroom {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("stockroom {args:?} printed no JSON ({e}): {}", String::from_utf8_lossy(&out.stdout))
    })
}

/// A running `stockroom emulator` child, killed on drop.
pub struct Emulator {
    child: std::process::Child,
    pub base_url: String,
}

impl Emulator {
    pub fn start(data: &Path, private_key: &str, public_key: &str) -> Emulator {
        use std::io::BufRead;
        let mut child = Command::new(bin())
            .args(["emulator", "--bind", "127.0.0.1:0", "--data"])
            .arg(data)
            .args(["--private-key", private_key, "--public-key", public_key])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("emulator starts");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let base_url = line.trim().to_owned();
        assert!(base_url.starts_with("http://127.0.0.1:"), "emulator printed its base URL: {base_url:?}");
        Emulator { child, base_url }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
