//! Thumbnails and frames.
use std::path::Path;

use crate::MediaError;

/// Size of a written thumbnail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThumbInfo {
    pub width: u32,
    pub height: u32,
}

pub fn thumbnail(_path: &Path, _out: &Path, _max_edge: u32) -> Result<ThumbInfo, MediaError> {
    Err(MediaError::NoPicture)
}

pub fn frame_at(_path: &Path, _t_s: f64, _max_edge: u32) -> Result<image::RgbImage, MediaError> {
    Err(MediaError::NoPicture)
}
