//! Fuzz target on stable Rust (proptest): probing a damaged file never panics, never hangs, and
//! answers with a value — real MP4, WebM, JPEG and PNG files with bytes flipped, spans overwritten
//! and tails cut. 64 cases per container in the suite; `scripts/fuzz.sh` runs many more.

use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use sr_media::fixtures::{self, FixtureVideo, ImageFormat, VideoCodec};

/// The seed files, made once per test run.
fn seeds() -> &'static (tempfile::TempDir, Vec<Vec<u8>>) {
    static SEEDS: OnceLock<(tempfile::TempDir, Vec<Vec<u8>>)> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let short =
            |codec| FixtureVideo { seconds: 0.5, width: 96, height: 64, with_audio: true, codec, ..Default::default() };
        let files: Vec<PathBuf> = vec![
            fixtures::video(dir.path(), "seed.mp4", short(VideoCodec::H264)),
            fixtures::video(dir.path(), "seed.webm", short(VideoCodec::Vp9)),
            fixtures::image(dir.path(), "seed.jpg", 48, 32, ImageFormat::Jpeg),
            fixtures::image(dir.path(), "seed.png", 48, 32, ImageFormat::Png),
        ];
        let bytes = files.iter().map(|p| std::fs::read(p).unwrap()).collect();
        (dir, bytes)
    })
}

#[derive(Debug, Clone)]
enum Damage {
    Flip { at: usize, mask: u8 },
    Overwrite { at: usize, len: usize, byte: u8 },
    Truncate { keep_per_mille: u16 },
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<usize>(), 1..=255u8).prop_map(|(at, mask)| Damage::Flip { at, mask }),
        (any::<usize>(), 1..4096usize, any::<u8>()).prop_map(|(at, len, byte)| Damage::Overwrite { at, len, byte }),
        (0..1000u16).prop_map(|keep_per_mille| Damage::Truncate { keep_per_mille }),
    ]
}

fn apply(mut bytes: Vec<u8>, damages: &[Damage]) -> Vec<u8> {
    for d in damages {
        let n = bytes.len().max(1);
        match *d {
            Damage::Flip { at, mask } => {
                if let Some(b) = bytes.get_mut(at % n) {
                    *b ^= mask;
                }
            }
            Damage::Overwrite { at, len, byte } => {
                let start = at % n;
                let end = (start + len).min(bytes.len());
                bytes[start.min(end)..end].fill(byte);
            }
            Damage::Truncate { keep_per_mille } => bytes.truncate(bytes.len() * keep_per_mille as usize / 1000),
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64), ..ProptestConfig::default() })]

    #[test]
    fn probing_a_damaged_file_never_panics(which in 0..4usize, damages in prop::collection::vec(damage(), 1..5)) {
        let (dir, seeds) = seeds();
        let ext = ["mp4", "webm", "jpg", "png"][which];
        let bytes = apply(seeds[which].clone(), &damages);
        let path = tempfile::Builder::new().suffix(&format!(".{ext}")).tempfile_in(dir.path()).unwrap();
        std::fs::write(path.path(), &bytes).unwrap();
        // Any answer is fine; a panic or a hang is the bug.
        let _ = sr_media::probe(path.path());
    }
}
