//! Accounts, delivery URLs and signing through the CLI: the SDK vectors byte for byte, and the
//! private key never leaking.

use std::path::Path;

use crate::common::{Emulator, run, run_with};

fn url(lib: &Path, key: Option<&str>, args: &[&str]) -> String {
    let env: Vec<(&str, &str)> = key.map(|k| vec![("STOCKROOM_PRIVATE_KEY", k)]).unwrap_or_default();
    let mut all = vec!["url"];
    all.extend_from_slice(args);
    let out = run_with(lib, &all, &env, None);
    assert!(out.status.success(), "stockroom url {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

const DEMO: &str = "https://ik.imagekit.io/demo/";
const HINDI: &str = "/sdk-testing-files/%E0%A4%B9%E0%A4%BF%E0%A4%A8%E0%A5%8D%E0%A4%A6%E0%A5%80.png";
const TEXT_LAYER: &str =
    "l-text,ie-4KS54KS%2F4KSo4KWN4KSm4KWA,co-red,fs-32,ff-sdk-testing-files@@Poppins-Regular_Q15GrYWmL.ttf,l-end";
const TEXT_LAYER_GO: &str =
    "l-text,ie-4KS54KS%2F4KSo4KWN4KSm4KWA,fs-32,ff-sdk-testing-files@@Poppins-Regular_Q15GrYWmL.ttf,co-red,l-end";

#[test]
fn signed_url_vectors_from_spec_9_2() {
    let work = tempfile::tempdir().unwrap();
    let lib = work.path();
    let k = Some("dummy-key");
    let png = "/sdk-testing-files/future-search.png";
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![png, "--sign"],
            "https://ik.imagekit.io/demo/sdk-testing-files/future-search.png?ik-s=32dbbbfc5f945c0403c71b54c38e76896ef2d6b0",
        ),
        (
            vec!["/sdk-testing-files/हिन्दी.png", "--sign"],
            "https://ik.imagekit.io/demo/sdk-testing-files/%E0%A4%B9%E0%A4%BF%E0%A4%A8%E0%A5%8D%E0%A4%A6%E0%A5%80.png?ik-s=3fff2f31da1f45e007adcdbe95f88c8c330e743c",
        ),
        (
            vec![png, "--query", "version=1.0", "--query", "cache=false", "--sign"],
            "https://ik.imagekit.io/demo/sdk-testing-files/future-search.png?version=1.0&cache=false&ik-s=f2e5a1b8b6a0b03fd63789dfc6413a94acef9fd8",
        ),
        (
            vec![png, "--query", "cache=false", "--query", "version=1.0", "--sign"],
            "https://ik.imagekit.io/demo/sdk-testing-files/future-search.png?cache=false&version=1.0&ik-s=03767bb6f0898c04e42f65714af65d937c696d66",
        ),
        (
            vec![png, "--query", "version=2.0", "--tr", "w-300,h-200", "--sign"],
            "https://ik.imagekit.io/demo/sdk-testing-files/future-search.png?version=2.0&tr=w-300,h-200&ik-s=601d97a7834b7554f4dabf0d3fc3a219ceeb6b31",
        ),
        (
            vec![png, "--query", "version=2.0", "--tr", "w-300,h-200", "--position", "path", "--sign"],
            "https://ik.imagekit.io/demo/tr:w-300,h-200/sdk-testing-files/future-search.png?version=2.0&ik-s=dd1ee8f83d019bc59fd57a5fc4674a11eb8a3496",
        ),
    ];
    for (args, expected) in cases {
        let mut a = args.clone();
        // The SDK vectors sign without expiry.
        a.extend(["--url-endpoint", DEMO, "--no-expiry"]);
        assert_eq!(url(lib, k, &a), expected, "stockroom url {args:?}");
    }
    // Rows 6–9: a text layer in query and path position, in the Node and Go parameter orders.
    let layered = [
        (
            TEXT_LAYER,
            "query",
            format!("https://ik.imagekit.io/demo{HINDI}?tr={TEXT_LAYER}&ik-s=ac9f24a03080102555e492185533c1ae6bd93fa7"),
        ),
        (
            TEXT_LAYER,
            "path",
            format!("https://ik.imagekit.io/demo/tr:{TEXT_LAYER}{HINDI}?ik-s=69f2ecbb7364bbbad24616e1f7f1bac5a560fc71"),
        ),
        (
            TEXT_LAYER_GO,
            "query",
            format!(
                "https://ik.imagekit.io/demo{HINDI}?tr={TEXT_LAYER_GO}&ik-s=705e41579d368caa6530a4375355325277fcfe5c"
            ),
        ),
        (
            TEXT_LAYER_GO,
            "path",
            format!(
                "https://ik.imagekit.io/demo/tr:{TEXT_LAYER_GO}{HINDI}?ik-s=20958f6126fd67c90653f55a49f2b7bb938d9d1c"
            ),
        ),
    ];
    for (tr, pos, expected) in layered {
        let got = url(
            lib,
            k,
            &[
                "/sdk-testing-files/हिन्दी.png",
                "--tr",
                tr,
                "--position",
                pos,
                "--url-endpoint",
                DEMO,
                "--sign",
                "--no-expiry",
            ],
        );
        assert_eq!(got, expected, "layer in {pos} position");
    }
    // The same layer from the SDK's JSON objects.
    let json_layer = r#"[{"overlay":{"type":"text","text":"हिन्दी","transformation":[{"fontColor":"red","fontSize":32,"fontFamily":"sdk-testing-files/Poppins-Regular_Q15GrYWmL.ttf"}]}}]"#;
    let got = url(
        lib,
        k,
        &[
            "/sdk-testing-files/हिन्दी.png",
            "--transformation",
            json_layer,
            "--url-endpoint",
            DEMO,
            "--sign",
            "--no-expiry",
        ],
    );
    assert_eq!(
        got,
        format!("https://ik.imagekit.io/demo{HINDI}?tr={TEXT_LAYER}&ik-s=ac9f24a03080102555e492185533c1ae6bd93fa7")
    );
}

#[test]
fn url_vectors_from_spec_10_6() {
    let work = tempfile::tempdir().unwrap();
    let lib = work.path();
    let ep = "https://ik.imagekit.io/test_url_endpoint";
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["/test_path.jpg", "--transformation", r#"[{"height":"300","width":"400"},{"rotation":"90"}]"#],
            "https://ik.imagekit.io/test_url_endpoint/test_path.jpg?tr=h-300,w-400:rt-90",
        ),
        (
            vec!["/test_path.jpg", "--transformation", r#"[{"height":"300","width":"400"}]"#, "--position", "path"],
            "https://ik.imagekit.io/test_url_endpoint/tr:h-300,w-400/test_path.jpg",
        ),
        (
            vec!["/test_path.jpg", "--tr", "h-300,w-400,b-20_FF0000"],
            "https://ik.imagekit.io/test_url_endpoint/test_path.jpg?tr=h-300,w-400,b-20_FF0000",
        ),
        (
            vec![
                "/base-image.jpg",
                "--transformation",
                r#"[{"overlay":{"type":"image","input":"logo.png"}}]"#,
                "--position",
                "path",
            ],
            "https://ik.imagekit.io/test_url_endpoint/tr:l-image,i-logo.png,l-end/base-image.jpg",
        ),
        (
            vec![
                "/base-image.jpg",
                "--transformation",
                r#"[{"overlay":{"type":"solidColor","color":"FF0000"}}]"#,
                "--position",
                "path",
            ],
            "https://ik.imagekit.io/test_url_endpoint/tr:l-image,i-ik_canvas,bg-FF0000,l-end/base-image.jpg",
        ),
        (
            vec!["/sample.jpg", "--transformation", r#"[{"overlay":{"type":"text","text":"Minimal Text"}}]"#],
            "https://ik.imagekit.io/test_url_endpoint/sample.jpg?tr=l-text,i-Minimal%20Text,l-end",
        ),
        (
            vec![
                "https://ik.imagekit.io/test_url_endpoint/test_path_alt.jpg?t1=v1",
                "--query",
                "t2=v2",
                "--query",
                "t3=v3",
                "--tr",
                "h-300,w-400",
            ],
            "https://ik.imagekit.io/test_url_endpoint/test_path_alt.jpg?t1=v1&t2=v2&t3=v3&tr=h-300,w-400",
        ),
        (vec!["///test_path.jpg", "--tr", "h-300"], "https://ik.imagekit.io/test_url_endpoint/test_path.jpg?tr=h-300"),
    ];
    for (args, expected) in cases {
        let mut a = args.clone();
        a.extend(["--url-endpoint", ep]);
        assert_eq!(url(lib, None, &a), expected, "stockroom url {args:?}");
    }
}

#[test]
fn auth_params_vector_from_spec_2_2() {
    let work = tempfile::tempdir().unwrap();
    let out = run_with(
        work.path(),
        &["auth-params", "--token", "your_token", "--expire", "1582269249"],
        &[("STOCKROOM_PRIVATE_KEY", "private_key_test")],
        None,
    );
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        r#"{"token":"your_token","expire":1582269249,"signature":"e71bcd6031016b060d349d212e23e85c791decdd"}"#
    );
}

#[test]
fn a_malformed_transformation_is_explained() {
    let work = tempfile::tempdir().unwrap();
    let out = run(work.path(), &["url", "/a.jpg", "--transformation", "[{\"width\":", "--url-endpoint", DEMO]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid JSON"));
}

fn files_containing(dir: &Path, needle: &[u8], skip: &Path) -> Vec<String> {
    let mut hits = Vec::new();
    for entry in walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok) {
        if !entry.file_type().is_file() || entry.path().starts_with(skip) {
            continue;
        }
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        if bytes.windows(needle.len()).any(|w| w == needle) {
            hits.push(entry.path().display().to_string());
        }
    }
    hits
}

/// `remote use imagekit` on the emulator (sandbox endpoint, its API and upload bases), the private
/// key on stdin, with `config` as the config folder and `extra` flags.
fn use_emulator_account(
    lib: &Path,
    emu: &Emulator,
    public_key: &str,
    private_key: &str,
    config: &Path,
    extra: &[&str],
) -> std::process::Output {
    let endpoint = format!("{}/sandbox/", emu.base_url);
    let mut args = vec!["--json", "remote", "use", "imagekit", "--url-endpoint", &endpoint, "--public-key", public_key];
    args.extend(["--private-key-stdin", "--api-base", &emu.base_url, "--upload-base", &emu.base_url]);
    args.extend(extra);
    run_with(lib, &args, &[("STOCKROOM_CONFIG_DIR", config.to_str().unwrap())], Some(&format!("{private_key}\n")))
}

#[test]
fn the_private_key_never_appears_in_output_database_or_logs() {
    let secret = "private_Zq9LeakCanary7f3";
    let work = tempfile::tempdir().unwrap();
    let emu = Emulator::start(&work.path().join("remote"), secret, "public_team_key");
    let lib = work.path().join("lib");
    let config = work.path().join("config");
    let config_env = [("STOCKROOM_CONFIG_DIR", config.to_str().unwrap())];
    let mut outputs = Vec::new();
    let endpoint = format!("{}/sandbox/", emu.base_url);
    let set = use_emulator_account(&lib, &emu, "public_team_key", secret, &config, &["--store-key-in-file"]);
    assert!(set.status.success(), "{}", String::from_utf8_lossy(&set.stderr));
    let info: serde_json::Value = serde_json::from_slice(&set.stdout).unwrap();
    assert_eq!(info["kind"], "imagekit");
    assert_eq!(info["account"], "imagekit:public_team_key");
    // No keychain service runs under test, so the key is in a 0600 file and the user is told.
    if info["key_storage"] == "file" {
        assert!(info["warning"].as_str().unwrap().contains("keychain"));
        let key_file = config.join("secrets").join("imagekit_public_team_key.key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
        }
    } else {
        assert_eq!(info["key_storage"], "keychain");
    }
    outputs.push(set);

    let media = work.path().join("media");
    std::fs::create_dir_all(&media).unwrap();
    sr_media::fixtures::image(&media, "shirt.png", 64, 64, sr_media::fixtures::ImageFormat::Png);
    for args in [
        vec!["--json", "remote", "show"],
        vec!["remote", "show"],
        vec!["--json", "import", media.to_str().unwrap()],
        vec!["--json", "assets", "list"],
        vec!["url", "/shirt.png", "--tr", "w-100", "--sign", "--no-expiry"],
        vec!["auth-params"],
        vec!["remote", "use", "imagekit", "--url-endpoint", "not a url", "--public-key", "x", "--private-key-stdin"],
    ] {
        let env = [("RUST_LOG", "trace"), config_env[0]];
        outputs.push(run_with(&lib, &args, &env, Some(&format!("{secret}\n"))));
    }
    for out in &outputs {
        for stream in [&out.stdout, &out.stderr] {
            assert!(
                !String::from_utf8_lossy(stream).contains(secret),
                "the private key leaked into CLI output: {}",
                String::from_utf8_lossy(stream)
            );
        }
    }
    // The signed URL really used the key (so the key was loaded and used, just never shown).
    let signed = String::from_utf8_lossy(&outputs[5].stdout).trim().to_owned();
    let expected = url(
        work.path(),
        Some(secret),
        &["/shirt.png", "--tr", "w-100", "--sign", "--no-expiry", "--url-endpoint", &endpoint],
    );
    assert_eq!(signed, expected);

    // Nowhere in the library folder (db, WAL, accounts.json, …): the file is under the config folder.
    let hits = files_containing(&lib, secret.as_bytes(), &work.path().join("none"));
    assert!(hits.is_empty(), "the private key was written to {hits:?}");
}

#[test]
fn without_a_keychain_a_script_is_refused_and_told_the_flag_nothing_saved() {
    let work = tempfile::tempdir().unwrap();
    let emu = Emulator::start(&work.path().join("remote"), "private_refused", "public_refused");
    let lib = work.path().join("lib");
    let config = work.path().join("config");
    let set = use_emulator_account(&lib, &emu, "public_refused", "private_refused", &config, &[]);
    let shown = run_with(&lib, &["--json", "remote", "show"], &[], None);
    let info: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    if set.status.success() {
        // A keychain answered on this machine: that is where the key went.
        assert_eq!(info["key_storage"], "keychain");
    } else {
        let out: serde_json::Value = serde_json::from_slice(&set.stdout).unwrap();
        assert_eq!(out["error"]["code"], "keychain_unavailable");
        assert!(out["error"]["message"].as_str().unwrap().contains("--store-key-in-file"), "{out}");
        assert_eq!(info["kind"], "sandbox", "the account was not switched");
        assert!(!config.join("secrets").exists(), "no key file was written");
        assert!(files_containing(&lib, b"private_refused", &work.path().join("none")).is_empty());
    }
}

#[test]
fn a_signed_url_works_for_a_week_by_default_and_is_stable_within_the_hour() {
    let work = tempfile::tempdir().unwrap();
    let args = ["/sdk-testing-files/future-search.png", "--sign", "--url-endpoint", DEMO];
    let now = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let before = now();
    let signed = url(work.path(), Some("dummy-key"), &args);
    let after = now();
    let t: i64 = signed
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("ik-t="))
        .unwrap_or_else(|| panic!("no expiry in {signed}"))
        .parse()
        .unwrap();
    let week = 7 * 24 * 3600;
    assert!(t > before + week && t <= after + week + 3600, "{t} is not about a week away");
    assert_eq!(t % 3600, 0, "rounded to the hour");
    // `--no-expiry` gives the SDK's never-expiring form.
    let forever = url(work.path(), Some("dummy-key"), &[&args[..], &["--no-expiry"]].concat());
    assert!(!forever.contains("ik-t="), "{forever}");
}
