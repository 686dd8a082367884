//! Post-transformations an upload asks for (spec §2.5: a streaming ladder `abs`, extra versions
//! `transformation`, `thumbnail`, `gif-to-video`), checked offline before anything is queued: the
//! remote accepts them at upload time and fails them later, where a person would never see why.
//!
//! Each refusal says what is wrong and the nearest valid setting: a ladder on a photo, an `sr-`
//! list with a rendition the remote does not make (the nearest ones instead), `w`/`h`/`ar`/`f`/
//! `vc`/`ac`/`q` on a ladder (the ladder `tr` without them, as [`crate::ladder_tr`] writes it), a
//! thumbnail of a photo, a version the planner refuses for this file (its own message). The
//! asset's size, duration and codecs come from the library, so the file need not be at hand.

use sr_imagekit::transform::{Item, Transformation};
use sr_library::{Asset, AssetKind, PostTransform};
use sr_media::render::{self, PlanOptions};
use sr_media::{MediaInfo, MediaKind};

use crate::dto_uploads::PostTransformation;
use crate::{ApiError, Stockroom};

/// The renditions the remote makes (`sr-…`), spec §10.4.
pub(crate) const RUNGS: [u32; 7] = [240, 360, 480, 720, 1080, 1440, 2160];
/// What the remote refuses on a ladder's URL.
const LADDER_REFUSED: [&str; 7] = ["w", "h", "ar", "f", "vc", "ac", "q"];

fn kind_word(a: &Asset) -> &'static str {
    match a.kind {
        AssetKind::Video => "a video",
        AssetKind::Image => "a photo",
        AssetKind::Audio => "a sound file",
        AssetKind::Other => "not a media file",
    }
}

/// What the planner needs of the asset, from the library's row (no file read).
fn media_info(a: &Asset) -> Option<MediaInfo> {
    let kind = match a.kind {
        AssetKind::Video => MediaKind::Video,
        AssetKind::Image => MediaKind::Image,
        AssetKind::Audio => MediaKind::Audio,
        AssetKind::Other => return None,
    };
    if kind != MediaKind::Audio && (a.width.is_none() || a.height.is_none()) {
        return None;
    }
    Some(MediaInfo {
        kind,
        container: a.container.clone(),
        video_codec: a.video_codec.clone(),
        audio_codec: a.audio_codec.clone(),
        width: a.width,
        height: a.height,
        rotation_deg: a.rotation,
        duration_s: a.duration_s,
        frame_rate: a.frame_rate,
        bit_rate: a.bit_rate,
        has_alpha: false,
    })
}

/// The valid rendition nearest to `v`.
fn nearest_rung(v: u32) -> u32 {
    RUNGS.iter().copied().min_by_key(|r| r.abs_diff(v)).unwrap_or(720)
}

fn sr_text(rungs: &[u32]) -> String {
    format!("sr-{}", rungs.iter().map(u32::to_string).collect::<Vec<_>>().join("_"))
}

fn list(v: &[String]) -> String {
    match v {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The `sr` values of a ladder's `tr` as written (the last `sr` wins, as the remote reads it).
fn sr_values(tr: &Transformation) -> Option<Vec<String>> {
    tr.steps().iter().rev().find_map(|s| s.value("sr")).map(|v| v.split('_').map(str::to_owned).collect())
}

fn check_abs(a: &Asset, value: Option<&str>, protocol: Option<&str>) -> Result<(), String> {
    if a.kind != AssetKind::Video {
        return Err(format!(
            "{} is {}, and a streaming ladder (HLS/DASH) is made from videos only. Remove the streaming \
             ladder; for another size of it, ask for an extra version instead, such as w-1200.",
            a.name,
            kind_word(a)
        ));
    }
    if !matches!(protocol, Some("hls" | "dash")) {
        return Err(format!(
            "The streaming ladder of {} needs its protocol, hls or dash (e.g. hls:240_360_720).",
            a.name
        ));
    }
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Err(format!(
            "The streaming ladder of {} needs its renditions; the nearest valid setting is sr-240_360_480_720_1080.",
            a.name
        ));
    };
    let tr = Transformation::parse(value);
    let Some(values) = sr_values(&tr) else {
        return Err(format!(
            "The streaming ladder {value} of {} lists no renditions; add sr-240_360_480_720_1080 (any of 240, \
             360, 480, 720, 1080, 1440, 2160).",
            a.name
        ));
    };
    let (good, bad): (Vec<&String>, Vec<&String>) = values
        .iter()
        .partition(|v| v.parse::<u32>().is_ok_and(|n| RUNGS.contains(&n) && v.bytes().all(|b| b.is_ascii_digit())));
    if !bad.is_empty() {
        let mut nearest: Vec<u32> = values
            .iter()
            .filter_map(|v| v.parse::<u32>().ok())
            .map(|n| if RUNGS.contains(&n) { n } else { nearest_rung(n) })
            .collect();
        nearest.sort_unstable();
        nearest.dedup();
        if nearest.is_empty() {
            nearest = vec![240, 360, 480, 720, 1080];
        }
        let written = format!("sr-{}", values.join("_"));
        let fix = crate::preview::replace_sr(value, &nearest);
        let bad: Vec<String> = bad.iter().map(|v| (*v).clone()).collect();
        return Err(if good.is_empty() {
            format!(
                "{written} (the streaming ladder of {}) has no rendition the shop makes: they are 240, 360, 480, \
                 720, 1080, 1440 and 2160. The nearest valid setting is {fix}.",
                a.name
            )
        } else {
            format!(
                "{written} (the streaming ladder of {}): {} {} not a rendition the shop makes (they are 240, 360, \
                 480, 720, 1080, 1440 and 2160). The nearest valid setting is {fix}.",
                a.name,
                list(&bad),
                if bad.len() == 1 { "is" } else { "are" }
            )
        });
    }
    let refused: Vec<String> = tr
        .steps()
        .iter()
        .flat_map(|s| s.items())
        .filter_map(|i| match i {
            Item::Param(p) if LADDER_REFUSED.contains(&p.key()) => Some(p.to_string()),
            _ => None,
        })
        .collect();
    if !refused.is_empty() {
        let rungs: Vec<u32> = values.iter().filter_map(|v| v.parse().ok()).collect();
        let fix = crate::ladder_tr(value, &rungs).tr;
        return Err(format!(
            "{} can't be on a streaming ladder (the streaming ladder of {}): each rendition's size, format, codecs \
             and bit rate come from sr, so ik-master URLs refuse w, h, ar, f, vc, ac and q. The nearest valid \
             setting is {fix}.",
            list(&refused),
            a.name
        ));
    }
    if let Some(info) = media_info(a) {
        render::plan_ladder(&info, &tr, render::LadderFormat::Hls, &PlanOptions::default())
            .map_err(|e| format!("The streaming ladder of {}: {e}", a.name))?;
    }
    Ok(())
}

fn check_version(a: &Asset, value: Option<&str>) -> Result<(), String> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Err(format!(
            "An extra version of {} needs its transformation, such as w-400,h-400 (the shop answers \"Invalid post \
             transformation parameter.\" without one).",
            a.name
        ));
    };
    let tr = Transformation::parse(value);
    if tr.steps().iter().any(|s| s.has("sr")) {
        let rungs: Vec<u32> = sr_values(&tr).unwrap_or_default().iter().filter_map(|v| v.parse().ok()).collect();
        return Err(format!(
            "The extra version {value} of {} lists streaming renditions (sr-…), which only a streaming ladder has; \
             ask for a streaming ladder with {} instead.",
            a.name,
            sr_text(&rungs)
        ));
    }
    tr.values().map_err(|e| format!("The extra version {value} of {}: {e}", a.name))?;
    if let Some(info) = media_info(a) {
        render::plan_with(&info, &tr, &PlanOptions::default())
            .map_err(|e| format!("The extra version {value} of {}: {e}", a.name))?;
    }
    Ok(())
}

fn check_thumbnail(a: &Asset, value: Option<&str>) -> Result<(), String> {
    if a.kind != AssetKind::Video {
        return Err(format!(
            "{} is {}, and a thumbnail (ik-thumbnail.jpg) is a frame of a video. Ask for an extra version instead, \
             such as {}.",
            a.name,
            kind_word(a),
            value.map(str::trim).filter(|v| !v.is_empty()).unwrap_or("w-150,h-150")
        ));
    }
    if let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) {
        let tr = Transformation::parse(value);
        tr.values().map_err(|e| format!("The thumbnail {value} of {}: {e}", a.name))?;
        if let Some(info) = media_info(a) {
            render::plan_thumbnail(&info, &tr, &PlanOptions::default())
                .map_err(|e| format!("The thumbnail {value} of {}: {e}", a.name))?;
        }
    }
    Ok(())
}

fn is_gif(a: &Asset) -> bool {
    a.container.as_deref() == Some("gif") || a.name.to_ascii_lowercase().ends_with(".gif")
}

/// Checks `post` for `asset` (nothing is read but the library row): `Err` is the reason and the
/// nearest valid setting, for a person.
pub(crate) fn check(asset: &Asset, post: &[PostTransform]) -> Result<(), ApiError> {
    for p in post {
        let value = p.value.as_deref();
        match p.kind.as_str() {
            "abs" => check_abs(asset, value, p.protocol.as_deref()),
            "transformation" => check_version(asset, value),
            "thumbnail" => check_thumbnail(asset, value),
            "gif-to-video" if is_gif(asset) => Ok(()),
            "gif-to-video" => Err(format!(
                "gif-to-video turns an animated GIF into a video, and {} is not a GIF; remove it.",
                asset.name
            )),
            other => Err(format!(
                "\"{other}\" is not a post-transformation the shop knows; use abs (a streaming ladder), \
                 transformation (an extra version), thumbnail or gif-to-video."
            )),
        }
        .map_err(ApiError::invalid)?;
    }
    Ok(())
}

/// The library's post-transformation from the wire's.
pub(crate) fn from_dto(p: &PostTransformation) -> PostTransform {
    PostTransform { kind: p.kind.clone(), value: p.value.clone(), protocol: p.protocol.clone() }
}

impl Stockroom {
    /// Checks the post-transformations a publish of `asset_ids` asks for, offline, before anything
    /// is queued (what `queue_add` does too): `invalid_input` with the reason and the nearest valid
    /// setting, naming the asset. Blocking (a library read).
    pub fn check_post_transformations(&self, asset_ids: &[i64], post: &[PostTransformation]) -> Result<(), ApiError> {
        let post: Vec<PostTransform> = post.iter().map(from_dto).collect();
        for &id in asset_ids {
            let Some(asset) = self.library.asset(id)? else {
                return Err(ApiError::not_found(format!("There is no asset #{id} in this library.")));
            };
            check(&asset, &post)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(kind: AssetKind, w: u32, h: u32) -> Asset {
        Asset {
            id: 1,
            path: "/x/dress.mp4".into(),
            name: if kind == AssetKind::Video { "dress.mp4".into() } else { "dress.jpg".into() },
            size: 1,
            mtime_ns: 0,
            sample_hash: String::new(),
            full_hash: String::new(),
            kind,
            container: Some(if kind == AssetKind::Video { "mp4" } else { "jpeg" }.into()),
            video_codec: (kind == AssetKind::Video).then(|| "h264".into()),
            audio_codec: (kind == AssetKind::Video).then(|| "aac".into()),
            width: Some(w),
            height: Some(h),
            rotation: 0,
            duration_s: (kind == AssetKind::Video).then_some(4.0),
            frame_rate: (kind == AssetKind::Video).then_some(25.0),
            bit_rate: None,
            thumb_path: None,
            status: sr_library::AssetStatus::Local,
            status_detail: None,
            remote_folder: "/".into(),
            imported_at: 0,
            updated_at: 0,
        }
    }

    fn abs(value: &str) -> PostTransform {
        PostTransform { kind: "abs".into(), value: Some(value.into()), protocol: Some("hls".into()) }
    }

    fn err(a: &Asset, p: PostTransform) -> String {
        check(a, &[p]).expect_err("refused").message
    }

    #[test]
    fn a_valid_ladder_version_and_thumbnail_pass() {
        let video = asset(AssetKind::Video, 1920, 1080);
        let post = [
            abs("sr-240_360_720"),
            abs("rt-90:sr-240_1080"),
            PostTransform { kind: "transformation".into(), value: Some("w-400,h-400".into()), protocol: None },
            PostTransform { kind: "thumbnail".into(), value: None, protocol: None },
            PostTransform { kind: "thumbnail".into(), value: Some("so-1,w-150".into()), protocol: None },
        ];
        check(&video, &post).expect("all valid");
    }

    #[test]
    fn a_ladder_on_a_photo_is_refused_with_what_to_ask_instead() {
        let m = err(&asset(AssetKind::Image, 4000, 3000), abs("sr-240_360"));
        assert!(m.contains("dress.jpg is a photo") && m.contains("made from videos only"), "{m}");
        assert!(m.contains("such as w-1200"), "{m}");
    }

    #[test]
    fn renditions_the_shop_does_not_make_get_the_nearest_ones() {
        let video = asset(AssetKind::Video, 1920, 1080);
        let m = err(&video, abs("sr-250_500"));
        assert!(m.contains("sr-250_500") && m.contains("has no rendition the shop makes"), "{m}");
        assert!(m.ends_with("The nearest valid setting is sr-240_480."), "{m}");
        let m = err(&video, abs("sr-240_700_1000"));
        assert!(m.contains("700 and 1000 are not a rendition"), "{m}");
        assert!(m.ends_with("The nearest valid setting is sr-240_720_1080."), "{m}");
        let m = err(&video, abs("rt-90"));
        assert!(m.contains("lists no renditions; add sr-240_360_480_720_1080"), "{m}");
    }

    #[test]
    fn size_format_and_quality_on_a_ladder_name_the_ladder_without_them() {
        let video = asset(AssetKind::Video, 1920, 1080);
        let m = err(&video, abs("w-400,h-300,rt-90:q-50:sr-240_360"));
        assert!(m.starts_with("w-400, h-300 and q-50 can't be on a streaming ladder"), "{m}");
        assert!(m.ends_with("The nearest valid setting is rt-90:sr-240_360."), "{m}");
        let m = err(&video, abs("f-webm,sr-720"));
        assert!(m.ends_with("The nearest valid setting is sr-720."), "{m}");
    }

    #[test]
    fn protocol_and_value_are_required() {
        let video = asset(AssetKind::Video, 1920, 1080);
        let m = err(&video, PostTransform { kind: "abs".into(), value: Some("sr-240".into()), protocol: None });
        assert!(m.contains("needs its protocol, hls or dash"), "{m}");
        let m = err(&video, PostTransform { kind: "transformation".into(), value: None, protocol: None });
        assert!(m.contains("needs its transformation, such as w-400,h-400"), "{m}");
    }

    #[test]
    fn thumbnails_and_gif_to_video_need_the_right_input() {
        let photo = asset(AssetKind::Image, 800, 600);
        let m = err(&photo, PostTransform { kind: "thumbnail".into(), value: None, protocol: None });
        assert!(m.contains("dress.jpg is a photo, and a thumbnail (ik-thumbnail.jpg) is a frame of a video"), "{m}");
        let m = err(&photo, PostTransform { kind: "gif-to-video".into(), value: None, protocol: None });
        assert!(m.contains("is not a GIF"), "{m}");
        let video = asset(AssetKind::Video, 640, 360);
        let m = err(&video, PostTransform { kind: "thumbnail".into(), value: Some("q-50".into()), protocol: None });
        assert!(m.contains("`q-50` is not allowed in a video thumbnail"), "{m}");
    }

    #[test]
    fn a_version_the_planner_refuses_for_this_file_says_why() {
        let video = asset(AssetKind::Video, 640, 360);
        let m =
            err(&video, PostTransform { kind: "transformation".into(), value: Some("so-10".into()), protocol: None });
        assert!(m.starts_with("The extra version so-10 of dress.mp4: ") && m.contains("past its end"), "{m}");
        let m =
            err(&video, PostTransform { kind: "transformation".into(), value: Some("sr-240".into()), protocol: None });
        assert!(m.contains("ask for a streaming ladder with sr-240 instead"), "{m}");
    }
}
