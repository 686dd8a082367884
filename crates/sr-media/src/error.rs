//! The one error type of this crate: a case per thing a caller does differently.

use std::io;

use crate::MediaKind;

/// Why a file could not be probed or previewed.
///
/// Callers branch on the variant (skip, retry later, tell the user); the `Display` text is written for a
/// merchandiser: what happened and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The file has zero bytes (often a copy that has not started, or a failed download).
    #[error("This file is empty (0 bytes). Copy or download it again.")]
    Empty,

    /// The file could not be opened or read: missing, a folder, no permission, disk error.
    #[error("This file can't be read ({0}). Check that it still exists and that you are allowed to open it.")]
    Unreadable(#[source] io::Error),

    /// Readable, but not a video, photo or sound file (a text file, random bytes, a document).
    #[error("This doesn't look like a video, photo or sound file.")]
    NotMedia,

    /// Recognised as media, but its contents are damaged and cannot be read. `detail` is libav's or the
    /// image decoder's own message.
    #[error("This {} is damaged and can't be read: {detail}. Export or copy it again.", noun(*.kind))]
    Corrupt { kind: MediaKind, detail: String },

    /// Recognised as media, but the file stops before its end: a copy or download that did not finish.
    #[error("This {} is damaged or incomplete: {detail}. It may still be copying; otherwise copy it again.", noun(*.kind))]
    Truncated { kind: MediaKind, detail: String },

    /// Valid media in a format or codec this build cannot decode (the codec name is given).
    #[error("This file uses a format Stockroom can't open yet ({0}). Convert it to MP4 (H.264), JPEG or PNG.")]
    Unsupported(String),

    /// A sound file has no picture to make a preview from.
    #[error("This sound file has no picture to show as a preview.")]
    NoPicture,

    /// The preview image could not be written to its destination.
    #[error("The preview image couldn't be saved ({0}). Check free disk space and folder permissions.")]
    Output(String),
}

fn noun(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Video => "video",
        MediaKind::Image => "photo",
        MediaKind::Audio => "sound file",
        MediaKind::Other => "file",
    }
}

impl MediaError {
    /// True when trying again later may succeed (the file may still be arriving).
    pub fn may_be_incomplete(&self) -> bool {
        matches!(self, MediaError::Empty | MediaError::Truncated { .. })
    }
}
