use serde_json::Value;

use crate::common::*;

#[tokio::test]
async fn range_requests_serve_original_bytes_and_tr_on_a_non_media_file_is_refused() {
    let emu = Emu::start().await;
    let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    let f = emu.upload("data.bin", data.clone(), &[("useUniqueFileName", "false"), ("folder", "/media")]).await;
    let url = f["url"].as_str().unwrap();
    let r = emu.http.get(url).header("range", "bytes=100-199").send().await.unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(r.bytes().await.unwrap().to_vec(), data[100..200].to_vec());
    // Never the original in place of a transformation it can't make.
    let tr = format!("{}tr:w-100,h-100/media/data.bin", emu.handle.url_endpoint());
    assert_eq!(emu.http.get(&tr).send().await.unwrap().status(), 400);
    let q = format!("{url}?tr=w-100");
    assert_eq!(emu.http.get(&q).send().await.unwrap().status(), 400);
    let missing = format!("{}media/none.bin", emu.handle.url_endpoint());
    assert_eq!(emu.http.get(&missing).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn private_files_need_a_valid_signature() {
    let emu = Emu::start().await;
    let f = emu.upload("secret.png", png(3, 3), &[("isPrivateFile", "true"), ("useUniqueFileName", "false")]).await;
    let url = f["url"].as_str().unwrap();
    assert_eq!(emu.http.get(url).send().await.unwrap().status(), 401);
    let sign = |target: &str, expiry: &str| sr_imagekit::signing::hmac_sha1_hex(PRIVATE, &format!("{target}{expiry}"));
    let s = sign("secret.png", "9999999999");
    let ok = emu.http.get(format!("{url}?ik-s={s}")).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.bytes().await.unwrap().to_vec(), png(3, 3));
    let future = (chrono::Utc::now().timestamp() + 300).to_string();
    let target = "tr:w-10/secret.png?v=1";
    let sig = sign(target, &future);
    let signed = format!("{}{target}&ik-t={future}&ik-s={sig}", emu.handle.url_endpoint());
    assert_eq!(emu.http.get(&signed).send().await.unwrap().status(), 200);
    let tampered = signed.replace("v=1", "v=2");
    assert_eq!(emu.http.get(&tampered).send().await.unwrap().status(), 401);
    let past = (chrono::Utc::now().timestamp() - 10).to_string();
    let sig = sign("secret.png", &past);
    let expired = format!("{url}?ik-t={past}&ik-s={sig}");
    assert_eq!(emu.http.get(&expired).send().await.unwrap().status(), 401);
    // Named transformations need no signature.
    let named = format!("{}tr:n-ik_ml_thumbnail/secret.png", emu.handle.url_endpoint());
    assert_eq!(emu.http.get(&named).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn unpublished_files_are_not_delivered() {
    let emu = Emu::start().await;
    let f = emu.upload("draft.png", png(2, 2), &[("isPublished", "false")]).await;
    assert_eq!(emu.http.get(f["url"].as_str().unwrap()).send().await.unwrap().status(), 404);
    let r = emu.get("/_emulator/health").send().await.unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "ok");
}

#[tokio::test]
async fn the_thumbnail_url_answers_a_small_jpeg_for_images_and_the_original_for_undecodable_videos() {
    let emu = Emu::start().await;
    let big = emu.upload("big.png", png(640, 320), &[("useUniqueFileName", "false"), ("folder", "/t")]).await;
    let small = emu.upload("small.png", png(20, 10), &[("useUniqueFileName", "false"), ("folder", "/t")]).await;
    let (_, listed) = emu.json(emu.get("/v1/files?path=/t")).await;
    let thumb_of = |id: &Value| {
        listed.as_array().unwrap().iter().find(|f| &f["fileId"] == id).unwrap()["thumbnail"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let fetch = |url: String| {
        let http = emu.http.clone();
        async move {
            let r = http.get(url).send().await.unwrap();
            assert_eq!(r.status(), 200);
            let ct = r.headers()["content-type"].to_str().unwrap().to_string();
            (ct, r.bytes().await.unwrap().to_vec())
        }
    };
    let url = thumb_of(&big["fileId"]);
    assert!(url.contains("/tr:n-ik_ml_thumbnail/t/big.png"), "{url}");
    let (ct, bytes) = fetch(url).await;
    assert_eq!(ct, "image/jpeg");
    let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg).unwrap();
    assert_eq!((img.width(), img.height()), (200, 100), "fitted within 200 px, aspect kept");
    let (_, bytes) = fetch(thumb_of(&small["fileId"])).await;
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (20, 10), "never enlarged");

    // A video the Sandbox cannot decode: its thumbnail URL answers the original.
    let mp4: Vec<u8> = [&b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"[..], &[7u8; 64][..]].concat();
    let ids = emu.handle.seed_files(&[sr_emulator::SeedFile::new("/t/clip.mp4", mp4.clone())]).unwrap();
    let (_, d) = emu.json(emu.get(&format!("/v1/files/{}/details", ids[0]))).await;
    assert_eq!(d["mime"], "video/mp4");
    let (ct, bytes) = fetch(d["thumbnail"].as_str().unwrap().to_string()).await;
    assert_eq!((ct.as_str(), bytes), ("video/mp4", mp4));
}
