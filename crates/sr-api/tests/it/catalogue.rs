//! The remote's catalogue (custom metadata fields and folder tree) kept offline, per account: a
//! team's ImageKit account brings its own fields, edits validate against them, a failed refresh
//! leaves the saved copy in place.

use serde_json::json;
use sr_api::{ErrorCode, ImagekitAccountInput, OpenOptions, Stockroom};
use sr_emulator::EmulatorConfig;
use sr_imagekit::metadata::{FieldSchema, FieldType, NewField};
use sr_media::fixtures::{ImageFormat, image};
use sr_remote::{Client, RemoteAuth, RemoteConfig, Secret};

fn app_with_a_photo() -> (tempfile::TempDir, Stockroom, i64) {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("media");
    std::fs::create_dir_all(&media).unwrap();
    image(&media, "dress.jpg", 64, 64, ImageFormat::Jpeg);
    let app = Stockroom::open(OpenOptions { library_dir: Some(dir.path().join("lib")) }).unwrap();
    let report = app.import(&[media], false, &|_| {}).unwrap();
    (dir, app, report.imported[0].id)
}

/// A team account on its own emulator: one Number field "lot" (1..=99) and folders /shop/shoes/.
async fn team_account(dir: &std::path::Path) -> sr_emulator::EmulatorHandle {
    let emu = sr_emulator::start(
        EmulatorConfig::with_keys(dir.join("team-remote"), "private_team", "public_team"),
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .unwrap();
    let client = Client::new(RemoteConfig::new(
        emu.base_url(),
        emu.base_url(),
        emu.url_endpoint(),
        RemoteAuth::PrivateKey(Secret::new("private_team")),
    ))
    .unwrap();
    let mut schema = FieldSchema::of_type(FieldType::Number);
    schema.min_value = Some(json!(1));
    schema.max_value = Some(json!(99));
    client
        .create_custom_metadata_field(&NewField { name: "lot".into(), label: "Lot".into(), schema, description: None })
        .await
        .unwrap();
    client.create_folder("shop", "/").await.unwrap();
    client.create_folder("shoes", "/shop").await.unwrap();
    emu
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imagekit_account_brings_its_own_fields_and_folders_and_edits_obey_them() {
    let (dir, app, id) = app_with_a_photo();
    let emu = team_account(dir.path()).await;
    app.use_imagekit(ImagekitAccountInput {
        url_endpoint: emu.url_endpoint(),
        public_key: "public_team".into(),
        private_key: Some("private_team".into()),
        api_base: Some(emu.base_url()),
        upload_base: Some(emu.base_url()),
        // No keychain service runs under test.
        store_key_in_file: true,
        ..Default::default()
    })
    .await
    .unwrap();

    // Before the first refresh the account has no fields here: nothing validates silently as the sandbox.
    assert!(app.metadata_fields().unwrap().is_empty());
    let lot = json!({"lot": 7}).as_object().unwrap().clone();
    assert_eq!(app.set_metadata(&[id], &lot).unwrap_err().code, ErrorCode::InvalidInput);

    let r = app.refresh_catalogue().await.unwrap();
    assert_eq!((r.account.as_str(), r.fields, r.folders), ("imagekit:public_team", 1, 2));
    let fields = app.metadata_fields().unwrap();
    assert_eq!(fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["lot"]);
    let folders = app.folders().unwrap();
    for path in ["/shop/", "/shop/shoes/"] {
        assert!(folders.iter().any(|f| f.path == path && f.on_remote), "{path} in {folders:?}");
    }

    // Edits now follow the team's rules, offline.
    app.set_metadata(&[id], &lot).unwrap();
    let err = app.set_metadata(&[id], json!({"lot": 100}).as_object().unwrap()).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("Lot"), "{}", err.message);
    // The sandbox's demo fields do not apply to this account.
    assert!(app.set_metadata(&[id], json!({"colour": "red"}).as_object().unwrap()).is_err());

    // Offline: the refresh says so, and the saved fields stay in use.
    emu.shutdown().await;
    let err = app.refresh_catalogue().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Offline, "{}", err.message);
    assert_eq!(app.metadata_fields().unwrap().len(), 1);
    app.set_metadata(&[id], json!({"lot": 8}).as_object().unwrap()).unwrap();

    // Back on the sandbox: its demo fields, fetched from the sandbox remote itself.
    app.use_sandbox().await.unwrap();
    let r = app.refresh_catalogue().await.unwrap();
    assert_eq!(r.account, "sandbox");
    let names: Vec<String> = app.metadata_fields().unwrap().into_iter().map(|f| f.name).collect();
    assert!(names.contains(&"colour".to_owned()) && !names.contains(&"lot".to_owned()), "{names:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_keeps_folders_made_offline() {
    let (_dir, app, _id) = app_with_a_photo();
    let made = app.create_folder("/", "lookbook").unwrap();
    app.refresh_catalogue().await.unwrap();
    let folders = app.folders().unwrap();
    let f = folders.iter().find(|f| f.path == made.path).expect("offline folder kept");
    assert!(!f.on_remote);
    assert_eq!(app.pending_remote_ops().unwrap().len(), 1);
}

#[test]
fn a_cancelled_import_keeps_what_it_added_and_the_next_one_adds_the_rest_once() {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("media");
    std::fs::create_dir_all(&media).unwrap();
    // 300 distinct pictures: one PNG with a different tail each.
    let base = std::fs::read(image(dir.path(), "base.png", 16, 16, ImageFormat::Png)).unwrap();
    for i in 0..300u32 {
        let mut bytes = base.clone();
        bytes.extend(i.to_le_bytes());
        std::fs::write(media.join(format!("look-{i:03}.png")), bytes).unwrap();
    }
    let app = Stockroom::open(OpenOptions { library_dir: Some(dir.path().join("lib")) }).unwrap();
    let first = app
        .import(std::slice::from_ref(&media), false, &|e| {
            if matches!(e, sr_api::dto::ImportEvent::Imported { .. }) {
                app.cancel_imports();
            }
        })
        .unwrap();
    assert!(first.cancelled);
    assert!(!first.imported.is_empty() && first.imported.len() < 300, "{}", first.imported.len());
    assert_eq!(app.info().unwrap().asset_count as usize, first.imported.len(), "what was added stays");
    assert_eq!(app.cancel_imports(), 0, "nothing runs any more");

    let second = app.import(&[media], false, &|_| {}).unwrap();
    assert!(!second.cancelled);
    assert_eq!(first.imported.len() + second.imported.len(), 300);
    assert_eq!(app.info().unwrap().asset_count, 300, "nothing twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authentication_endpoints_access_token_is_kept_like_a_key_and_sent_with_every_signing() {
    let dir = tempfile::tempdir().unwrap();
    let app = Stockroom::open(OpenOptions { library_dir: Some(dir.path().join("lib")) }).unwrap();
    let input = ImagekitAccountInput {
        url_endpoint: "https://ik.imagekit.io/shop".into(),
        public_key: "public_tokened".into(),
        auth_endpoint: Some("http://127.0.0.1:9/imagekit-auth".into()),
        auth_token: Some("door-key-7".into()),
        // No keychain service runs under test.
        store_key_in_file: true,
        ..Default::default()
    };
    assert!(!format!("{input:?}").contains("door-key-7"));
    app.use_imagekit(input).await.unwrap();
    let handle = app.remote().await.unwrap();
    match &handle.config.auth {
        RemoteAuth::AuthEndpoint { token: Some(t), .. } => assert_eq!(t.expose(), "door-key-7"),
        other => panic!("{other:?}"),
    }
    assert!(!format!("{handle:?}").contains("door-key-7"));
    let accounts = std::fs::read_to_string(dir.path().join("lib/accounts.json")).unwrap();
    assert!(!accounts.contains("door-key-7"), "{accounts}");

    let e = app
        .use_imagekit(ImagekitAccountInput {
            url_endpoint: "https://ik.imagekit.io/shop".into(),
            public_key: "public_tokened".into(),
            private_key: Some("private_x".into()),
            auth_token: Some("door-key-7".into()),
            store_key_in_file: true,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{}", e.message);
}
