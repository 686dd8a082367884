use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn custom_metadata_fields_crud() {
    let emu = Emu::start().await;
    let (st, f) = emu.json(emu.post("/v1/customMetadataFields").json(&json!({"name": "price", "label": "Price", "schema": {"type": "Number", "minValue": 1000, "maxValue": 3000}}))).await;
    assert_eq!(st, 201, "{f}");
    let id = f["id"].as_str().unwrap().to_string();
    assert_eq!(f["schema"], json!({"type": "Number", "minValue": 1000, "maxValue": 3000}));
    let (st, e) = emu
        .json(
            emu.post("/v1/customMetadataFields")
                .json(&json!({"name": "price", "label": "Other", "schema": {"type": "Text"}})),
        )
        .await;
    assert_eq!((st, e["message"].as_str()), (400, Some("A custom metadata field with this name already exists")));
    let (st, e) = emu
        .json(
            emu.post("/v1/customMetadataFields")
                .json(&json!({"name": "bad", "label": "Bad", "schema": {"type": "Text", "minValue": 3}})),
        )
        .await;
    assert_eq!((st, e["message"].as_str()), (400, Some("Invalid field object")));
    assert!(e["errors"].is_object());
    // Type cannot change on PATCH; the new schema is validated against Number.
    let (st, u) = emu
        .json(
            emu.patch(&format!("/v1/customMetadataFields/{id}"))
                .json(&json!({"label": "Retail price", "schema": {"type": "Text", "maxValue": 5000}})),
        )
        .await;
    assert_eq!(st, 200, "{u}");
    assert_eq!(u["schema"]["type"], "Number");
    assert_eq!(u["label"], "Retail price");
    let (st, _) =
        emu.json(emu.patch(&format!("/v1/customMetadataFields/{id}")).json(&json!({"description": "x"}))).await;
    assert_eq!(st, 400);

    // Values are validated on upload and update.
    let (st, e) = emu.upload_raw("p.png", png(2, 2), &[("customMetadata", r#"{"price": 6000}"#)]).await;
    assert_eq!(st, 400, "{e}");
    let ok = emu
        .upload("p.png", png(2, 2), &[("customMetadata", r#"{"price": 2000}"#), ("responseFields", "customMetadata")])
        .await;
    assert_eq!(ok["customMetadata"], json!({"price": 2000}));
    let fid = ok["fileId"].as_str().unwrap();
    let (_, u) = emu
        .json(emu.patch(&format!("/v1/files/{fid}/details")).json(&json!({"customMetadata": {"price": null}})))
        .await;
    assert_eq!(u["customMetadata"], json!({}));
    let (_, found) = emu.json(emu.get("/v1/files").query(&[("searchQuery", "\"customMetadata.price\" > 100")])).await;
    assert_eq!(found.as_array().unwrap().len(), 0);

    let r = emu.delete(&format!("/v1/customMetadataFields/{id}")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let (st, e) = emu.json(emu.delete(&format!("/v1/customMetadataFields/{id}"))).await;
    assert_eq!((st, e["message"].as_str()), (404, Some("No such custom metadata field exists")));
    let (_, live) = emu.json(emu.get("/v1/customMetadataFields")).await;
    assert_eq!(live.as_array().unwrap().len(), 0);
    let (_, all) = emu.json(emu.get("/v1/customMetadataFields?includeDeleted=true")).await;
    assert_eq!(all.as_array().unwrap().len(), 1);
    // A deleted name can never be reused; its label can.
    let (st, _) = emu
        .json(
            emu.post("/v1/customMetadataFields")
                .json(&json!({"name": "price", "label": "P2", "schema": {"type": "Text"}})),
        )
        .await;
    assert_eq!(st, 400);
    let (st, _) = emu
        .json(
            emu.post("/v1/customMetadataFields")
                .json(&json!({"name": "price2", "label": "Retail price", "schema": {"type": "Text"}})),
        )
        .await;
    assert_eq!(st, 201);
}

#[tokio::test]
async fn demo_fields_are_seeded_and_defaults_apply() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = sr_emulator::EmulatorConfig::with_keys(dir.path(), PRIVATE, PUBLIC);
    cfg.seed_demo_fields = true;
    let emu = Emu::start_with(dir, cfg).await;
    let (_, fields) = emu.json(emu.get("/v1/customMetadataFields")).await;
    assert_eq!(fields.as_array().unwrap().len(), sr_imagekit::metadata::demo_fields().len());
    let up = emu.upload("d.png", png(2, 2), &[("responseFields", "customMetadata")]).await;
    assert_eq!(up["customMetadata"]["size"], "M", "required field gets its default");
}
