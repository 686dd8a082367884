use serde_json::{Value, json};

use crate::common::*;

#[tokio::test]
async fn upload_shapes_the_response_and_stores_the_file() {
    let emu = Emu::start().await;
    let body = emu
        .upload("Summer dress (red).png", png(40, 30), &[("folder", "/products/summer"), ("tags", "dress,red")])
        .await;
    let name = body["name"].as_str().unwrap();
    assert!(name.starts_with("Summer_dress__red__") && name.ends_with(".png"), "{name}");
    assert_eq!(name.len(), "Summer_dress__red__".len() + 9 + ".png".len());
    let id = body["fileId"].as_str().unwrap();
    assert_eq!(id.len(), 24);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_eq!(body["versionInfo"], json!({"id": id, "name": "Version 1"}));
    assert_eq!(body["filePath"], json!(format!("/products/summer/{name}")));
    assert_eq!((body["width"].as_u64(), body["height"].as_u64()), (Some(40), Some(30)));
    assert_eq!(body["fileType"], "image");
    assert!(body["thumbnailUrl"].as_str().unwrap().contains("/tr:n-ik_ml_thumbnail/products/summer/"));
    assert!(body.get("type").is_none() && body.get("tags").is_none());
    assert!(body.get("AITags").is_some());
    // Folder was auto-created.
    let (st, folders) = emu.json(emu.get("/v1/files?type=folder&path=/products/")).await;
    assert_eq!(st, 200);
    assert_eq!(folders[0]["folderPath"], "/products/summer");
    // The delivery URL serves the original bytes.
    let bytes = emu.http.get(body["url"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(bytes.headers()["content-type"], "image/png");
    assert_eq!(bytes.bytes().await.unwrap().to_vec(), png(40, 30));
}

#[tokio::test]
async fn response_fields_and_options() {
    let emu = Emu::start().await;
    let body = emu
        .upload(
            "a.png",
            png(4, 4),
            &[
                ("responseFields", "tags,customCoordinates,isPrivateFile,isPublished,customMetadata,metadata"),
                ("tags", "x, y"),
                ("customCoordinates", "1,2,3,4"),
                ("isPrivateFile", "true"),
                ("description", "front view"),
            ],
        )
        .await;
    assert_eq!(body["tags"], json!(["x", "y"]));
    assert_eq!(body["customCoordinates"], "1,2,3,4");
    assert_eq!(body["isPrivateFile"], true);
    assert_eq!(body["isPublished"], true);
    assert_eq!(body["customMetadata"], json!({}));
    assert_eq!(body["metadata"]["format"], "png");
    assert_eq!(body["description"], "front view");
}

#[tokio::test]
async fn overwrite_creates_versions_and_honours_flags() {
    let emu = Emu::start().await;
    let first = emu.upload("p.png", png(2, 2), &[("useUniqueFileName", "false"), ("tags", "a")]).await;
    let id = first["fileId"].as_str().unwrap();
    let second = emu.upload("p.png", png(3, 3), &[("useUniqueFileName", "false"), ("overwriteTags", "false")]).await;
    assert_eq!(second["fileId"], id);
    assert_eq!(second["versionInfo"]["name"], "Version 2");
    assert_ne!(second["versionInfo"]["id"], id);
    let (_, d) = emu.json(emu.get(&format!("/v1/files/{id}/details"))).await;
    assert_eq!(d["tags"], json!(["a"]), "overwriteTags=false keeps tags");
    assert_eq!(d["width"], 3);
    let third = emu.upload("p.png", png(5, 5), &[("useUniqueFileName", "false")]).await;
    assert_eq!(third["versionInfo"]["name"], "Version 3");
    let (_, d) = emu.json(emu.get(&format!("/v1/files/{id}/details"))).await;
    assert_eq!(d["tags"], Value::Null, "omitted tags with overwriteTags=true clears them");
    let (st, err) =
        emu.upload_raw("p.png", png(2, 2), &[("useUniqueFileName", "false"), ("overwriteFile", "false")]).await;
    assert_eq!(st, 400);
    assert_eq!(
        err["message"],
        "A file with the same name already exists at the exact location. We could not overwrite it because both overwriteFile and useUniqueFileName are set to false."
    );
    assert_eq!(err["help"], HELP);
}

#[tokio::test]
async fn validation_errors() {
    let emu = Emu::start().await;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("tags", "50%off")], "%"),
        (
            vec![("transformation", "{}")],
            "Invalid transformation parameter. Please include at least pre, post, or both.",
        ),
        (vec![("transformation", r#"{"pre":""}"#)], "Invalid pre transformation parameter."),
        (
            vec![("transformation", r#"{"post":[{"type":"abs","value":"sr-240"}]}"#)],
            "Invalid post transformation parameter.",
        ),
        (vec![("checks", "\"request.folder\" ~~ 1")], "Your request contains invalid syntax for the checks parameter."),
        (vec![("checks", "'file.size' < '10b'")], "did not pass"),
        (vec![("customCoordinates", "1,2")], "customCoordinates"),
        (vec![("responseFields", "bogus")], "responseFields"),
        (vec![("customMetadata", r#"{"nope": 1}"#)], "nope"),
    ];
    for (fields, want) in cases {
        let (st, body) = emu.upload_raw("v.png", png(64, 64), &fields).await;
        assert_eq!(st, 400, "{fields:?} -> {body}");
        assert!(body["message"].as_str().unwrap().contains(want), "{fields:?} -> {body}");
    }
    let ok = emu
        .upload("c.png", png(2, 2), &[("checks", "\"request.folder\" : \"marketing/\""), ("folder", "/marketing/x")])
        .await;
    assert_eq!(ok["filePath"].as_str().unwrap().split('/').nth(1), Some("marketing"));
    let deep = (0..51).map(|i| format!("f{i}")).collect::<Vec<_>>().join("/");
    let (st, _) = emu.upload_raw("d.png", png(2, 2), &[("folder", &deep)]).await;
    assert_eq!(st, 400);
    // Missing file.
    let form = reqwest::multipart::Form::new().text("fileName", "x.png");
    let (st, body) = emu.json(emu.post("/api/v1/files/upload").multipart(form)).await;
    assert_eq!((st, body["message"].as_str()), (400, Some("Missing file parameter for upload")));
}

#[tokio::test]
async fn plan_limits_and_base64() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = sr_emulator::EmulatorConfig::with_keys(dir.path(), PRIVATE, PUBLIC);
    cfg.limits = sr_emulator::PlanLimits { max_file_bytes: 1000, max_video_bytes: 5000 };
    let emu = Emu::start_with(dir, cfg).await;
    let (st, body) = emu.upload_raw("big.bin", vec![7u8; 4000], &[]).await;
    assert_eq!(st, 400);
    assert!(body["message"].as_str().unwrap().contains("File size exceeds"));
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(png(3, 3));
    let form = reqwest::multipart::Form::new()
        .text("file", format!("data:image/png;base64,{b64}"))
        .text("fileName", "b64.png");
    let (st, body) = emu.json(emu.post("/api/v1/files/upload").multipart(form)).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["width"], 3);
}

#[tokio::test]
async fn auth_basic_and_client_side() {
    let emu = Emu::start().await;
    let form = || {
        reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(png(2, 2)).file_name("a.png"))
            .text("fileName", "a.png")
    };
    let r = emu.http.post(emu.url("/api/v1/files/upload")).multipart(form()).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = emu
        .http
        .post(emu.url("/api/v1/files/upload"))
        .basic_auth("wrong", Some(""))
        .multipart(form())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["message"], "Your account cannot be authenticated.");
    let r = emu.http.get(emu.url("/v1/files")).header("authorization", "Bearer x").send().await.unwrap();
    assert_eq!(r.status(), 401);

    let now = chrono::Utc::now().timestamp();
    let client = |token: &str, expire: i64, sig: Option<String>| {
        let sig = sig.unwrap_or_else(|| sr_imagekit::signing::hmac_sha1_hex(PRIVATE, &format!("{token}{expire}")));
        form()
            .text("publicKey", PUBLIC)
            .text("token", token.to_string())
            .text("expire", expire.to_string())
            .text("signature", sig)
    };
    let (st, _) =
        emu.json(emu.http.post(emu.url("/api/v1/files/upload")).multipart(client("tok-1", now + 600, None))).await;
    assert_eq!(st, 200);
    let (st, body) =
        emu.json(emu.http.post(emu.url("/api/v1/files/upload")).multipart(client("tok-1", now + 600, None))).await;
    assert_eq!(st, 400);
    assert_eq!(
        body["message"],
        "The token with value 'tok-1' has been used before. We suggest using V4 UUIDs, or another random string with enough entropy to avoid collisions."
    );
    for expire in [now - 1, now + 3700] {
        let (st, body) =
            emu.json(emu.http.post(emu.url("/api/v1/files/upload")).multipart(client("tok-2", expire, None))).await;
        assert_eq!(st, 400);
        assert_eq!(
            body["message"],
            "Your request contains invalid expire parameter. Expire parameter should be a Unix time in less than 1 hour into the future."
        );
    }
    let (st, _) = emu
        .json(emu.http.post(emu.url("/api/v1/files/upload")).multipart(client("tok-3", now + 60, Some("00".into()))))
        .await;
    assert_eq!(st, 400);
}

#[tokio::test]
async fn v2_jwt_upload_is_one_time() {
    let emu = Emu::start().await;
    let now = chrono::Utc::now().timestamp();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some(PUBLIC.into());
    let claims = json!({"fileName": "j.png", "tags": "a,b", "iat": now, "exp": now + 600});
    let token =
        jsonwebtoken::encode(&header, &claims, &jsonwebtoken::EncodingKey::from_secret(PRIVATE.as_bytes())).unwrap();
    let form = |tags: &str| {
        reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(png(2, 2)).file_name("j.png"))
            .text("fileName", "j.png")
            .text("tags", tags.to_string())
            .text("token", token.clone())
    };
    let (st, body) = emu.json(emu.http.post(emu.url("/api/v2/files/upload")).multipart(form("a,c"))).await;
    assert_eq!(st, 400, "{body}");
    let (st, body) = emu.json(emu.http.post(emu.url("/api/v2/files/upload")).multipart(form("a,b"))).await;
    assert_eq!(st, 200, "{body}");
    let (st, _) = emu.json(emu.http.post(emu.url("/api/v2/files/upload")).multipart(form("a,b"))).await;
    assert_eq!(st, 400);
}

#[tokio::test]
async fn video_upload_reports_dimensions_and_duration() {
    let dir = tempfile::tempdir().unwrap();
    let mp4 = dir.path().join("clip.mp4");
    let ok = std::process::Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=25:duration=2",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=2",
            "-shortest",
            "-c:v",
            "libx264",
            "-c:a",
            "aac",
            "-pix_fmt",
            "yuv420p",
        ])
        .arg(&mp4)
        .status()
        .unwrap();
    assert!(ok.success());
    let emu = Emu::start().await;
    let body = emu.upload("clip.mp4", std::fs::read(&mp4).unwrap(), &[]).await;
    assert_eq!(body["fileType"], "non-image");
    assert_eq!((body["width"].as_u64(), body["height"].as_u64()), (Some(320), Some(240)));
    let d = body["duration"].as_f64().unwrap();
    assert!((1.9..2.2).contains(&d), "{d}");
    assert_eq!(body["videoCodec"], "h264");
    assert_eq!(body["audioCodec"], "aac");
}
