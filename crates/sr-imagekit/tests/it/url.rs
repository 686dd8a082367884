//! Delivery URLs: every SDK vector of spec §9.2 and §10.6, and the Node SDK v7 URL-generation
//! tests (tests/custom-tests/url-generation/{basic,overlay,signing}.test.ts), as data.

use serde_json::{Value, json};
use sr_imagekit::transform::{Layer, Step, Transformation, from_sdk_json};
use sr_imagekit::url::{
    DEFAULT_EXPIRY, SignatureError, TransformationPosition, UrlError, UrlOptions, UrlSigning, VideoSuffix, build_url,
    dash_src, hls_src, thumbnail_src, verify_signed_url, with_video_suffix,
};

use TransformationPosition::{Path, Query};

const EP: &str = "https://ik.imagekit.io/test_url_endpoint";
const DEMO: &str = "https://ik.imagekit.io/demo";
const DEMO_SLASH: &str = "https://ik.imagekit.io/demo/";
const KEY: &str = "dummy-key";

/// One SDK case: `buildSrc({urlEndpoint, src, transformationPosition, transformation})`.
struct Case {
    endpoint: &'static str,
    src: &'static str,
    position: TransformationPosition,
    transformation: Value,
    expected: &'static str,
}

fn case(
    endpoint: &'static str,
    src: &'static str,
    position: TransformationPosition,
    transformation: Value,
    expected: &'static str,
) -> Case {
    Case { endpoint, src, position, transformation, expected }
}

fn options(endpoint: &str, src: &str, position: TransformationPosition, transformation: &Value) -> UrlOptions {
    UrlOptions {
        url_endpoint: endpoint.to_string(),
        src: src.to_string(),
        transformation: from_sdk_json(transformation).expect("SDK JSON accepted"),
        position,
        ..UrlOptions::default()
    }
}

fn check(cases: &[Case]) {
    for (i, c) in cases.iter().enumerate() {
        let got = build_url(&options(c.endpoint, c.src, c.position, &c.transformation));
        assert_eq!(got.as_deref(), Ok(c.expected), "case {} ({})", i + 1, c.transformation);
    }
}

fn sign(mut o: UrlOptions) -> UrlOptions {
    o.signing = Some(UrlSigning { private_key: KEY.into(), expire_at: None });
    o
}

fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn basic_test_ts_vectors() {
    let p1 = "/test_path1.jpg";
    let q = |t: Value, expected: &'static str| case(EP, p1, Query, json!([t]), expected);
    check(&[
        case(EP, "/", Query, Value::Null, "https://ik.imagekit.io/test_url_endpoint/"),
        case(EP, "/test_path.jpg", Query, Value::Null, "https://ik.imagekit.io/test_url_endpoint/test_path.jpg"),
        case(
            EP,
            "https://ik.imagekit.io/test_url_endpoint/test_path_alt.jpg",
            Query,
            Value::Null,
            "https://ik.imagekit.io/test_url_endpoint/test_path_alt.jpg",
        ),
        case(
            EP,
            "/test_path.jpg",
            Query,
            json!([{"height": "300", "width": "400"}, {"rotation": 90}]),
            "https://ik.imagekit.io/test_url_endpoint/test_path.jpg?tr=h-300,w-400:rt-90",
        ),
        case(
            EP,
            "/test_path.jpg",
            Path,
            json!([{"height": "300", "width": "400"}]),
            "https://ik.imagekit.io/test_url_endpoint/tr:h-300,w-400/test_path.jpg",
        ),
        case(
            EP,
            "/test_path.jpg",
            Query,
            json!([{"height": "300", "width": "400"}]),
            "https://ik.imagekit.io/test_url_endpoint/test_path.jpg?tr=h-300,w-400",
        ),
        case(
            EP,
            "https://my.custom.domain.com/test_path.jpg",
            Path,
            json!([{"height": "300", "width": "400"}]),
            "https://my.custom.domain.com/test_path.jpg?tr=h-300,w-400",
        ),
        case(
            "https://ik.imagekit.io/imagekit_id/new-endpoint/",
            "/test_path.jpg",
            Query,
            json!([{"height": "300", "width": "400"}]),
            "https://ik.imagekit.io/imagekit_id/new-endpoint/test_path.jpg?tr=h-300,w-400",
        ),
        case(
            EP,
            "///test_path.jpg",
            Query,
            json!([{"height": "300", "width": "400"}]),
            "https://ik.imagekit.io/test_url_endpoint/test_path.jpg?tr=h-300,w-400",
        ),
        case(
            "https://ik.imagekit.io/test_url_endpoint_alt",
            "/test_path.jpg",
            Query,
            json!([{"height": "300", "width": "400"}]),
            "https://ik.imagekit.io/test_url_endpoint_alt/test_path.jpg?tr=h-300,w-400",
        ),
        case(
            EP,
            "https://ik.imagekit.io/test_url_endpoint/test_path_alt.jpg",
            Query,
            json!([{"height": "300", "width": "400"}]),
            "https://ik.imagekit.io/test_url_endpoint/test_path_alt.jpg?tr=h-300,w-400",
        ),
        case(
            EP,
            "/test_path.jpg",
            Query,
            json!([{"height": "300", "width": "400"}, {"rotation": "90"}]),
            "https://ik.imagekit.io/test_url_endpoint/test_path.jpg?tr=h-300,w-400:rt-90",
        ),
        case(
            EP,
            "/test_path.jpg",
            Query,
            json!([{"height": "300", "width": "400"}, {"raw": "rndm_trnsf-abcd"}]),
            "https://ik.imagekit.io/test_url_endpoint/test_path.jpg?tr=h-300,w-400:rndm_trnsf-abcd",
        ),
        case(
            EP,
            "/test_path.jpg",
            Query,
            json!([{"height": "300", "width": "400", "raw": "l-image,i-overlay.jpg,w-100,b-10_CDDC39,l-end"}]),
            "https://ik.imagekit.io/test_url_endpoint/test_path.jpg?tr=h-300,w-400,l-image,i-overlay.jpg,w-100,b-10_CDDC39,l-end",
        ),
        case(
            EP,
            "/test_path.jpg",
            Query,
            json!([{"height": "300", "width": "400", "raw": "l-image,i-/path/to/overlay.jpg,w-100,b-10_CDDC39,l-end"}]),
            "https://ik.imagekit.io/test_url_endpoint/test_path.jpg?tr=h-300,w-400,l-image,i-/path/to/overlay.jpg,w-100,b-10_CDDC39,l-end",
        ),
        case(
            EP,
            "/test_path.jpg",
            Query,
            json!([{"height": "300", "width": "400", "border": "20_FF0000"}]),
            "https://ik.imagekit.io/test_url_endpoint/test_path.jpg?tr=h-300,w-400,b-20_FF0000",
        ),
        case(
            EP,
            "/test_path.jpg",
            Query,
            json!([{"raw": ""}]),
            "https://ik.imagekit.io/test_url_endpoint/test_path.jpg",
        ),
        case(
            EP,
            "/test_path.jpg",
            Query,
            json!([{"raw": "undefined-transform-true"}]),
            "https://ik.imagekit.io/test_url_endpoint/test_path.jpg?tr=undefined-transform-true",
        ),
        case(
            EP,
            "/test_path.jpg",
            Query,
            json!([{"defaultImage": ""}]),
            "https://ik.imagekit.io/test_url_endpoint/test_path.jpg?tr=di-",
        ),
        case(
            EP,
            "/test_path.jpg",
            Query,
            json!([{"contrastStretch": "-"}]),
            "https://ik.imagekit.io/test_url_endpoint/test_path.jpg?tr=e-contrast",
        ),
        q(
            json!({"defaultImage": "/test_path.jpg", "quality": null}),
            "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=di-test_path.jpg",
        ),
        q(
            json!({"defaultImage": "/test_path.jpg", "contrastStretch": false}),
            "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=di-test_path.jpg",
        ),
        q(
            json!({"defaultImage": "/test_path.jpg", "shadow": ""}),
            "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=di-test_path.jpg,e-shadow",
        ),
        q(
            json!({"defaultImage": "/test_path.jpg", "shadow": "bl-15_st-40_x-10_y-N5"}),
            "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=di-test_path.jpg,e-shadow-bl-15_st-40_x-10_y-N5",
        ),
        q(
            json!({"defaultImage": "/test_path.jpg", "trim": true}),
            "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=di-test_path.jpg,t-true",
        ),
        q(
            json!({"defaultImage": "/test_path.jpg", "trim": "true"}),
            "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=di-test_path.jpg,t-true",
        ),
        q(json!({"aiRemoveBackground": true}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-bgremove"),
        q(
            json!({"aiRemoveBackground": "true"}),
            "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-bgremove",
        ),
        q(json!({"aiRemoveBackground": "false"}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg"),
        q(
            json!({"aiRemoveBackgroundExternal": true}),
            "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-removedotbg",
        ),
        q(
            json!({"aiRemoveBackgroundExternal": "true"}),
            "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-removedotbg",
        ),
        q(json!({"aiRemoveBackgroundExternal": "false"}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg"),
        q(
            json!({"gradient": "ld-top_from-green_to-00FF0010_sp-1"}),
            "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-gradient-ld-top_from-green_to-00FF0010_sp-1",
        ),
        q(json!({"gradient": ""}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-gradient"),
        q(json!({"gradient": true}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-gradient"),
        q(json!({"aiDropShadow": true}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-dropshadow"),
        q(json!({"aiDropShadow": ""}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-dropshadow"),
        q(
            json!({"aiDropShadow": "az-45"}),
            "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-dropshadow-az-45",
        ),
        q(json!({"shadow": true}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-shadow"),
        q(json!({"shadow": ""}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-shadow"),
        q(
            json!({"shadow": "bl-15_st-40_x-10_y-N5"}),
            "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-shadow-bl-15_st-40_x-10_y-N5",
        ),
        q(json!({"sharpen": true}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-sharpen"),
        q(json!({"sharpen": ""}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-sharpen"),
        q(json!({"sharpen": 10}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-sharpen-10"),
        q(json!({"unsharpMask": true}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-usm"),
        q(json!({"unsharpMask": ""}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-usm"),
        q(
            json!({"unsharpMask": "2-2-0.8-0.024"}),
            "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=e-usm-2-2-0.8-0.024",
        ),
        q(json!({"trim": true}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=t-true"),
        q(json!({"trim": ""}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=t-true"),
        q(json!({"trim": 5}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=t-5"),
        q(json!({"width": 400}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=w-400"),
        q(json!({"width": "400"}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=w-400"),
        q(json!({"width": "iw_div_2"}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=w-iw_div_2"),
        q(json!({"height": 300}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=h-300"),
        q(json!({"height": "300"}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=h-300"),
        q(json!({"height": "ih_mul_0.5"}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=h-ih_mul_0.5"),
        q(json!({"aspectRatio": "4:3"}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=ar-4:3"),
        q(json!({"aspectRatio": "4_3"}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=ar-4_3"),
        q(
            json!({"aspectRatio": "iar_div_2"}),
            "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=ar-iar_div_2",
        ),
        q(json!({"background": "FF0000"}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=bg-FF0000"),
        q(json!({"background": "blurred"}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=bg-blurred"),
        q(json!({"background": "genfill"}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=bg-genfill"),
        q(json!({"crop": "force"}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=c-force"),
        q(json!({"crop": "at_max"}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=c-at_max"),
        q(
            json!({"cropMode": "pad_resize"}),
            "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=cm-pad_resize",
        ),
        q(json!({"cropMode": "extract"}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=cm-extract"),
        q(json!({"focus": "center"}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=fo-center"),
        q(json!({"focus": "face"}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=fo-face"),
        q(json!({"quality": 80}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=q-80"),
        q(json!({"x": 10}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=x-10"),
        q(json!({"y": 20}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=y-20"),
        q(json!({"xCenter": 30}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=xc-30"),
        q(json!({"yCenter": 40}), "https://ik.imagekit.io/test_url_endpoint/test_path1.jpg?tr=yc-40"),
    ]);
}

#[test]
fn basic_test_ts_deprecated_properties_vector() {
    check(&[case(
        EP,
        "/test_path.jpg",
        Query,
        json!([{
            "height": 300, "width": 400, "aspectRatio": "4-3", "quality": 40, "crop": "force",
            "cropMode": "extract", "focus": "left", "format": "jpeg", "radius": 50, "background": "A94D34",
            "border": "5-A94D34", "rotation": 90, "blur": 10, "named": "some_name", "progressive": true,
            "lossless": true, "trim": 5, "metadata": true, "colorProfile": true,
            "defaultImage": "/folder/file.jpg/", "dpr": 3, "sharpen": 10, "unsharpMask": "2-2-0.8-0.024",
            "contrastStretch": true, "grayscale": true, "shadow": "bl-15_st-40_x-10_y-N5",
            "gradient": "from-red_to-white", "original": true, "raw": "h-200,w-300,l-image,i-logo.png,l-end"
        }]),
        "https://ik.imagekit.io/test_url_endpoint/test_path.jpg?tr=h-300,w-400,ar-4-3,q-40,c-force,cm-extract,fo-left,f-jpeg,r-50,bg-A94D34,b-5-A94D34,rt-90,bl-10,n-some_name,pr-true,lo-true,t-5,md-true,cp-true,di-folder@@file.jpg,dpr-3,e-sharpen-10,e-usm-2-2-0.8-0.024,e-contrast,e-grayscale,e-shadow-bl-15_st-40_x-10_y-N5,e-gradient-from-red_to-white,orig-true,h-200,w-300,l-image,i-logo.png,l-end",
    )]);
}

/// The N7 "many transformations" vector as the spec (§10.6) gives it, newest SDK: with
/// `colorize`, `colorReplace` and `distort`.
pub fn many_transformations_json() -> Value {
    json!([{
        "height": 300, "width": 400, "aspectRatio": "4-3", "quality": 40, "crop": "force",
        "cropMode": "extract", "focus": "left", "format": "jpeg", "radius": 50, "background": "A94D34",
        "border": "5-A94D34", "rotation": 90, "blur": 10, "named": "some_name", "progressive": true,
        "lossless": true, "trim": 5, "metadata": true, "colorProfile": true,
        "defaultImage": "/folder/file.jpg/", "dpr": 3, "x": 10, "y": 20, "xCenter": 30, "yCenter": 40,
        "flip": "h", "opacity": 0.8, "zoom": 2, "videoCodec": "h264", "audioCodec": "aac",
        "startOffset": 5, "endOffset": 15, "duration": 10, "streamingResolutions": ["1440", "1080"],
        "grayscale": true, "aiUpscale": true, "aiRetouch": true, "aiVariation": true, "aiDropShadow": true,
        "aiChangeBackground": "prompt-car", "aiEdit": "prompt-make it vintage", "aiRemoveBackground": true,
        "contrastStretch": true, "shadow": "bl-15_st-40_x-10_y-N5", "sharpen": 10,
        "unsharpMask": "2-2-0.8-0.024", "gradient": "from-red_to-white", "colorize": "co-FF0000_in-15",
        "colorReplace": "FF0000_50_00FF00", "distort": "p-50_50_150_50_150_150_50_150", "original": true,
        "page": "2_4", "raw": "h-200,w-300,l-image,i-logo.png,l-end"
    }])
}

pub const MANY_TRANSFORMATIONS: &str = "h-300,w-400,ar-4-3,q-40,c-force,cm-extract,fo-left,f-jpeg,r-50,bg-A94D34,b-5-A94D34,rt-90,bl-10,n-some_name,pr-true,lo-true,t-5,md-true,cp-true,di-folder@@file.jpg,dpr-3,x-10,y-20,xc-30,yc-40,fl-h,o-0.8,z-2,vc-h264,ac-aac,so-5,eo-15,du-10,sr-1440_1080,e-grayscale,e-upscale,e-retouch,e-genvar,e-dropshadow,e-changebg-prompt-car,e-edit-prompt-make it vintage,e-bgremove,e-contrast,e-shadow-bl-15_st-40_x-10_y-N5,e-sharpen-10,e-usm-2-2-0.8-0.024,e-gradient-from-red_to-white,e-colorize-co-FF0000_in-15,cr-FF0000_50_00FF00,e-distort-p-50_50_150_50_150_150_50_150,orig-true,pg-2_4,h-200,w-300,l-image,i-logo.png,l-end";

#[test]
fn many_transformations_vector_from_spec_10_6() {
    let url = build_url(&options(EP, "/test_path.jpg", Query, &many_transformations_json())).unwrap();
    assert_eq!(url, format!("https://ik.imagekit.io/test_url_endpoint/test_path.jpg?tr={MANY_TRANSFORMATIONS}"));
    // The same URL from the tr string, as `stockroom url --tr` builds it.
    let from_string = UrlOptions {
        url_endpoint: EP.into(),
        src: "/test_path.jpg".into(),
        transformation: Transformation::parse(MANY_TRANSFORMATIONS),
        ..UrlOptions::default()
    };
    assert_eq!(build_url(&from_string).unwrap(), url);
}

#[test]
fn query_parameters_follow_the_src_query_and_precede_tr() {
    let mut o = options(
        EP,
        "https://ik.imagekit.io/test_url_endpoint/test_path_alt.jpg?t1=v1",
        Query,
        &json!([{"height": "300", "width": "400"}]),
    );
    o.query_parameters = query(&[("t2", "v2"), ("t3", "v3")]);
    assert_eq!(
        build_url(&o).unwrap(),
        "https://ik.imagekit.io/test_url_endpoint/test_path_alt.jpg?t1=v1&t2=v2&t3=v3&tr=h-300,w-400"
    );
}

#[test]
fn overlay_test_ts_vectors() {
    let base = "/base-image.jpg";
    let ov = |o: Value| json!([{"overlay": o}]);
    check(&[
        case(EP, base, Path, ov(json!({"type": "text"})), "https://ik.imagekit.io/test_url_endpoint/base-image.jpg"),
        case(EP, base, Path, ov(json!({})), "https://ik.imagekit.io/test_url_endpoint/base-image.jpg"),
        case(EP, base, Path, ov(json!({"type": "image"})), "https://ik.imagekit.io/test_url_endpoint/base-image.jpg"),
        case(EP, base, Path, ov(json!({"type": "video"})), "https://ik.imagekit.io/test_url_endpoint/base-image.jpg"),
        case(
            EP,
            base,
            Path,
            ov(json!({"type": "subtitle"})),
            "https://ik.imagekit.io/test_url_endpoint/base-image.jpg",
        ),
        case(
            EP,
            base,
            Path,
            ov(json!({"type": "solidColor"})),
            "https://ik.imagekit.io/test_url_endpoint/base-image.jpg",
        ),
        case(
            EP,
            base,
            Path,
            ov(json!({"type": "text", "text": "Minimal Text"})),
            "https://ik.imagekit.io/test_url_endpoint/tr:l-text,i-Minimal%20Text,l-end/base-image.jpg",
        ),
        case(
            EP,
            base,
            Path,
            ov(json!({"type": "image", "input": "logo.png"})),
            "https://ik.imagekit.io/test_url_endpoint/tr:l-image,i-logo.png,l-end/base-image.jpg",
        ),
        case(
            EP,
            "/base-video.mp4",
            Path,
            ov(json!({"type": "video", "input": "play-pause-loop.mp4"})),
            "https://ik.imagekit.io/test_url_endpoint/tr:l-video,i-play-pause-loop.mp4,l-end/base-video.mp4",
        ),
        // Newest SDK and spec §10.6: `l-subtitles` (SDK releases before layer modes wrote `l-subtitle`).
        case(
            EP,
            "/base-video.mp4",
            Path,
            ov(json!({"type": "subtitle", "input": "subtitle.srt"})),
            "https://ik.imagekit.io/test_url_endpoint/tr:l-subtitles,i-subtitle.srt,l-end/base-video.mp4",
        ),
        case(
            EP,
            base,
            Path,
            ov(json!({"type": "solidColor", "color": "FF0000"})),
            "https://ik.imagekit.io/test_url_endpoint/tr:l-image,i-ik_canvas,bg-FF0000,l-end/base-image.jpg",
        ),
        case(
            EP,
            base,
            Path,
            ov(json!({"type": "image", "input": "overlay.png", "layerMode": "multiply"})),
            "https://ik.imagekit.io/test_url_endpoint/tr:l-image,i-overlay.png,lm-multiply,l-end/base-image.jpg",
        ),
        case(
            EP,
            base,
            Path,
            ov(json!({"type": "image", "input": "mask.png", "layerMode": "cutter"})),
            "https://ik.imagekit.io/test_url_endpoint/tr:l-image,i-mask.png,lm-cutter,l-end/base-image.jpg",
        ),
        case(
            EP,
            base,
            Path,
            ov(json!({"type": "image", "input": "mask.png", "layerMode": "cutout"})),
            "https://ik.imagekit.io/test_url_endpoint/tr:l-image,i-mask.png,lm-cutout,l-end/base-image.jpg",
        ),
        case(
            EP,
            base,
            Path,
            ov(
                json!({"type": "image", "input": "displacement-map.png", "layerMode": "displace", "position": {"x": "50", "y": "50"}}),
            ),
            "https://ik.imagekit.io/test_url_endpoint/tr:l-image,i-displacement-map.png,lm-displace,lx-50,ly-50,l-end/base-image.jpg",
        ),
    ]);
}

/// The overlay encoding tests; base64 expectations were computed with Node's
/// `encodeURIComponent(Buffer.from(s).toString("base64"))`.
#[test]
fn overlay_encoding_test_ts_vectors() {
    let cafe = "/medium_cafe_B1iTdD0C.jpg";
    let ov = |o: Value| json!([{"overlay": o}]);
    check(&[
        case(
            DEMO,
            cafe,
            Path,
            ov(json!({"type": "image", "input": "/customer_logo/nykaa.png"})),
            "https://ik.imagekit.io/demo/tr:l-image,i-customer_logo@@nykaa.png,l-end/medium_cafe_B1iTdD0C.jpg",
        ),
        case(
            DEMO,
            cafe,
            Path,
            ov(json!({"type": "image", "input": "/customer_logo/Ñykaa.png"})),
            "https://ik.imagekit.io/demo/tr:l-image,ie-Y3VzdG9tZXJfbG9nby%2FDkXlrYWEucG5n,l-end/medium_cafe_B1iTdD0C.jpg",
        ),
        case(
            DEMO,
            cafe,
            Path,
            ov(json!({"type": "text", "text": "Manu"})),
            "https://ik.imagekit.io/demo/tr:l-text,i-Manu,l-end/medium_cafe_B1iTdD0C.jpg",
        ),
        case(
            DEMO,
            cafe,
            Path,
            ov(
                json!({"type": "text", "text": "Manu", "transformation": [{"fontFamily": "nested-path/Poppins-Regular_Q15GrYWmL.ttf"}]}),
            ),
            "https://ik.imagekit.io/demo/tr:l-text,i-Manu,ff-nested-path@@Poppins-Regular_Q15GrYWmL.ttf,l-end/medium_cafe_B1iTdD0C.jpg",
        ),
        case(
            DEMO,
            cafe,
            Path,
            ov(json!({"type": "text", "text": "alnum123-._ "})),
            "https://ik.imagekit.io/demo/tr:l-text,i-alnum123-._%20,l-end/medium_cafe_B1iTdD0C.jpg",
        ),
        case(
            DEMO,
            cafe,
            Path,
            ov(json!({"type": "text", "text": "Let's use ©, ®, ™, etc"})),
            "https://ik.imagekit.io/demo/tr:l-text,ie-TGV0J3MgdXNlIMKpLCDCriwg4oSiLCBldGM%3D,l-end/medium_cafe_B1iTdD0C.jpg",
        ),
        case(
            DEMO,
            "/sample.jpg",
            Path,
            ov(json!({"type": "text", "text": "HelloWorld", "encoding": "plain"})),
            "https://ik.imagekit.io/demo/tr:l-text,i-HelloWorld,l-end/sample.jpg",
        ),
        case(
            DEMO,
            "/sample.jpg",
            Path,
            ov(json!({"type": "text", "text": "HelloWorld", "encoding": "base64"})),
            "https://ik.imagekit.io/demo/tr:l-text,ie-SGVsbG9Xb3JsZA%3D%3D,l-end/sample.jpg",
        ),
        case(
            DEMO,
            "/sample.jpg",
            Path,
            ov(json!({"type": "image", "input": "/customer/logo.png", "encoding": "plain"})),
            "https://ik.imagekit.io/demo/tr:l-image,i-customer@@logo.png,l-end/sample.jpg",
        ),
        case(
            DEMO,
            "/sample.jpg",
            Path,
            ov(json!({"type": "image", "input": "/customer/logo.png", "encoding": "base64"})),
            "https://ik.imagekit.io/demo/tr:l-image,ie-Y3VzdG9tZXIvbG9nby5wbmc%3D,l-end/sample.jpg",
        ),
        case(
            DEMO,
            "/sample.mp4",
            Path,
            ov(json!({"type": "video", "input": "/path/to/video.mp4", "encoding": "base64"})),
            "https://ik.imagekit.io/demo/tr:l-video,ie-cGF0aC90by92aWRlby5tcDQ%3D,l-end/sample.mp4",
        ),
        case(
            DEMO,
            "/sample.mp4",
            Path,
            ov(json!({"type": "subtitle", "input": "/sub.srt", "encoding": "plain"})),
            "https://ik.imagekit.io/demo/tr:l-subtitles,i-sub.srt,l-end/sample.mp4",
        ),
        case(
            DEMO,
            "/sample.mp4",
            Path,
            ov(json!({"type": "subtitle", "input": "sub.srt", "encoding": "base64"})),
            "https://ik.imagekit.io/demo/tr:l-subtitles,ie-c3ViLnNydA%3D%3D,l-end/sample.mp4",
        ),
        case(
            DEMO,
            "/sample.jpg",
            Query,
            ov(json!({"type": "text", "text": "Minimal Text"})),
            "https://ik.imagekit.io/demo/sample.jpg?tr=l-text,i-Minimal%20Text,l-end",
        ),
    ]);
}

pub fn combined_overlays_json() -> Value {
    let position = json!({"x": "10", "y": "20", "focus": "center"});
    let timing = json!({"start": 5, "duration": "10", "end": 15});
    json!([
        {"overlay": {"type": "text", "text": "Every thing", "position": position, "timing": timing,
            "transformation": [{"width": "bw_mul_0.5", "fontSize": 20, "fontFamily": "Arial", "fontColor": "0000ff",
                "innerAlignment": "left", "padding": 5, "alpha": 7, "typography": "b", "background": "red",
                "radius": 10, "rotation": "N45", "flip": "h", "lineHeight": 20}]}},
        {"overlay": {"type": "image", "input": "logo.png", "position": position, "timing": timing,
            "transformation": [{"width": "bw_mul_0.5", "height": "bh_mul_0.5", "rotation": "N45", "flip": "h",
                "overlay": {"type": "text", "text": "Nested text overlay"}}]}},
        {"overlay": {"type": "video", "input": "play-pause-loop.mp4", "position": position, "timing": timing,
            "transformation": [{"width": "bw_mul_0.5", "height": "bh_mul_0.5", "rotation": "N45", "flip": "h"}]}},
        {"overlay": {"type": "subtitle", "input": "subtitle.srt", "position": position, "timing": timing,
            "transformation": [{"background": "red", "color": "0000ff", "fontFamily": "Arial",
                "fontOutline": "2_A1CCDD50", "fontShadow": "A1CCDD_3"}]}},
        {"overlay": {"type": "solidColor", "color": "FF0000", "position": position, "timing": timing,
            "transformation": [{"width": "bw_mul_0.5", "height": "bh_mul_0.5", "alpha": 0.5, "background": "red",
                "gradient": true, "radius": "max"}]}}
    ])
}

pub const COMBINED_OVERLAYS: &str = "l-text,i-Every%20thing,lx-10,ly-20,lfo-center,lso-5,leo-15,ldu-10,w-bw_mul_0.5,fs-20,ff-Arial,co-0000ff,ia-left,pa-5,al-7,tg-b,bg-red,r-10,rt-N45,fl-h,lh-20,l-end:l-image,i-logo.png,lx-10,ly-20,lfo-center,lso-5,leo-15,ldu-10,w-bw_mul_0.5,h-bh_mul_0.5,rt-N45,fl-h,l-text,i-Nested%20text%20overlay,l-end,l-end:l-video,i-play-pause-loop.mp4,lx-10,ly-20,lfo-center,lso-5,leo-15,ldu-10,w-bw_mul_0.5,h-bh_mul_0.5,rt-N45,fl-h,l-end:l-subtitles,i-subtitle.srt,lx-10,ly-20,lfo-center,lso-5,leo-15,ldu-10,bg-red,co-0000ff,ff-Arial,fol-2_A1CCDD50,fsh-A1CCDD_3,l-end:l-image,i-ik_canvas,bg-FF0000,lx-10,ly-20,lfo-center,lso-5,leo-15,ldu-10,w-bw_mul_0.5,h-bh_mul_0.5,al-0.5,bg-red,e-gradient,r-max,l-end";

#[test]
fn combined_overlays_with_position_timing_and_nesting() {
    let url = build_url(&options(EP, "/base-image.jpg", Path, &combined_overlays_json())).unwrap();
    assert_eq!(url, format!("https://ik.imagekit.io/test_url_endpoint/tr:{COMBINED_OVERLAYS}/base-image.jpg"));
}

#[test]
fn build_transformation_string_test_ts_vectors() {
    let table = [
        (json!([{}]), ""),
        (json!([{"width": 300}]), "w-300"),
        (json!([{"overlay": {"type": "text", "text": "Hello"}}]), "l-text,i-Hello,l-end"),
    ];
    for (input, expected) in table {
        assert_eq!(from_sdk_json(&input).unwrap().to_string(), expected, "{input}");
    }
}

#[test]
fn missing_or_invalid_src_and_endpoint_are_errors_not_empty_urls() {
    let o = |endpoint: &str, src: &str| UrlOptions {
        url_endpoint: endpoint.into(),
        src: src.into(),
        ..UrlOptions::default()
    };
    assert_eq!(build_url(&o(EP, "")), Err(UrlError::MissingSrc));
    assert_eq!(build_url(&o(EP, "https://")), Err(UrlError::InvalidSrc("https://".into())));
    assert_eq!(build_url(&o("not a url", "/a.jpg")), Err(UrlError::InvalidEndpoint("not a url".into())));
    let mut signed_without_endpoint = sign(o("", "https://example.com/a.jpg"));
    assert_eq!(build_url(&signed_without_endpoint), Err(UrlError::SigningNeedsEndpoint));
    signed_without_endpoint.url_endpoint = EP.into();
    signed_without_endpoint.signing = Some(UrlSigning { private_key: String::new(), expire_at: None });
    assert_eq!(build_url(&signed_without_endpoint), Err(UrlError::SigningNeedsPrivateKey));
    assert!(UrlError::MissingSrc.to_string().contains("file's path"));
}

/// WHATWG behaviours the SDK inherits from `new URL()` (expectations from Node 20).
#[test]
fn path_and_query_encoding_match_whatwg_url() {
    let o = UrlOptions { url_endpoint: DEMO_SLASH.into(), src: "a b?c#d/é.jpg".into(), ..UrlOptions::default() };
    assert_eq!(build_url(&o).unwrap(), "https://ik.imagekit.io/demo/a%20b%3Fc%23d/%C3%A9.jpg");
    let o = UrlOptions {
        src: "https://x.com/a.jpg?a=b%20c,d".into(),
        query_parameters: query(&[("k", "v w,x")]),
        ..UrlOptions::default()
    };
    assert_eq!(build_url(&o).unwrap(), "https://x.com/a.jpg?a=b+c%2Cd&k=v+w%2Cx");
}

// ---------------------------------------------------------------------------------------------
// Signed URLs: spec §9.2, all nine rows.

struct Signed {
    row: &'static str,
    src: &'static str,
    tr: &'static str,
    position: TransformationPosition,
    query: &'static [(&'static str, &'static str)],
    expected: &'static str,
}

const HINDI: &str = "sdk-testing-files/हिन्दी.png";
const HINDI_TEXT_CO_FS_FF: &str =
    "l-text,ie-4KS54KS%2F4KSo4KWN4KSm4KWA,co-red,fs-32,ff-sdk-testing-files@@Poppins-Regular_Q15GrYWmL.ttf,l-end";
const HINDI_TEXT_FS_FF_CO: &str =
    "l-text,ie-4KS54KS%2F4KSo4KWN4KSm4KWA,fs-32,ff-sdk-testing-files@@Poppins-Regular_Q15GrYWmL.ttf,co-red,l-end";

const SIGNED: &[Signed] = &[
    Signed {
        row: "1",
        src: "sdk-testing-files/future-search.png",
        tr: "",
        position: Query,
        query: &[],
        expected: "https://ik.imagekit.io/demo/sdk-testing-files/future-search.png?ik-s=32dbbbfc5f945c0403c71b54c38e76896ef2d6b0",
    },
    Signed {
        row: "2",
        src: HINDI,
        tr: "",
        position: Query,
        query: &[],
        expected: "https://ik.imagekit.io/demo/sdk-testing-files/%E0%A4%B9%E0%A4%BF%E0%A4%A8%E0%A5%8D%E0%A4%A6%E0%A5%80.png?ik-s=3fff2f31da1f45e007adcdbe95f88c8c330e743c",
    },
    Signed {
        row: "3",
        src: "sdk-testing-files/future-search.png",
        tr: "",
        position: Query,
        query: &[("version", "1.0"), ("cache", "false")],
        expected: "https://ik.imagekit.io/demo/sdk-testing-files/future-search.png?version=1.0&cache=false&ik-s=f2e5a1b8b6a0b03fd63789dfc6413a94acef9fd8",
    },
    Signed {
        row: "3b",
        src: "sdk-testing-files/future-search.png",
        tr: "",
        position: Query,
        query: &[("cache", "false"), ("version", "1.0")],
        expected: "https://ik.imagekit.io/demo/sdk-testing-files/future-search.png?cache=false&version=1.0&ik-s=03767bb6f0898c04e42f65714af65d937c696d66",
    },
    Signed {
        row: "4",
        src: "sdk-testing-files/future-search.png",
        tr: "w-300,h-200",
        position: Query,
        query: &[("version", "2.0")],
        expected: "https://ik.imagekit.io/demo/sdk-testing-files/future-search.png?version=2.0&tr=w-300,h-200&ik-s=601d97a7834b7554f4dabf0d3fc3a219ceeb6b31",
    },
    Signed {
        row: "5",
        src: "sdk-testing-files/future-search.png",
        tr: "w-300,h-200",
        position: Path,
        query: &[("version", "2.0")],
        expected: "https://ik.imagekit.io/demo/tr:w-300,h-200/sdk-testing-files/future-search.png?version=2.0&ik-s=dd1ee8f83d019bc59fd57a5fc4674a11eb8a3496",
    },
    Signed {
        row: "6",
        src: HINDI,
        tr: HINDI_TEXT_CO_FS_FF,
        position: Query,
        query: &[],
        expected: "https://ik.imagekit.io/demo/sdk-testing-files/%E0%A4%B9%E0%A4%BF%E0%A4%A8%E0%A5%8D%E0%A4%A6%E0%A5%80.png?tr=l-text,ie-4KS54KS%2F4KSo4KWN4KSm4KWA,co-red,fs-32,ff-sdk-testing-files@@Poppins-Regular_Q15GrYWmL.ttf,l-end&ik-s=ac9f24a03080102555e492185533c1ae6bd93fa7",
    },
    Signed {
        row: "7",
        src: HINDI,
        tr: HINDI_TEXT_CO_FS_FF,
        position: Path,
        query: &[],
        expected: "https://ik.imagekit.io/demo/tr:l-text,ie-4KS54KS%2F4KSo4KWN4KSm4KWA,co-red,fs-32,ff-sdk-testing-files@@Poppins-Regular_Q15GrYWmL.ttf,l-end/sdk-testing-files/%E0%A4%B9%E0%A4%BF%E0%A4%A8%E0%A5%8D%E0%A4%A6%E0%A5%80.png?ik-s=69f2ecbb7364bbbad24616e1f7f1bac5a560fc71",
    },
    Signed {
        row: "8",
        src: HINDI,
        tr: HINDI_TEXT_FS_FF_CO,
        position: Query,
        query: &[],
        expected: "https://ik.imagekit.io/demo/sdk-testing-files/%E0%A4%B9%E0%A4%BF%E0%A4%A8%E0%A5%8D%E0%A4%A6%E0%A5%80.png?tr=l-text,ie-4KS54KS%2F4KSo4KWN4KSm4KWA,fs-32,ff-sdk-testing-files@@Poppins-Regular_Q15GrYWmL.ttf,co-red,l-end&ik-s=705e41579d368caa6530a4375355325277fcfe5c",
    },
    Signed {
        row: "9",
        src: HINDI,
        tr: HINDI_TEXT_FS_FF_CO,
        position: Path,
        query: &[],
        expected: "https://ik.imagekit.io/demo/tr:l-text,ie-4KS54KS%2F4KSo4KWN4KSm4KWA,fs-32,ff-sdk-testing-files@@Poppins-Regular_Q15GrYWmL.ttf,co-red,l-end/sdk-testing-files/%E0%A4%B9%E0%A4%BF%E0%A4%A8%E0%A5%8D%E0%A4%A6%E0%A5%80.png?ik-s=20958f6126fd67c90653f55a49f2b7bb938d9d1c",
    },
];

fn signed_options(v: &Signed) -> UrlOptions {
    sign(UrlOptions {
        url_endpoint: DEMO_SLASH.into(),
        src: v.src.into(),
        transformation: Transformation::parse(v.tr),
        position: v.position,
        query_parameters: query(v.query),
        signing: None,
    })
}

#[test]
fn signed_url_vectors_spec_9_2_from_tr_strings() {
    for v in SIGNED {
        assert_eq!(build_url(&signed_options(v)).as_deref(), Ok(v.expected), "row {}", v.row);
    }
}

/// signing.test.ts builds rows 6 and 7 from SDK JSON (text overlay with a nested transformation).
#[test]
fn signed_url_vectors_from_sdk_json() {
    let overlay = json!([{"overlay": {"type": "text", "text": "हिन्दी", "transformation": [
        {"fontColor": "red", "fontSize": "32", "fontFamily": "sdk-testing-files/Poppins-Regular_Q15GrYWmL.ttf"}
    ]}}]);
    let w300 = json!([{"width": 300, "height": 200}]);
    type Row<'a> = (&'a Value, TransformationPosition, &'a [(&'a str, &'a str)], &'a str);
    let table: [Row; 4] = [
        (&overlay, Query, &[], SIGNED[6].expected),
        (&overlay, Path, &[], SIGNED[7].expected),
        (&w300, Query, &[("version", "2.0")], SIGNED[4].expected),
        (&w300, Path, &[("version", "2.0")], SIGNED[5].expected),
    ];
    for (json, position, q, expected) in table {
        let mut o = sign(options(DEMO_SLASH, HINDI, position, json));
        if json == &w300 {
            o.src = "sdk-testing-files/future-search.png".into();
        }
        o.query_parameters = query(q);
        assert_eq!(build_url(&o).unwrap(), expected);
    }
}

/// The endpoint's trailing slash and an absolute `src` on the endpoint do not change what is signed.
#[test]
fn signing_is_independent_of_how_the_endpoint_or_src_is_written() {
    for (endpoint, src) in [
        (DEMO, "sdk-testing-files/future-search.png"),
        (DEMO, "/sdk-testing-files/future-search.png"),
        (DEMO_SLASH, "https://ik.imagekit.io/demo/sdk-testing-files/future-search.png"),
    ] {
        let o = sign(UrlOptions { url_endpoint: endpoint.into(), src: src.into(), ..UrlOptions::default() });
        assert_eq!(build_url(&o).unwrap(), SIGNED[0].expected, "{endpoint} {src}");
    }
}

#[test]
fn unsigned_url_has_no_signature_parameters() {
    let o = UrlOptions {
        url_endpoint: DEMO_SLASH.into(),
        src: "sdk-testing-files/future-search.png".into(),
        ..UrlOptions::default()
    };
    assert_eq!(build_url(&o).unwrap(), "https://ik.imagekit.io/demo/sdk-testing-files/future-search.png");
}

#[test]
fn explicit_expiry_adds_ik_t_before_ik_s_and_verifies() {
    let mut o = signed_options(&SIGNED[0]);
    o.signing = Some(UrlSigning { private_key: KEY.into(), expire_at: Some(1_700_003_600) });
    let url = build_url(&o).unwrap();
    let (_, after) = url.split_once("?ik-t=1700003600&ik-s=").expect("ik-t then ik-s");
    assert_eq!(after.len(), 40);
    let target = url.strip_prefix(DEMO_SLASH).unwrap();
    assert_eq!(verify_signed_url(target, KEY, 1_700_000_000), Ok(()));
    assert_eq!(verify_signed_url(target, KEY, 1_700_003_600), Ok(()));
    assert_eq!(
        verify_signed_url(target, KEY, 1_700_003_601),
        Err(SignatureError::Expired { expired_at: 1_700_003_600, now: 1_700_003_601 })
    );
    // With a query already present, ik-t is joined with `&`.
    let mut o = signed_options(&SIGNED[4]);
    o.signing = Some(UrlSigning { private_key: KEY.into(), expire_at: Some(1_700_003_600) });
    let url = build_url(&o).unwrap();
    assert!(url.contains("?version=2.0&tr=w-300,h-200&ik-t=1700003600&ik-s="), "{url}");
    assert_eq!(verify_signed_url(url.strip_prefix(DEMO_SLASH).unwrap(), KEY, 1_700_000_000), Ok(()));
    // The default expiry constant behaves like no expiry: only ik-s.
    let mut o = signed_options(&SIGNED[0]);
    o.signing = Some(UrlSigning { private_key: KEY.into(), expire_at: Some(DEFAULT_EXPIRY) });
    assert_eq!(build_url(&o).unwrap(), SIGNED[0].expected);
}

#[test]
fn every_spec_vector_verifies_as_the_emulator_would() {
    for v in SIGNED {
        let target = v.expected.strip_prefix(DEMO_SLASH).unwrap();
        assert_eq!(verify_signed_url(target, KEY, 4_000_000_000), Ok(()), "row {}", v.row);
        assert_eq!(verify_signed_url(target, "another-key", 0), Err(SignatureError::Mismatch), "row {}", v.row);
    }
}

#[test]
fn tampered_unsigned_or_malformed_urls_are_refused() {
    let target = SIGNED[4].expected.strip_prefix(DEMO_SLASH).unwrap();
    let cases = [
        (target.replace("w-300", "w-301"), SignatureError::Mismatch),
        (target.replace("version=2.0", "version=2.1"), SignatureError::Mismatch),
        // Parameter order is part of what is signed (rows 3 and 3b).
        (
            SIGNED[2]
                .expected
                .strip_prefix(DEMO_SLASH)
                .unwrap()
                .replace("version=1.0&cache=false", "cache=false&version=1.0"),
            SignatureError::Mismatch,
        ),
        ("sdk-testing-files/future-search.png".to_string(), SignatureError::Missing),
        ("sdk-testing-files/future-search.png?version=2.0".to_string(), SignatureError::Missing),
        // ik-s that is not trailing does not count.
        (format!("{target}&x=1"), SignatureError::Missing),
        ("a.png?ik-t=soon&ik-s=00".to_string(), SignatureError::MalformedExpiry("soon".into())),
        ("a.png?ik-s=not-hex".to_string(), SignatureError::Mismatch),
    ];
    for (target, expected) in cases {
        assert_eq!(verify_signed_url(&target, KEY, 0), Err(expected), "{target}");
    }
}

// ---------------------------------------------------------------------------------------------
// Special video endpoints and the typical merchandiser URLs of §10.6.

#[test]
fn video_suffix_helpers() {
    assert_eq!(thumbnail_src("/v.mp4"), "/v.mp4/ik-thumbnail.jpg");
    assert_eq!(hls_src("/v.mp4"), "/v.mp4/ik-master.m3u8");
    assert_eq!(dash_src("/v.mp4"), "/v.mp4/ik-master.mpd");
    assert_eq!(with_video_suffix("/anim.gif", VideoSuffix::GifToMp4), "/anim.gif/ik-gif-video.mp4");
    assert_eq!(with_video_suffix("/clip.mov", VideoSuffix::Mp4), "/clip.mov/ik-video.mp4");
    assert_eq!(
        thumbnail_src("https://cdn.example.com/v.mp4?ik-obj-version=2"),
        "https://cdn.example.com/v.mp4/ik-thumbnail.jpg?ik-obj-version=2"
    );
}

#[test]
fn typical_merchandiser_urls_from_spec_10_6() {
    let build = |src: String, step: Step| {
        build_url(&UrlOptions {
            url_endpoint: DEMO.into(),
            src,
            transformation: Transformation::new().then(step),
            ..UrlOptions::default()
        })
        .unwrap()
    };
    let webm = Step::new()
        .with("w", 1280)
        .with("h", 720)
        .with("f", "webm")
        .with("vc", "vp9")
        .with("ac", "none")
        .with("so", 0)
        .with("du", 10);
    assert_eq!(
        build("/v.mp4".into(), webm),
        "https://ik.imagekit.io/demo/v.mp4?tr=w-1280,h-720,f-webm,vc-vp9,ac-none,so-0,du-10"
    );
    assert_eq!(
        build(thumbnail_src("/v.mp4"), Step::new().with("so", 3).with("w", 400)),
        "https://ik.imagekit.io/demo/v.mp4/ik-thumbnail.jpg?tr=so-3,w-400"
    );
    assert_eq!(
        build(hls_src("/v.mp4"), Step::new().with("sr", "240_360_480_720_1080")),
        "https://ik.imagekit.io/demo/v.mp4/ik-master.m3u8?tr=sr-240_360_480_720_1080"
    );
    let label = Layer::text_with("SALE $29", sr_imagekit::transform::InputEncoding::Plain)
        .with("fs", 40)
        .with("co", "FFFFFF")
        .with("bg", "FF0000")
        .with("pa", 10)
        .with("lfo", "top_left");
    assert_eq!(
        build("/p.jpg".into(), Step::new().with_layer(label)),
        "https://ik.imagekit.io/demo/p.jpg?tr=l-text,i-SALE%20%2429,fs-40,co-FFFFFF,bg-FF0000,pa-10,lfo-top_left,l-end"
    );
}
