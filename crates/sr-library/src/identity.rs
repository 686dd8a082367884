//! Content identity: a cheap sampled hash to find candidates, a full hash to confirm.
//!
//! The sampled hash reads at most 3 × 64 KiB whatever the file size, so re-scanning a folder of
//! multi-gigabyte camera files stays fast; the full hash (BLAKE3 over every byte) is the identity
//! that decides "same content" and that the upload queue checks before sending bytes.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

const SAMPLE: u64 = 64 * 1024;
/// Above this size the full hash memory-maps the file and hashes it on the rayon pool.
const MMAP_THRESHOLD: u64 = 16 * 1024 * 1024;

/// BLAKE3 over the size and three 64 KiB windows (start, middle, end). Hex, 32 chars.
pub fn sampled_hash(path: &Path, size: u64) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = blake3::Hasher::new();
    hasher.update(&size.to_le_bytes());
    let mut buf = vec![0u8; SAMPLE as usize];
    let offsets: Vec<u64> = if size <= 3 * SAMPLE { vec![0] } else { vec![0, size / 2 - SAMPLE / 2, size - SAMPLE] };
    for off in offsets {
        file.seek(SeekFrom::Start(off))?;
        let want = if size <= 3 * SAMPLE { size as usize } else { SAMPLE as usize };
        if buf.len() < want {
            buf.resize(want, 0);
        }
        file.read_exact(&mut buf[..want])?;
        hasher.update(&buf[..want]);
    }
    Ok(hasher.finalize().to_hex()[..32].to_string())
}

/// BLAKE3 over every byte. Hex, 64 chars.
pub fn full_hash(path: &Path, size: u64) -> io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    if size >= MMAP_THRESHOLD {
        hasher.update_mmap_rayon(path)?;
    } else {
        let mut file = File::open(path)?;
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
    }
    Ok(hasher.finalize().to_hex().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn sampled_hash_sees_changes_in_sampled_windows_and_full_hash_sees_all() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.bin");
        let b = dir.path().join("b.bin");
        let mut data = vec![7u8; 1_000_000];
        std::fs::File::create(&a).unwrap().write_all(&data).unwrap();
        data[300_000] = 8; // outside every sampled window
        std::fs::File::create(&b).unwrap().write_all(&data).unwrap();
        let n = data.len() as u64;
        assert_eq!(sampled_hash(&a, n).unwrap(), sampled_hash(&b, n).unwrap());
        assert_ne!(full_hash(&a, n).unwrap(), full_hash(&b, n).unwrap());
        data[0] = 9; // inside the first window
        std::fs::File::create(&b).unwrap().write_all(&data).unwrap();
        assert_ne!(sampled_hash(&a, n).unwrap(), sampled_hash(&b, n).unwrap());
    }
}
