//! The output: its format and codecs (`f`, `vc`, `ac`) and its size, rounded to even for video.

use sr_imagekit::transform::{AudioCodec, Format, VideoCodec};

use super::planner::Planner;
use super::refusal::PlanError;
use super::types::{Op, OutAudio, OutVideo, OutputFormat, PlanKind};

impl Planner<'_, '_> {
    pub(super) fn output(
        &mut self,
        format: Option<Format>,
        vc: Option<VideoCodec>,
        ac: Option<AudioCodec>,
    ) -> Result<(OutputFormat, Option<OutVideo>, Option<OutAudio>), PlanError> {
        let is_video_input = self.kind == PlanKind::Video;
        let default = self.opts.default_format.filter(|f| f.is_video() == is_video_input);
        let chosen = match format {
            None | Some(Format::Auto) | Some(Format::Orig) => None,
            Some(f) => Some(f),
        };
        let fmt = match (self.kind, chosen) {
            (PlanKind::Thumbnail, _) => OutputFormat::Jpg,
            (PlanKind::Video, None) => default.unwrap_or(OutputFormat::Mp4),
            (PlanKind::Video, Some(Format::Mp4)) => OutputFormat::Mp4,
            (PlanKind::Video, Some(Format::Webm)) => OutputFormat::Webm,
            (PlanKind::Video, Some(f)) => {
                return Err(PlanError::FormatForKind {
                    format: format!("f-{f}"),
                    is: "picture",
                    kind: "video",
                    suggestion: "f-mp4 or f-webm (or the video's thumbnail, ik-thumbnail.jpg, for a picture)".into(),
                });
            }
            (PlanKind::Image, Some(Format::Mp4 | Format::Webm)) => {
                return Err(PlanError::FormatForKind {
                    format: format!("f-{}", chosen.map(|f| f.as_str()).unwrap_or("")),
                    is: "video",
                    kind: "photo",
                    suggestion: "f-jpg, f-png or f-webp".into(),
                });
            }
            (PlanKind::Image, Some(Format::Jpg | Format::Jpeg)) => OutputFormat::Jpg,
            (PlanKind::Image, Some(Format::Png)) => OutputFormat::Png,
            (PlanKind::Image, Some(Format::Webp)) => OutputFormat::Webp,
            (PlanKind::Image, Some(f)) => {
                self.skip(0, format!("f-{f}"), "this format is not previewable locally; previewed as PNG");
                OutputFormat::Png
            }
            (PlanKind::Image, None) => default.unwrap_or(match self.info.container.as_deref() {
                Some("png") => OutputFormat::Png,
                Some("webp") => OutputFormat::Webp,
                _ if self.info.has_alpha => OutputFormat::Png,
                _ => OutputFormat::Jpg,
            }),
        };
        if !fmt.is_video() {
            return Ok((fmt, None, None));
        }
        let webm = fmt == OutputFormat::Webm;
        let fname = if webm { "webm (f-webm)" } else { "mp4 (f-mp4)" };
        let video = match vc {
            None => Some(if webm { OutVideo::Vp9 } else { OutVideo::H264 }),
            Some(VideoCodec::None) => None,
            Some(VideoCodec::H264) if webm => {
                return Err(PlanError::CodecFormat {
                    format: fname.into(),
                    codec: "H.264 (vc-h264)".into(),
                    why: "webm holds VP9 or AV1 video".into(),
                    suggestion: "vc-vp9, or f-mp4 to keep H.264".into(),
                });
            }
            Some(VideoCodec::Vp9 | VideoCodec::Av1) if !webm => {
                return Err(PlanError::CodecFormat {
                    format: fname.into(),
                    codec: format!(
                        "{} (vc-{})",
                        if vc == Some(VideoCodec::Vp9) { "VP9" } else { "AV1" },
                        vc.map(|v| v.as_str()).unwrap_or("")
                    ),
                    why: "mp4 holds H.264 video on the remote".into(),
                    suggestion: format!("vc-h264, or f-webm to keep {}", vc.map(|v| v.as_str()).unwrap_or("")),
                });
            }
            Some(VideoCodec::H264) => Some(OutVideo::H264),
            Some(VideoCodec::Vp9) => Some(OutVideo::Vp9),
            Some(VideoCodec::Av1) => {
                self.skip(0, "vc-av1", "AV1 is not previewable locally; previewed with VP9");
                Some(OutVideo::Vp9)
            }
        };
        let has_sound = self.info.audio_codec.is_some();
        let audio = match ac {
            Some(AudioCodec::None) => None,
            Some(AudioCodec::Aac) if webm => {
                return Err(PlanError::CodecFormat {
                    format: fname.into(),
                    codec: "AAC (ac-aac)".into(),
                    why: "webm holds Opus sound".into(),
                    suggestion: "ac-opus, or f-mp4 to keep AAC".into(),
                });
            }
            Some(AudioCodec::Opus) if !webm => {
                return Err(PlanError::CodecFormat {
                    format: fname.into(),
                    codec: "Opus (ac-opus)".into(),
                    why: "mp4 holds AAC sound".into(),
                    suggestion: "ac-aac, or f-webm to keep Opus".into(),
                });
            }
            _ if !has_sound => None,
            _ => Some(if webm { OutAudio::Opus } else { OutAudio::Aac }),
        };
        if video.is_none() && ac == Some(AudioCodec::None) {
            return Err(PlanError::NothingLeft { suggestion: "remove vc-none or ac-none".into() });
        }
        if video.is_none() && audio.is_none() {
            return Err(PlanError::NoSound { suggestion: "remove vc-none".into() });
        }
        Ok((fmt, video, audio))
    }

    /// H.264/VP9 video needs even sizes: drops the last odd row/column, refuses a picture under 2×2.
    pub(super) fn round_to_even(&mut self, last_step: usize) -> Result<(), PlanError> {
        let (w, h) = self.size;
        let (ew, eh) = (w & !1, h & !1);
        if ew < 2 || eh < 2 {
            return Err(PlanError::Empty {
                step: last_step.max(1),
                param: "w/h".into(),
                detail: format!("{w}×{h} is too small for a video"),
                suggestion: "w-2,h-2 or larger".into(),
            });
        }
        if (ew, eh) != (w, h) {
            self.ops.push(Op::Crop { width: ew, height: eh, x: 0, y: 0 });
            self.notes.push(format!("{w}×{h} rounded down to {ew}×{eh}: H.264/VP9 video needs even sizes"));
            self.size = (ew, eh);
        }
        Ok(())
    }
}
