use serde_json::{Value, json};
use sr_emulator::{FaultAction, FaultRule, RateLimits};

use crate::common::*;

#[tokio::test]
async fn status_faults_for_the_next_n_requests() {
    let emu = Emu::start().await;
    emu.handle.faults().add(FaultRule::new("list", FaultAction::Status { status: 503 }).times(2));
    assert_eq!(emu.get("/v1/files").send().await.unwrap().status(), 503);
    assert_eq!(emu.get("/v1/files").send().await.unwrap().status(), 503);
    assert_eq!(emu.get("/v1/files").send().await.unwrap().status(), 200);
    // Other endpoints are untouched.
    emu.handle.faults().add(FaultRule::new("upload", FaultAction::Status { status: 502 }).times(1));
    assert_eq!(emu.get("/v1/files").send().await.unwrap().status(), 200);
    let (st, _) = emu.upload_raw("x.png", png(2, 2), &[]).await;
    assert_eq!(st, 502);
}

#[tokio::test]
async fn probability_is_deterministic_with_a_seed() {
    let run = || async {
        let emu = Emu::start().await;
        emu.handle.faults().add(FaultRule::new("*", FaultAction::Status { status: 500 }).probability(0.5, 42));
        let mut seen = Vec::new();
        for _ in 0..20 {
            seen.push(emu.get("/v1/files").send().await.unwrap().status().as_u16());
        }
        seen
    };
    let a = run().await;
    let b = run().await;
    assert_eq!(a, b);
    assert!(a.contains(&500) && a.contains(&200), "{a:?}");
}

#[tokio::test]
async fn rate_limit_burst_and_token_buckets() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = sr_emulator::EmulatorConfig::with_keys(dir.path(), PRIVATE, PUBLIC);
    cfg.rate_limits = RateLimits::default().with("details", 2, 60_000);
    let emu = Emu::start_with(dir, cfg).await;
    let r = emu.get("/v1/files").send().await.unwrap();
    for h in ["x-ik-requestid", "x-request-id", "x-ratelimit-limit", "x-ratelimit-reset", "x-ratelimit-interval"] {
        assert!(r.headers().contains_key(h), "missing {h}");
    }
    let id = "000000000000000000000000";
    assert_eq!(emu.get(&format!("/v1/files/{id}/details")).send().await.unwrap().status(), 404);
    assert_eq!(emu.get(&format!("/v1/files/{id}/details")).send().await.unwrap().status(), 404);
    let limited = emu.get(&format!("/v1/files/{id}/details")).send().await.unwrap();
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["x-ratelimit-limit"], "2");
    assert!(limited.headers()["x-ratelimit-reset"].to_str().unwrap().parse::<u64>().unwrap() > 0);
    assert!(limited.headers().contains_key("retry-after"));
    // Upload is never rate limited.
    emu.upload("u.png", png(2, 2), &[]).await;
    // A fault-injected 429 burst.
    emu.handle.faults().add(FaultRule::new("list", FaultAction::RateLimit { reset_ms: 1500 }).times(1));
    let r = emu.get("/v1/files").send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["x-ratelimit-reset"], "1500");
    assert_eq!(r.headers()["retry-after"], "2");
    assert_eq!(emu.get("/v1/files").send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn connection_resets_mid_request_and_mid_response() {
    let emu = Emu::start().await;
    emu.handle.faults().add(FaultRule::new("upload", FaultAction::ResetRequest { after_bytes: 1000 }).times(1));
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(vec![1u8; 200_000]).file_name("big.bin"))
        .text("fileName", "big.bin");
    let err = emu.post("/api/v1/files/upload").multipart(form).send().await;
    assert!(err.is_err(), "expected a broken connection, got {:?}", err.map(|r| r.status()));
    let (_, list) = emu.json(emu.get("/v1/files")).await;
    assert_eq!(list.as_array().unwrap().len(), 0, "nothing stored from a broken upload");

    let f = emu.upload("r.bin", vec![9u8; 100_000], &[]).await;
    emu.handle.faults().add(FaultRule::new("delivery", FaultAction::ResetResponse { after_bytes: 5000 }).times(1));
    let r = emu.http.get(f["url"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.is_err(), "the body must break off");
    let ok = emu.http.get(f["url"].as_str().unwrap()).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(ok.len(), 100_000);
}

#[tokio::test]
async fn stall_and_latency_and_http_control() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = sr_emulator::EmulatorConfig::with_keys(dir.path(), PRIVATE, PUBLIC);
    cfg.fault_routes = true;
    let emu = Emu::start_with(dir, cfg).await;
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_millis(300)).build().unwrap();
    let (st, ids) = emu
        .json(
            emu.http
                .post(emu.url("/_emulator/faults"))
                .json(&json!({"endpoint": "details", "times": 1, "action": {"kind": "stall", "ms": 2000}})),
        )
        .await;
    assert_eq!(st, 201);
    assert_eq!(ids["ids"].as_array().unwrap().len(), 1);
    let (_, listed) = emu.json(emu.http.get(emu.url("/_emulator/faults"))).await;
    assert_eq!(listed["rules"][0]["action"], json!({"kind": "stall", "ms": 2000}));
    let r =
        client.get(emu.url("/v1/files/000000000000000000000000/details")).basic_auth(PRIVATE, Some("")).send().await;
    assert!(r.is_err(), "a stalled request never answers");

    emu.http
        .post(emu.url("/_emulator/faults"))
        .json(&json!({"rules": [{"endpoint": "list", "action": {"kind": "latency", "ms": 150}}]}))
        .send()
        .await
        .unwrap();
    let t = std::time::Instant::now();
    assert_eq!(emu.get("/v1/files").send().await.unwrap().status(), 200);
    assert!(t.elapsed() >= std::time::Duration::from_millis(150));
    let r = emu.http.delete(emu.url("/_emulator/faults")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let (_, listed) = emu.json(emu.http.get(emu.url("/_emulator/faults"))).await;
    assert_eq!(listed["rules"], Value::Array(vec![]));
    let (st, _) = emu.json(emu.http.post(emu.url("/_emulator/faults")).json(&json!({"endpoint": "x"}))).await;
    assert_eq!(st, 400);
}

#[tokio::test]
async fn the_sandbox_cannot_be_broken_over_http_unless_tests_ask() {
    // Off by default: any page or process on the machine could otherwise stall the user's Sandbox.
    let emu = Emu::start().await;
    let rule = json!({"endpoint": "*", "action": {"kind": "status", "status": 500}});
    let r = emu.http.post(emu.url("/_emulator/faults")).json(&rule).send().await.unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    assert_eq!(emu.get("/v1/files").send().await.unwrap().status(), 200, "no fault was installed");

    // On, the routes read small bodies only.
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = sr_emulator::EmulatorConfig::with_keys(dir.path(), PRIVATE, PUBLIC);
    cfg.fault_routes = true;
    let emu = Emu::start_with(dir, cfg).await;
    let huge = format!("{{\"rules\": [], \"pad\": \"{}\"}}", "x".repeat(1 << 20));
    let r = emu
        .http
        .post(emu.url("/_emulator/faults"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
}
