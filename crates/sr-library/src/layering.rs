//! Keeps the layering written in the crate's doc: reads every source file and fails when a module
//! names a module of a higher layer, when a table module names another table module, when a
//! module has no layer, or when anything but `edit` commits an edit batch. Test code (a trailing
//! `#[cfg(test)] mod … { … }`) is not held to it.

use std::collections::BTreeMap;
use std::path::Path;

/// Every module and its layer, lowest first. A new module must be given one here.
const LAYERS: &[(&str, &[&str])] = &[
    ("store", &["", "assets", "backup", "db", "identity", "organise", "schema"]),
    ("tables", &["folders", "history", "jobs", "metadata", "presets", "sync", "tags", "watch", "search::saved"]),
    ("index", &["index"]),
    ("edit", &["edit"]),
    ("undo", &["undo"]),
    (
        "requests",
        &[
            "import",
            "ingest",
            "ops",
            "ops::folders",
            "ops::metadata",
            "ops::sync",
            "ops::tags",
            "search",
            "search::compile",
            "search::plan",
            "search::request",
            "search::sets",
            "search::size",
            "search::sql",
        ],
    ),
];

/// Modules that are not part of the library itself.
const EXEMPT: &[&str] = &["layering"];

fn layer_of(module: &str) -> Option<(usize, &'static str)> {
    LAYERS.iter().enumerate().find(|(_, (_, mods))| mods.contains(&module)).map(|(rank, (name, _))| (rank, *name))
}

/// `search/plan.rs` → `search::plan`, `search/mod.rs` → `search`, `lib.rs` → ``.
fn module_path(rel: &Path) -> String {
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let file = parts.pop().unwrap_or_default();
    let stem = file.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_owned());
    }
    parts.join("::")
}

/// The file's text without its test module (by convention the last item).
fn non_test(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" {
            match lines.next() {
                Some(next) if next.trim_end().ends_with('{') => break,
                _ => continue,
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Paths a file names, as `(first segment, rest)` per `crate::…`, `super::…` and — in the crate
/// root and `mod.rs` files — child `name::…` paths, resolved to module paths in `LAYERS`.
fn named_modules(module: &str, is_parent: bool, text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let parent = module.rsplit_once("::").map_or("", |(p, _)| p);
    let resolve = |base: &str, path: &str| -> Option<(String, String)> {
        // The longest prefix of `path` that is a module, and the item after it.
        let segs: Vec<&str> = path.split("::").collect();
        for n in (1..=segs.len()).rev() {
            let candidate =
                if base.is_empty() { segs[..n].join("::") } else { format!("{base}::{}", segs[..n].join("::")) };
            if layer_of(&candidate).is_some() {
                return Some((candidate, segs.get(n).copied().unwrap_or("").to_owned()));
            }
        }
        (!base.is_empty() || layer_of(base).is_some()).then(|| (base.to_owned(), segs[0].to_owned()))
    };
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("//")
            || line.starts_with("mod ")
            || line.starts_with("pub mod ")
            || line.starts_with("pub(crate) mod ")
        {
            continue;
        }
        for (prefix, base) in [("crate::", ""), ("super::", parent)] {
            for path in paths_after(line, prefix) {
                out.extend(resolve(base, &path));
            }
        }
        if is_parent && !line.starts_with("pub use ") {
            for path in paths_after(line, "") {
                if let Some(first) = path.split("::").next()
                    && layer_of(&if module.is_empty() { first.to_owned() } else { format!("{module}::{first}") })
                        .is_some()
                {
                    out.extend(resolve(module, &path));
                }
            }
        }
    }
    out
}

/// Every `prefix` path in a line, with `{a, b::c}` groups expanded (one level).
fn paths_after(line: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < line.len() {
        let at_word = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b':');
        if at_word && line[i..].starts_with(prefix) && (prefix.is_empty() || !line[..i].ends_with("::")) {
            let start = i + prefix.len();
            let rest = &line[start..];
            let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
            let path = rest[..len].trim_end_matches(':');
            if rest[len..].starts_with('{') && (rest[..len].ends_with("::") || (len == 0 && !prefix.is_empty())) {
                let group = &rest[len + 1..rest.find('}').unwrap_or(rest.len())];
                for item in group.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    let item = item.split(" as ").next().unwrap_or(item);
                    out.push(if path.is_empty() { item.to_owned() } else { format!("{path}::{item}") });
                }
            } else if !path.is_empty() && (!prefix.is_empty() || path.contains("::")) {
                out.push(path.to_owned());
            }
            i = start + len.max(1);
        } else {
            i += 1;
        }
    }
    out
}

fn sources() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(&src).unwrap().to_owned();
                out.insert(rel.to_string_lossy().into_owned(), std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn no_module_names_a_module_above_it_and_tables_never_name_each_other() {
    let mut problems = Vec::new();
    for (rel, text) in sources() {
        let module = module_path(Path::new(&rel));
        if EXEMPT.contains(&module.as_str()) {
            continue;
        }
        let Some((rank, layer)) = layer_of(&module) else {
            problems.push(format!("{rel}: module `{module}` has no layer (add it to LAYERS and the crate doc)"));
            continue;
        };
        let is_parent = rel == "lib.rs" || rel.ends_with("mod.rs");
        for (named, item) in named_modules(&module, is_parent, &non_test(&text)) {
            if named == module || named.is_empty() {
                continue;
            }
            let Some((named_rank, named_layer)) = layer_of(&named) else { continue };
            // The schema orders the tables' DDL: it may name their migrations and nothing else.
            let migration =
                item.starts_with("MIGRATION_") || (item.starts_with("migration_") && item.ends_with("_hook"));
            if module == "schema" && (item.is_empty() || migration) {
                continue;
            }
            if named_rank > rank {
                problems.push(format!(
                    "{rel}: `{module}` ({layer}) names `{named}::{item}` ({named_layer}), a higher layer"
                ));
            } else if layer == "tables" && named_layer == "tables" {
                problems.push(format!("{rel}: table module `{module}` names table module `{named}`"));
            }
        }
    }
    assert!(problems.is_empty(), "the layering in lib.rs is broken:\n{}", problems.join("\n"));
}

/// `edit` is the only commit path for an edit batch: nothing else records a batch for undo or
/// refreshes the search index.
#[test]
fn only_edit_commits_a_batch() {
    let mut problems = Vec::new();
    for (rel, text) in sources() {
        let text = non_test(&text);
        for (what, owners) in [
            ("history::record", &["edit.rs"][..]),
            ("refresh_fts(", &["edit.rs", "index.rs"][..]),
            ("INSERT INTO history", &["history.rs"][..]),
        ] {
            if text.contains(what) && !owners.contains(&rel.as_str()) && rel != "layering.rs" {
                problems.push(format!("{rel} uses `{what}`; only {owners:?} may"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The checker itself sees what it must: a table naming a table, the store naming a request.
#[test]
fn the_checker_reads_imports_as_written() {
    let named = |module: &str, text: &str| named_modules(module, false, text);
    assert_eq!(
        named("tags", "use crate::organise::{OrganiseError, ids_json};\nuse crate::{Library, metadata};"),
        vec![
            ("organise".into(), "OrganiseError".into()),
            ("organise".into(), "ids_json".into()),
            ("".into(), "Library".into()),
            ("metadata".into(), "".into())
        ]
    );
    assert_eq!(named("search::plan", "use super::sets::Term;"), vec![("search::sets".into(), "Term".into())]);
    assert_eq!(
        named("folders", "crate::search::saved::MIGRATION_2"),
        vec![("search::saved".into(), "MIGRATION_2".into())]
    );
    assert_eq!(non_test("a\n#[cfg(test)]\nmod tests {\nuse crate::x;\n}\n"), "a\n");
}
