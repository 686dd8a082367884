//! Names of files, folders and tags as the remote accepts them (spec §2.3, §2.6, §6.1, §6.5).
//!
//! The remote never rejects an odd character in a name: it silently replaces it with `_`. The
//! offline library applies the same rules so that a name shown on a laptop on a train is the name
//! the file will have once uploaded.
//!
//! "Letter", "mark" and "number" are Unicode general categories (L*, M*, N*). Marks are kept
//! wherever letters are, so a decomposed `é` (e + U+0301, as macOS file names are stored) survives.

use thiserror::Error;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// Deepest folder nesting the remote allows (§2.3, §2.4).
pub const MAX_FOLDER_DEPTH: usize = 50;

/// Most characters all of a file's tags may hold together (§2.3).
pub const MAX_TAG_CHARS: usize = 500;

/// A folder path the remote would refuse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NameError {
    /// More than [`MAX_FOLDER_DEPTH`] folders inside one another.
    #[error(
        "The folder path is {depth} folders deep, but folders can be nested at most {max} deep. \
         Choose a shorter path."
    )]
    FolderTooDeep { depth: usize, max: usize },
}

/// A tag list the remote would refuse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TagError {
    /// A tag with nothing in it (after trimming spaces).
    #[error("Tag number {position} is empty. Remove it or type a name for it.")]
    Empty { position: usize },
    /// `%` is forbidden in tags.
    #[error("The tag \"{tag}\" contains a % sign, which tags cannot contain. Remove the % and try again.")]
    Percent { tag: String },
    /// All tags together are longer than [`MAX_TAG_CHARS`].
    #[error(
        "These tags hold {total} characters altogether, but a file's tags can hold at most {max}. \
         Remove some tags or shorten them."
    )]
    TooLong { total: usize, max: usize },
}

fn is_letter_mark_number(c: char) -> bool {
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Mark | GeneralCategoryGroup::Number
    )
}

fn map_chars(name: &str, keep: impl Fn(char) -> bool) -> String {
    name.chars().map(|c| if keep(c) { c } else { '_' }).collect()
}

/// The name a file gets on the remote (§2.3 `fileName`, §5.10 `newFileName`): every character that
/// is not a Unicode letter, mark or number, `.`, `_` or `-` becomes `_`. Spaces included.
///
/// `sanitize_file_name("Summer dress (red).jpg") == "Summer_dress__red_.jpg"`
pub fn sanitize_file_name(name: &str) -> String {
    map_chars(name, |c| is_letter_mark_number(c) || c == '.' || c == '-' || c == '_')
}

/// The name a folder gets when created through `POST /v1/folder` (§6.1): everything but letters
/// (with their marks) and numbers becomes `_`.
pub fn sanitize_folder_name(name: &str) -> String {
    map_chars(name, is_letter_mark_number)
}

/// The new name of a renamed folder (§6.5): letters (with their marks), numbers and `-` are kept,
/// everything else becomes `_`.
pub fn sanitize_rename_folder_name(name: &str) -> String {
    map_chars(name, |c| is_letter_mark_number(c) || c == '-')
}

/// A folder path segment as the upload `folder` field keeps it (§2.3): letters, marks, numbers,
/// `_` and `-`; anything else becomes `_`.
pub fn sanitize_folder_segment(segment: &str) -> String {
    map_chars(segment, |c| is_letter_mark_number(c) || c == '_' || c == '-')
}

/// The canonical form of a folder path: `"/"` for the root, `"/a/b/"` otherwise.
///
/// Leading, trailing and repeated `/` are collapsed, each segment is sanitised with
/// [`sanitize_folder_segment`] (so `..` becomes `__` and cannot climb out), and a path deeper than
/// [`MAX_FOLDER_DEPTH`] is refused. An empty string is the root.
pub fn normalize_folder_path(path: &str) -> Result<String, NameError> {
    let segments: Vec<String> = path.split('/').filter(|s| !s.is_empty()).map(sanitize_folder_segment).collect();
    if segments.len() > MAX_FOLDER_DEPTH {
        return Err(NameError::FolderTooDeep { depth: segments.len(), max: MAX_FOLDER_DEPTH });
    }
    if segments.is_empty() {
        return Ok("/".to_owned());
    }
    let mut out = String::with_capacity(path.len() + 2);
    out.push('/');
    for s in segments {
        out.push_str(&s);
        out.push('/');
    }
    Ok(out)
}

/// Splits a file path into its folder (canonical, with the trailing `/`) and its name.
/// No sanitising happens here.
///
/// `split_file_path("/a/b/x.jpg") == ("/a/b/", "x.jpg")`, `split_file_path("x.jpg") == ("/", "x.jpg")`.
pub fn split_file_path(path: &str) -> (String, String) {
    match path.rfind('/') {
        Some(i) => {
            let folder = &path[..=i];
            let folder = if folder.starts_with('/') { folder.to_owned() } else { format!("/{folder}") };
            (folder, path[i + 1..].to_owned())
        }
        None => ("/".to_owned(), path.to_owned()),
    }
}

/// Joins a canonical folder path (as from [`normalize_folder_path`]) and a file name.
/// `join_file_path("/a/", "x.jpg") == "/a/x.jpg"`; a missing trailing slash is added.
pub fn join_file_path(folder: &str, name: &str) -> String {
    let mut out = String::with_capacity(folder.len() + name.len() + 2);
    if !folder.starts_with('/') {
        out.push('/');
    }
    out.push_str(folder);
    if !out.ends_with('/') {
        out.push('/');
    }
    out.push_str(name);
    out
}

/// The name with a unique suffix placed before the extension (§2.6): `base_suffix.ext`.
///
/// The extension is what follows the last `.`, unless that dot starts the name (`.env`), in which
/// case the suffix goes at the end. `with_unique_suffix("image.jpg", "iEyH1dQme") ==
/// "image_iEyH1dQme.jpg"`, `with_unique_suffix("README", "x") == "README_x"`.
pub fn with_unique_suffix(name: &str, suffix: &str) -> String {
    match name.rfind('.') {
        Some(i) if i > 0 => format!("{}_{}{}", &name[..i], suffix, &name[i..]),
        _ => format!("{name}_{suffix}"),
    }
}

/// Checks a tag list against the remote's rules: no empty tag, no `%`, at most
/// [`MAX_TAG_CHARS`] characters (Unicode scalar values) in all tags together.
pub fn validate_tags(tags: &[String]) -> Result<(), TagError> {
    let mut total = 0usize;
    for (i, tag) in tags.iter().enumerate() {
        if tag.trim().is_empty() {
            return Err(TagError::Empty { position: i + 1 });
        }
        if tag.contains('%') {
            return Err(TagError::Percent { tag: tag.clone() });
        }
        total += tag.chars().count();
    }
    if total > MAX_TAG_CHARS {
        return Err(TagError::TooLong { total, max: MAX_TAG_CHARS });
    }
    Ok(())
}

/// Splits the upload form's `tags` field (`"a,b,c"`) into tags: each is trimmed of surrounding
/// whitespace, empty pieces are dropped, and repeats are kept once in first-seen order.
/// Validate the result with [`validate_tags`].
pub fn parse_tags_field(field: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for piece in field.split(',') {
        let t = piece.trim();
        if !t.is_empty() && !out.iter().any(|x| x == t) {
            out.push(t.to_owned());
        }
    }
    out
}

/// The `tags` form field for a tag list: joined with `,` and no spaces, as the SDKs send it.
pub fn tags_field(tags: &[String]) -> String {
    tags.join(",")
}
