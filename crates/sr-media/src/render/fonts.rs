//! The bundled fonts (see `fonts/README.md`): embedded in the binary and written once per process to a
//! private temporary folder, because libavfilter's `drawtext` loads fonts from files.

use std::path::PathBuf;
use std::sync::OnceLock;

/// A bundled font.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Font {
    #[default]
    DejaVuSans,
    OpenSans,
    Roboto,
}

const DEJAVU: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
const OPEN_SANS: &[u8] = include_bytes!("../../fonts/OpenSans-Regular.ttf");
const ROBOTO: &[u8] = include_bytes!("../../fonts/Roboto-Regular.ttf");

impl Font {
    pub const ALL: [Font; 3] = [Font::DejaVuSans, Font::OpenSans, Font::Roboto];

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Font::DejaVuSans => "DejaVu Sans",
            Font::OpenSans => "Open Sans",
            Font::Roboto => "Roboto",
        }
    }

    /// The font an `ff-` value names, ignoring case, spaces, `_` and `-` (`ff-Open_Sans`, `ff-opensans`).
    pub fn from_name(name: &str) -> Option<Font> {
        let key: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        Font::ALL.into_iter().find(|f| {
            f.name().chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase() == key
        })
    }

    fn bytes(self) -> &'static [u8] {
        match self {
            Font::DejaVuSans => DEJAVU,
            Font::OpenSans => OPEN_SANS,
            Font::Roboto => ROBOTO,
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Font::DejaVuSans => "DejaVuSans.ttf",
            Font::OpenSans => "OpenSans-Regular.ttf",
            Font::Roboto => "Roboto-Regular.ttf",
        }
    }

    /// A file holding the font (written on first use).
    pub fn path(self) -> std::io::Result<PathBuf> {
        static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
        let dir = DIR
            .get_or_init(|| {
                let dir = std::env::temp_dir().join(format!("sr-media-fonts-{}", std::process::id()));
                std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
                for f in Font::ALL {
                    let p = dir.join(f.file_name());
                    let tmp = dir.join(format!(".{}.partial", f.file_name()));
                    std::fs::write(&tmp, f.bytes()).map_err(|e| e.to_string())?;
                    std::fs::rename(&tmp, &p).map_err(|e| e.to_string())?;
                }
                Ok(dir)
            })
            .as_ref()
            .map_err(|e| std::io::Error::other(e.clone()))?;
        Ok(dir.join(self.file_name()))
    }
}
