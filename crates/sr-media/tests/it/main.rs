//! sr-media integration tests: real files made by the ffmpeg CLI, read back through libav and `image`.

mod bad_input;
mod compare;
mod fuzz;
mod ladder;
mod probe;
mod render;
mod thumbnail;

use std::path::Path;

use sr_media::fixtures::{self, FixtureVideo, VideoCodec};

/// A fresh temporary folder for one test.
pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// A 2-second 320x240 H.264 MP4 with a tone, index at the end or the start.
pub fn h264(dir: &Path, name: &str, faststart: bool) -> std::path::PathBuf {
    fixtures::video(
        dir,
        name,
        FixtureVideo { seconds: 2.0, with_audio: true, faststart, codec: VideoCodec::H264, ..Default::default() },
    )
}

/// A small PNG.
pub fn fixtures_png(dir: &Path) -> std::path::PathBuf {
    fixtures::image(dir, "p.png", 64, 48, fixtures::ImageFormat::Png)
}
