//! Every shared validation case (`sr_imagekit::metadata::validation_cases`) through the emulator's
//! HTTP API: what the offline validator accepts the emulator stores identically, and what it
//! refuses the emulator refuses with the same message.

use serde_json::{Value, json};
use sr_imagekit::metadata::{Expect, FieldDef, validate_value, validation_cases};

use crate::common::*;

#[tokio::test]
async fn offline_and_emulator_validation_agree() {
    let emu = Emu::start().await;
    let cases = validation_cases();
    assert!(!cases.is_empty());
    let mut ids = std::collections::HashMap::new();
    for c in &cases {
        if ids.contains_key(&c.field.name) {
            continue;
        }
        let (st, f) = emu.json(emu.post("/v1/customMetadataFields").json(&c.field)).await;
        assert_eq!(st, 201, "create {}: {f}", c.field.name);
        ids.insert(c.field.name.clone(), f["id"].as_str().unwrap().to_string());
    }
    let file = emu.upload("case.png", png(2, 2), &[]).await;
    let fid = file["fileId"].as_str().unwrap();
    for c in &cases {
        let def: FieldDef = c.field.clone().with_id(ids[&c.field.name].clone());
        let (st, body) = emu
            .json(
                emu.patch(&format!("/v1/files/{fid}/details"))
                    .json(&json!({"customMetadata": {c.field.name.clone(): c.value}})),
            )
            .await;
        match &c.expect {
            Expect::Accept(stored) => {
                assert_eq!(st, 200, "{}: {body}", c.title);
                assert_eq!(&body["customMetadata"][&c.field.name], stored, "{}", c.title);
            }
            Expect::Reject(kind) => {
                assert_eq!(st, 400, "{}: {body}", c.title);
                let offline = validate_value(&def, &c.value).expect_err(c.title);
                assert_eq!(offline.problem.kind(), *kind, "{}", c.title);
                assert_eq!(body["message"], Value::String(offline.message()), "{}", c.title);
                assert_eq!(body["errors"][&c.field.name], Value::String(offline.message()), "{}", c.title);
            }
        }
        // Reset so required/other cases start clean.
        let _ = emu
            .patch(&format!("/v1/files/{fid}/details"))
            .json(&json!({"customMetadata": {c.field.name.clone(): null}}))
            .send()
            .await;
    }
}
