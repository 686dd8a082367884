//! HMAC signatures used by the remote: client-upload auth parameters and signed delivery URLs.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// Lowercase hex HMAC-SHA1 of `message` keyed by `key` (spec §2.2, §9.1).
pub fn hmac_sha1_hex(key: &str, message: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("HMAC accepts any key length");
    mac.update(message.as_bytes());
    hex(&mac.finalize().into_bytes())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_auth_vector_from_spec_2_2() {
        assert_eq!(
            hmac_sha1_hex("private_key_test", "your_token1582269249"),
            "e71bcd6031016b060d349d212e23e85c791decdd"
        );
    }
}
