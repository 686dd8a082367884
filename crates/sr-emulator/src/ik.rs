//! The remote's naming rules, from `sr_imagekit::names` (shared with the offline library so both
//! agree), plus the emulator's source of randomness for unique-name suffixes.

use rand::Rng;
use sr_imagekit::names;

pub fn sanitize_file_name(name: &str) -> String {
    names::sanitize_file_name(name)
}

/// Canonical `/` or `/a/b/`; an error message for paths deeper than 50 folders.
pub fn normalize_folder(path: &str) -> Result<String, String> {
    names::normalize_folder_path(path).map_err(|e| e.to_string())
}

pub fn sanitize_folder_name(name: &str) -> String {
    names::sanitize_folder_name(name)
}

pub fn sanitize_new_folder_name(name: &str) -> String {
    names::sanitize_rename_folder_name(name)
}

/// `base_XXXXXXXXX.ext`: 9 random characters from `[A-Za-z0-9_-]` before the extension.
pub fn with_unique_suffix(name: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    let mut rng = rand::rng();
    let suffix: String = (0..9).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    names::with_unique_suffix(name, &suffix)
}

pub fn validate_tags(tags: &[String]) -> Result<(), String> {
    names::validate_tags(tags).map_err(|e| e.to_string())
}

pub fn split_tags(s: &str) -> Vec<String> {
    names::parse_tags_field(s)
}
