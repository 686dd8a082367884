//! The `tr` model: lossless round trip, structure, typed values and their errors, the builder,
//! and the SDK JSON port's JavaScript corner cases.

use proptest::prelude::*;
use serde_json::json;
use sr_imagekit::transform::{
    AspectRatio, AudioCodec, Background, Border, Color, Crop, CropMode, Expr, Flip, Focus, Format, InputEncoding, Item,
    Layer, LayerInput, LayerKind, Quantity, Radius, Rotation, SdkJsonError, Step, Transformation, VideoCodec,
    format_number, from_sdk_json,
};

use crate::url::{COMBINED_OVERLAYS, MANY_TRANSFORMATIONS};

// The spec's and SDK tests' `tr` strings, the malformed ones and the key splits are shared with the
// studio's parser: `tests/vectors/tr.json`, run by `tr_vectors.rs`.

proptest! {
    #[test]
    fn any_string_prints_back_byte_for_byte(s in "(l-image|l-text|l-video|l-subtitles|l-end|[a-zN0-9@%_.:, -]{0,4}|[,:]){0,24}") {
        prop_assert_eq!(Transformation::parse(&s).to_string(), s);
    }

    #[test]
    fn any_unicode_string_prints_back(s in "\\PC{0,40}") {
        prop_assert_eq!(Transformation::parse(&s).to_string(), s);
    }
}

#[test]
fn many_transformations_structure() {
    let t = Transformation::parse(MANY_TRANSFORMATIONS);
    assert_eq!(t.steps().len(), 1);
    let step = &t.steps()[0];
    assert_eq!(step.value("e-usm"), Some("2-2-0.8-0.024"));
    assert_eq!(step.value("e-changebg"), Some("prompt-car"));
    assert_eq!(step.value("e-colorize"), Some("co-FF0000_in-15"));
    assert_eq!(step.value("e-distort"), Some("p-50_50_150_50_150_150_50_150"));
    assert_eq!(step.value("cr"), Some("FF0000_50_00FF00"));
    assert!(step.has("e-grayscale") && step.value("e-grayscale").is_none());
    // h-300 then h-200 (from `raw`): the later one wins.
    assert_eq!(step.value("h"), Some("200"));
    let layers: Vec<&Layer> = step.layers().collect();
    assert_eq!(layers.len(), 1);
    assert_eq!(layers[0].kind(), LayerKind::Image);
    assert_eq!(layers[0].input(), Ok(Some(LayerInput::Path("logo.png".into()))));
}

#[test]
fn combined_overlays_structure_with_nesting() {
    let t = Transformation::parse(COMBINED_OVERLAYS);
    let kinds: Vec<Vec<LayerKind>> = t.steps().iter().map(|s| s.layers().map(Layer::kind).collect()).collect();
    use LayerKind::*;
    assert_eq!(kinds, [vec![Text], vec![Image], vec![Video], vec![Subtitles], vec![Image]]);
    let values = t.values().unwrap();
    let text = &values[0].layers[0];
    assert_eq!(text.input, Some(LayerInput::Text("Every thing".into())));
    assert_eq!(text.x, Some(Quantity::Number(10.0)));
    assert_eq!(text.focus, Some(Focus::Center));
    assert_eq!(text.start, Some(Quantity::Number(5.0)));
    assert_eq!(text.end, Some(Quantity::Number(15.0)));
    assert_eq!(text.duration, Some(Quantity::Number(10.0)));
    assert_eq!(text.width, Some(Quantity::Expr(Expr("bw_mul_0.5".into()))));
    assert_eq!(text.font_size, Some(Quantity::Number(20.0)));
    assert_eq!(text.font_family.as_deref(), Some("Arial"));
    assert_eq!(text.color, Some(Color::Hex { rgb: [0, 0, 255], opacity: None }));
    assert_eq!(text.padding, Some(vec![5]));
    let image = &values[1].layers[0];
    assert_eq!(image.layers.len(), 1, "nested text layer");
    assert_eq!(image.layers[0].input, Some(LayerInput::Text("Nested text overlay".into())));
    assert_eq!(values[4].layers[0].input, Some(LayerInput::Path("ik_canvas".into())));
}

#[test]
fn three_levels_of_nested_layers() {
    let s = "l-image,i-a.png,l-image,i-b.png,l-text,i-deep,lx-N5,l-end,l-end,l-end";
    let t = Transformation::parse(s);
    let v = t.values().unwrap();
    let deepest = &v[0].layers[0].layers[0].layers[0];
    assert_eq!(deepest.input, Some(LayerInput::Text("deep".into())));
    assert_eq!(deepest.x, Some(Quantity::Number(-5.0)));
    assert_eq!(t.to_string(), s);
}

/// Hostile input (a URL reaching the emulator) neither overflows the stack nor panics.
#[test]
fn deeply_nested_or_unbalanced_layers_never_crash() {
    let deep = format!("{}{}l-end", "l-image,".repeat(20_000), "l-end,".repeat(19_999));
    let t = Transformation::parse(&deep);
    assert_eq!(t.to_string(), deep);
    assert!(t.validate().is_err());
    let unbalanced = "l-text,".repeat(20_000);
    assert_eq!(Transformation::parse(&unbalanced).to_string(), unbalanced);
}

#[test]
fn chained_steps_inside_a_layer_stay_inside_it() {
    let s = "w-500:l-image,i-logo.png,w-100:rt-90,l-end:h-10";
    let t = Transformation::parse(s);
    assert_eq!(t.steps().len(), 3);
    let layer = t.steps()[1].layers().next().unwrap();
    assert_eq!(layer.steps().len(), 2);
    assert_eq!(layer.steps()[1].value("rt"), Some("90"));
    assert_eq!(t.to_string(), s);
}

#[test]
fn inputs_are_decoded() {
    let table = [
        ("l-text,i-Minimal%20Text,l-end", LayerInput::Text("Minimal Text".into())),
        ("l-text,ie-4KS54KS%2F4KSo4KWN4KSm4KWA,co-red,l-end", LayerInput::Text("हिन्दी".into())),
        ("l-text,ie-TGV0J3MgdXNlIMKpLCDCriwg4oSiLCBldGM%3D,l-end", LayerInput::Text("Let's use ©, ®, ™, etc".into())),
        ("l-image,i-customer_logo@@nykaa.png,l-end", LayerInput::Path("customer_logo/nykaa.png".into())),
        ("l-image,ie-Y3VzdG9tZXJfbG9nby%2FDkXlrYWEucG5n,l-end", LayerInput::Path("customer_logo/Ñykaa.png".into())),
        ("l-image,i-ignored.png,ie-Y3VzdG9tZXIvbG9nby5wbmc%3D,l-end", LayerInput::Path("customer/logo.png".into())),
        ("l-text,i-SALE%20%2429,l-end", LayerInput::Text("SALE $29".into())),
    ];
    for (s, expected) in table {
        let t = Transformation::parse(s);
        let layer = t.steps()[0].layers().next().unwrap();
        assert_eq!(layer.input(), Ok(Some(expected)), "{s}");
    }
    let t = Transformation::parse(
        "l-text,ie-4KS54KS%2F4KSo4KWN4KSm4KWA,ff-sdk-testing-files@@Poppins-Regular_Q15GrYWmL.ttf,l-end",
    );
    assert_eq!(
        t.values().unwrap()[0].layers[0].font_family.as_deref(),
        Some("sdk-testing-files/Poppins-Regular_Q15GrYWmL.ttf")
    );
}

#[test]
fn typed_values_of_the_merchandiser_subset() {
    let s = "w-1280,h-0.5,ar-4-3,c-at_max,cm-pad_resize,fo-person,x-10,y-N20,xc-iw_div_2,yc-30,rt-N45,fl-v_h,\
             so-1.5,eo-15,du-10.55,q-50,f-webm,vc-vp9,ac-opus,bg-FF000080,b-5_FFF000,r-10_20_30_40,bl-10,o-0,\
             e-grayscale,sr-240_720_2160,future-param,zz";
    let v = Transformation::parse(s).values().unwrap().remove(0);
    assert_eq!(v.width, Some(Quantity::Number(1280.0)));
    assert_eq!(v.height, Some(Quantity::Number(0.5)));
    assert_eq!(v.aspect_ratio, Some(AspectRatio::Ratio { width: 4.0, height: 3.0 }));
    assert_eq!(v.crop, Some(Crop::AtMax));
    assert_eq!(v.crop_mode, Some(CropMode::PadResize));
    assert_eq!(v.focus, Some(Focus::Object("person".into())));
    assert_eq!(v.x, Some(Quantity::Number(10.0)));
    assert_eq!(v.y, Some(Quantity::Number(-20.0)));
    assert_eq!(v.x_center, Some(Quantity::Expr(Expr("iw_div_2".into()))));
    assert_eq!(v.rotation, Some(Rotation::Degrees(-45.0)));
    assert_eq!(v.flip, Some(Flip::Both));
    assert_eq!(v.start_offset, Some(Quantity::Number(1.5)));
    assert_eq!(v.duration, Some(Quantity::Number(10.55)));
    assert_eq!(v.quality, Some(50));
    assert_eq!(v.format, Some(Format::Webm));
    assert_eq!(v.video_codec, Some(VideoCodec::Vp9));
    assert_eq!(v.audio_codec, Some(AudioCodec::Opus));
    assert_eq!(v.background, Some(Background::Color(Color::Hex { rgb: [255, 0, 0], opacity: Some(80) })));
    assert_eq!(
        v.border,
        Some(Border { width: Quantity::Number(5.0), color: Color::Hex { rgb: [255, 240, 0], opacity: None } })
    );
    assert_eq!(v.radius, Some(Radius::Corners([10, 20, 30, 40])));
    assert_eq!(v.blur, Some(10));
    assert_eq!(v.opacity, Some(0));
    assert!(v.grayscale);
    assert_eq!(v.streaming_resolutions, Some(vec![240, 720, 2160]));
    let v = Transformation::parse("rt-auto,bg-blurred_auto_N20,r-max,fo-top_left,vc-none,ac-none")
        .values()
        .unwrap()
        .remove(0);
    assert_eq!(v.rotation, Some(Rotation::Auto));
    assert_eq!(v.background, Some(Background::Blurred("blurred_auto_N20".into())));
    assert_eq!(v.radius, Some(Radius::Max));
    assert_eq!(v.focus, Some(Focus::TopLeft));
    assert_eq!((v.video_codec, v.audio_codec), (Some(VideoCodec::None), Some(AudioCodec::None)));
}

/// Each refused value names its step (1-based), its layer if any, its parameter, and why.
#[test]
fn error_messages_name_step_parameter_and_reason() {
    let table = [
        ("w-300:w-abc", "step 2, parameter `w`: expected a positive number, got `abc`"),
        ("w", "step 1, parameter `w`: expected a positive number, got nothing"),
        ("h-0", "step 1, parameter `h`: expected a positive number, got `0`"),
        ("h-N10", "step 1, parameter `h`: expected a positive number, got `N10`"),
        ("q-0", "step 1, parameter `q`: expected a whole number from 1 to 100, got `0`"),
        ("q-101", "step 1, parameter `q`: expected a whole number from 1 to 100, got `101`"),
        (
            "c-squash",
            "step 1, parameter `c`: expected one of maintain_ratio, force, at_max, at_max_enlarge, at_least, maintain_ratio_no_enlarge, got `squash`",
        ),
        ("w-10:h-10:vc-h265", "step 3, parameter `vc`: expected one of h264, vp9, av1, none, got `h265`"),
        ("rt-left", "step 1, parameter `rt`: expected degrees (N for counter-clockwise, e.g. N45) or auto, got `left`"),
        ("so-abc", "step 1, parameter `so`: expected seconds, e.g. 5 or 10.55, got `abc`"),
        ("x--5", "step 1, parameter `x`: expected a number (write negatives with N, e.g. N35), got `-5`"),
        ("ar-4_3", "step 1, parameter `ar`: expected width-height such as 4-3, got `4_3`"),
        ("e-grayscale-5", "step 1, parameter `e-grayscale`: takes no value, got `5`"),
        (
            "sr-240_999",
            "step 1, parameter `sr`: expected resolutions from 240, 360, 480, 720, 1080, 1440, 2160 joined with _, got `240_999`",
        ),
        (
            "bg-#fff",
            "step 1, parameter `bg`: expected a colour such as FF0000 or red, blurred, dominant or genfill, got `#fff`",
        ),
        (
            "w-10:l-text,i-Hi,lx-abc,l-end",
            "step 2, text layer, parameter `lx`: expected a number (write negatives with N, e.g. N35), got `abc`",
        ),
        (
            "l-image,i-a.png,l-text,i-b,fs-big,l-end,l-end",
            "step 1, text layer, parameter `fs`: expected a positive number, got `big`",
        ),
        ("l-text,ie-%%%,l-end", "step 1, text layer, parameter `ie`: `%%%` is not valid base64"),
        (
            "l-image,i-a,l-image,i-b,l-image,i-c,l-text,i-d,l-end,l-end,l-end,l-end",
            "step 1, text layer, parameter `l-text`: layers nest at most 3 deep; move this layer up a level",
        ),
    ];
    for (s, message) in table {
        let err = Transformation::parse(s).validate().expect_err(s);
        assert_eq!(err.to_string(), message, "{s}");
    }
    let err = Transformation::parse("w-300:w-abc").validate().unwrap_err();
    assert_eq!((err.step, err.param.as_str(), err.layer), (2, "w", None));
}

#[test]
fn unknown_parameters_are_kept_in_place_and_pass_validation() {
    let mut t = Transformation::parse("w-100,foo-bar,zz,h-50,e-newfx-1-2");
    assert_eq!(t.validate(), Ok(()));
    t.step_mut(1).set("w", 200);
    assert_eq!(t.to_string(), "w-200,foo-bar,zz,h-50,e-newfx-1-2");
}

#[test]
fn builder_sets_removes_and_adds_layers() {
    let mut t = Transformation::parse("w-100,h-50,w-300:rt-90");
    // set replaces the first occurrence in place and drops the repeats.
    t.step_mut(1).set("w", 640);
    assert_eq!(t.to_string(), "w-640,h-50:rt-90");
    assert!(t.step_mut(1).remove("h"));
    assert!(!t.step_mut(1).remove("h"));
    t.step_mut(2).set_number("rt", -45.0);
    t.step_mut(1).set_flag("e-grayscale");
    t.step_mut(1).push_layer(
        Layer::text("Summer Sale").with("fs", 32).with("co", "FFFFFF").with_number("lx", -35.0).with_number("ly", 10.0),
    );
    assert_eq!(t.to_string(), "w-640,e-grayscale,l-text,i-Summer%20Sale,fs-32,co-FFFFFF,lx-N35,ly-10,l-end:rt-N45");
    assert_eq!(Transformation::parse(&t.to_string()), t);
    // Editing a layer in place.
    let layer = t.step_mut(1).layers_mut().next().unwrap();
    layer.set("co", "FF0000");
    assert!(layer.remove("ly"));
    assert_eq!(t.to_string(), "w-640,e-grayscale,l-text,i-Summer%20Sale,fs-32,co-FF0000,lx-N35,l-end:rt-N45");
    // step_mut creates missing steps; empty ones print as nothing.
    let mut t = Transformation::new();
    t.step_mut(2).set("q", 80);
    assert_eq!(t.to_string(), "q-80");
    assert!(t.step(3).is_none() && t.step(2).is_some() && t.step(0).is_none());
}

#[test]
fn builder_layers_encode_inputs_like_the_sdk() {
    let table = [
        (Layer::text("Minimal Text"), "l-text,i-Minimal%20Text,l-end"),
        (Layer::text("हिन्दी"), "l-text,ie-4KS54KS%2F4KSo4KWN4KSm4KWA,l-end"),
        (Layer::text_with("SALE $29", InputEncoding::Plain), "l-text,i-SALE%20%2429,l-end"),
        (Layer::image("/customer_logo/nykaa.png"), "l-image,i-customer_logo@@nykaa.png,l-end"),
        (Layer::image("/customer_logo/Ñykaa.png"), "l-image,ie-Y3VzdG9tZXJfbG9nby%2FDkXlrYWEucG5n,l-end"),
        (Layer::video("play-pause-loop.mp4"), "l-video,i-play-pause-loop.mp4,l-end"),
        (Layer::subtitles("/sub.srt"), "l-subtitles,i-sub.srt,l-end"),
        (Layer::solid_color("FF0000").with("w", 100), "l-image,i-ik_canvas,bg-FF0000,w-100,l-end"),
        (
            Layer::from_path(LayerKind::Image, "customer/logo.png", InputEncoding::Base64),
            "l-image,ie-Y3VzdG9tZXIvbG9nby5wbmc%3D,l-end",
        ),
        (Layer::new(LayerKind::Text), "l-text,l-end"),
    ];
    for (layer, expected) in table {
        assert_eq!(Step::new().with_layer(layer.clone()).to_string(), expected);
        // And the decoded input is what was given.
        if let Ok(Some(input)) = layer.input() {
            let text = match input {
                LayerInput::Text(t) | LayerInput::Path(t) => t,
            };
            assert!(!text.contains("@@") && !text.contains('%'), "{text}");
        }
    }
}

#[test]
fn numbers_are_written_the_imagekit_way() {
    let table = [
        (-35.0, "N35"),
        (35.0, "35"),
        (0.5, "0.5"),
        (-0.25, "N0.25"),
        (10.0, "10"),
        (0.0, "0"),
        (-0.0, "0"),
        (1e21, "1e+21"),
    ];
    for (n, expected) in table {
        assert_eq!(format_number(n), expected, "{n}");
    }
}

#[test]
fn sdk_json_follows_javascript_semantics() {
    let table = [
        // Numbers print as JavaScript does.
        (json!({"width": 10.0, "opacity": 0.8, "zoom": 1e21}), "w-10,o-0.8,z-1e+21"),
        // Unknown names pass through; `for...in` visits integer-like keys first.
        (json!({"b": 1, "2": "x", "rndm_trnsf": "abcd"}), "2-x,b-1,rndm_trnsf-abcd"),
        // Upper-case names fall back to their lower-case spelling.
        (json!({"WIDTH": 300}), "w-300"),
        // false and other values on on/off effects drop them; `t` blank means true.
        (json!({"grayscale": "yes", "aiUpscale": "-", "trim": " "}), "e-upscale,t-true"),
        // Non-effect booleans print as text; arrays join with commas except `sr`.
        (
            json!({"progressive": false, "page": [2, 4], "streamingResolutions": [240, 360]}),
            "pr-false,pg-2,4,sr-240_360",
        ),
        // `di` and `ff` lose one leading and trailing slash; inner slashes become @@.
        (json!({"defaultImage": "//a/b.jpg/"}), "di-@@a@@b.jpg"),
        // A single object is one step; null steps are skipped.
        (json!([null, {"height": 1}, {}]), "h-1"),
        // An unknown overlay type renders what follows it, as the SDK's switch has no default.
        (json!({"overlay": {"type": "audio", "position": {"x": 5}}}), "lx-5,l-end"),
        // Falsy position values are skipped; overlay given as a list is ignored.
        (
            json!({"overlay": {"type": "image", "input": "a.png", "position": {"x": 0, "y": "0"}}}),
            "l-image,i-a.png,ly-0,l-end",
        ),
        (json!({"overlay": [1, 2], "width": 5}), "w-5"),
        // Newer overlay positioning.
        (
            json!({"overlay": {"type": "image", "input": "a.png", "position": {"xCenter": "bw_div_2", "anchorPoint": "top"}}}),
            "l-image,i-a.png,lxc-bw_div_2,lap-top,l-end",
        ),
    ];
    for (input, expected) in table {
        assert_eq!(from_sdk_json(&input).unwrap().to_string(), expected, "{input}");
    }
    assert_eq!(Transformation::from_sdk_json(&json!(null)).unwrap(), Transformation::new());
}

#[test]
fn sdk_json_that_is_not_a_transformation_is_refused() {
    assert_eq!(from_sdk_json(&json!("w-100")), Err(SdkJsonError::NotATransformation { found: "a string" }));
    assert_eq!(
        from_sdk_json(&json!([{"width": 1}, 5])),
        Err(SdkJsonError::StepNotAnObject { step: 2, found: "a number" })
    );
    assert_eq!(
        from_sdk_json(&json!([{"width": 1}, 5])).unwrap_err().to_string(),
        "step 2: expected an object such as {\"width\": 300}, got a number"
    );
}

#[test]
fn items_expose_params_and_layers_in_order() {
    let t = Transformation::parse("w-1,l-text,i-a,l-end,h-2");
    let kinds: Vec<&str> = t.steps()[0]
        .items()
        .iter()
        .map(|i| match i {
            Item::Param(p) => p.key(),
            Item::Layer(l) => l.opener(),
        })
        .collect();
    assert_eq!(kinds, ["w", "l-text", "h"]);
    assert_eq!(t.steps()[0].params().count(), 2);
}
