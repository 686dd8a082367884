//! Client-upload auth parameters (spec §2.2) and legacy webhook signatures (§11.2).

use sr_imagekit::signing::{
    AuthParams, DEFAULT_AUTH_TTL_SECONDS, WebhookSignatureError, auth_params, verify_webhook_signature,
    webhook_signature_header,
};

const NOW: i64 = 1_700_000_000;

#[test]
fn auth_params_vector_from_spec_2_2() {
    let p = auth_params("private_key_test", Some("your_token".into()), Some(1582269249), NOW);
    assert_eq!(
        p,
        AuthParams {
            token: "your_token".into(),
            expire: 1582269249,
            signature: "e71bcd6031016b060d349d212e23e85c791decdd".into()
        }
    );
    assert_eq!(
        serde_json::to_value(&p).unwrap(),
        serde_json::json!({"token": "your_token", "expire": 1582269249, "signature": "e71bcd6031016b060d349d212e23e85c791decdd"})
    );
}

#[test]
fn expire_defaults_to_thirty_minutes_after_now_like_the_sdk() {
    for expire in [None, Some(0)] {
        let p = auth_params("private_key_test", Some("your_token".into()), expire, NOW);
        assert_eq!(p.expire, NOW + DEFAULT_AUTH_TTL_SECONDS);
        assert_eq!(p.expire, NOW + 1800);
        let again = auth_params("private_key_test", Some("your_token".into()), Some(NOW + 1800), 0);
        assert_eq!(p.signature, again.signature, "the default expiry is signed like an explicit one");
    }
}

#[test]
fn default_token_is_a_fresh_v4_uuid() {
    let a = auth_params("k", None, Some(NOW), NOW);
    let b = auth_params("k", Some(String::new()), Some(NOW), NOW);
    for p in [&a, &b] {
        let groups: Vec<&str> = p.token.split('-').collect();
        assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{}", p.token);
        assert!(groups[2].starts_with('4'), "version nibble: {}", p.token);
        assert!(p.token.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    }
    assert_ne!(a.token, b.token, "tokens are single-use, so each call needs a new one");
    assert_ne!(a.signature, b.signature);
}

const SECRET: &str = "whsec_xeO2UNkfKMQnfJf7Q/Qx+fYptL1wabXd";
const HEADER: &str = "t=1655788406333,v1=d30758f47fcb31e1fa0109d3b3e2a6c623e699aaf1461cba6bd462ef58ea4b31";
const BODY: &str = r#"{"type":"video.transformation.accepted","id":"58e6d24d-6098-4319-be8d-40c3cb0a402d","created_at":"2022-06-20T11:59:58.461Z","request":{"x_request_id":"fa98fa2e-d6cd-45b4-acf5-bc1d2bbb8ba9","url":"http://ik.imagekit.io/demo/sample-video.mp4?tr=f-webm,q-10","user_agent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:101.0) Gecko/20100101 Firefox/101.0"},"data":{"asset":{"url":"http://ik.imagekit.io/demo/sample-video.mp4"},"transformation":{"type":"video-transformation","options":{"video_codec":"vp9","audio_codec":"opus","auto_rotate":true,"quality":10,"format":"webm"}}}}"#;

#[test]
fn legacy_webhook_signature_vector_from_spec_11_2() {
    assert_eq!(webhook_signature_header(SECRET, 1655788406333, BODY.as_bytes()), HEADER);
    assert_eq!(verify_webhook_signature(SECRET, HEADER, BODY.as_bytes()), Ok(1655788406333));
}

#[test]
fn legacy_webhook_signature_refusals() {
    let body = BODY.as_bytes();
    let v1 = HEADER.split_once(",v1=").unwrap().1;
    let cases = [
        (HEADER.to_string(), format!("{BODY} ").into_bytes(), WebhookSignatureError::IncorrectSignature),
        (HEADER.replace("1655788406333", "1655788406334"), body.to_vec(), WebhookSignatureError::IncorrectSignature),
        (format!("v1={v1}"), body.to_vec(), WebhookSignatureError::TimestampMissing),
        (format!("t=yesterday,v1={v1}"), body.to_vec(), WebhookSignatureError::TimestampInvalid("yesterday".into())),
        ("t=1655788406333".to_string(), body.to_vec(), WebhookSignatureError::SignatureMissing),
    ];
    for (header, body, expected) in cases {
        assert_eq!(verify_webhook_signature(SECRET, &header, &body), Err(expected), "{header}");
    }
    assert_eq!(verify_webhook_signature("whsec_other", HEADER, body), Err(WebhookSignatureError::IncorrectSignature));
}
