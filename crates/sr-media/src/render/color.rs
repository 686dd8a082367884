//! Colours as the filters take them: [`Rgba`], and the colour names libavutil knows. The base of
//! the render modules' colours, so the planner and the filter graph share it without importing
//! each other.

use std::ffi::CString;

use ffmpeg_next::ffi;

/// An RGBA colour (alpha 255 = opaque).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgba(pub [u8; 4]);

impl Rgba {
    pub const BLACK: Rgba = Rgba([0, 0, 0, 255]);
    pub const WHITE: Rgba = Rgba([255, 255, 255, 255]);
    /// libavfilter's colour syntax, `0xRRGGBBAA`.
    pub fn to_av(self) -> String {
        let [r, g, b, a] = self.0;
        format!("0x{r:02X}{g:02X}{b:02X}{a:02X}")
    }
}

/// A colour name as libavutil knows it (`red`, `WhiteSmoke`, ...; case-insensitive).
pub(crate) fn named_color(name: &str) -> Option<Rgba> {
    crate::av::init();
    let c = CString::new(name).ok()?;
    let mut out = [0u8; 4];
    // SAFETY: out has room for the 4 bytes av_parse_color writes; c is NUL-terminated.
    let r = unsafe { ffi::av_parse_color(out.as_mut_ptr(), c.as_ptr(), -1, std::ptr::null_mut()) };
    (r >= 0).then_some(Rgba(out))
}
