//! The pure rules: states, backoff, ABS parsing, the bandwidth bucket.

use std::time::Duration;

use rand::SeedableRng;
use sr_library::JobState;
use sr_uploads::{Backoff, TokenBucket, parse_abs};

#[test]
fn terminal_and_runnable_states() {
    let terminal: Vec<_> = JobState::ALL.into_iter().filter(|s| s.is_terminal()).collect();
    assert_eq!(terminal, vec![JobState::Done, JobState::Failed, JobState::Cancelled]);
    let runnable: Vec<_> = JobState::ALL.into_iter().filter(|s| s.is_runnable()).collect();
    assert_eq!(runnable, vec![JobState::Queued, JobState::WaitingForNetwork]);
    assert!(!JobState::Paused.is_terminal() && !JobState::Paused.is_runnable());
    for s in JobState::ALL {
        assert_eq!(JobState::parse(s.as_str()), Some(s));
    }
    assert_eq!(JobState::parse("exploded"), None);
}

#[test]
fn backoff_doubles_to_a_ceiling_and_jitters_below_it() {
    let b = Backoff { base: Duration::from_millis(100), max: Duration::from_secs(2), jitter: 0.5 };
    let ceilings: Vec<u128> = (1..=7).map(|n| b.ceiling(n).as_millis()).collect();
    assert_eq!(ceilings, vec![100, 200, 400, 800, 1600, 2000, 2000]);
    assert_eq!(b.ceiling(u32::MAX), Duration::from_secs(2));
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let delays: Vec<Duration> = (0..200).map(|_| b.delay(3, &mut rng)).collect();
    assert!(delays.iter().all(|d| *d >= Duration::from_millis(200) && *d <= Duration::from_millis(400)));
    // Jitter spreads retries: not all the same.
    assert!(delays.iter().any(|d| *d != delays[0]));
    let none = Backoff { jitter: 0.0, ..b };
    assert_eq!(none.delay(2, &mut rng), Duration::from_millis(200));
}

#[test]
fn abs_setting_becomes_the_remote_post_transformation() {
    let p = parse_abs("hls:240_360_480_720").unwrap();
    assert_eq!(
        serde_json::to_value(&p).unwrap(),
        serde_json::json!({"type": "abs", "value": "sr-240_360_480_720", "protocol": "hls"})
    );
    assert_eq!(parse_abs("DASH:1080").unwrap().protocol.as_deref(), Some("dash"));
    // The URL's spelling works too.
    assert_eq!(parse_abs("hls:sr-240_360_720").unwrap().value.as_deref(), Some("sr-240_360_720"));
    assert!(parse_abs("rtmp:240").unwrap_err().contains("hls or dash"));
    assert!(parse_abs("hls:").is_err());
    assert!(parse_abs("hls:240__360").is_err());
    assert!(parse_abs("240_360").unwrap_err().contains("hls:240_360_480_720"));
}

#[test]
fn bandwidth_bucket_charges_debt_beyond_the_burst() {
    let bucket = TokenBucket::new(1_000_000);
    // One second of budget is free...
    assert_eq!(bucket.take(1_000_000), Duration::ZERO);
    // ...then another megabyte costs about a second of waiting.
    let wait = bucket.take(1_000_000);
    assert!(wait > Duration::from_millis(900) && wait <= Duration::from_millis(1000), "{wait:?}");
}
