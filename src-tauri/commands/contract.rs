//! The IPC contract: `ui/src/ipc/commands.ts`, generated from the command list ([`super::LIST`])
//! and the commands' own signatures, so the UI's calls and its mock backend are checked by `tsc`
//! against what Rust registers. The committed file is drift-tested like `bindings.ts`; regenerate
//! with `UPDATE_BINDINGS=1 cargo test -p stockroom-app commands`.
//!
//! Read from the source with `syn` rather than kept as a second table, so the names cannot drift:
//! a command's key is its function name, an argument's key its name in camelCase (Tauri's default),
//! and a type is spelled as `bindings.ts` spells it. Parameters of the types in [`INJECTED`] come
//! from Tauri (state, the app handle), not from the UI.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use syn::{FnArg, GenericArgument, Item, Pat, PathArguments, ReturnType, Type};

/// Parameter types Tauri fills in itself (the aliases in `commands/`).
const INJECTED: &[&str] = &["Api", "Jobs", "Runner", "AppHandle", "State", "Window", "Webview", "WebviewWindow"];

fn commands_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/commands")
}

fn committed_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/ipc/commands.ts")
}

/// One command as the UI sees it.
struct Command {
    name: String,
    /// `(camelCase key, TypeScript type)`.
    args: Vec<(String, String)>,
    result: String,
}

/// The TypeScript spelling of a Rust argument or result type; DTO names go into `dtos`.
fn ts(ty: &Type, dtos: &mut BTreeSet<String>) -> String {
    match ty {
        Type::Tuple(t) if t.elems.is_empty() => "null".into(),
        Type::Reference(r) => ts(&r.elem, dtos),
        Type::Path(p) => {
            let seg = p.path.segments.last().expect("a type path has a segment");
            let generics: Vec<&Type> = match &seg.arguments {
                PathArguments::AngleBracketed(a) => a
                    .args
                    .iter()
                    .filter_map(|g| match g {
                        GenericArgument::Type(t) => Some(t),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let mut inner = |i: usize| ts(generics[i], dtos);
            match seg.ident.to_string().as_str() {
                "Vec" => format!("Array<{}>", inner(0)),
                "Option" => format!("{} | null", inner(0)),
                "Map" | "HashMap" | "BTreeMap" => format!("{{ [key in {}]: {} }}", inner(0), inner(1)),
                "Channel" => format!("Channel<{}>", inner(0)),
                "String" | "str" | "PathBuf" => "string".into(),
                "bool" => "boolean".into(),
                "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "f32" | "f64" => {
                    "number".into()
                }
                "Value" => {
                    dtos.insert("JsonValue".into());
                    "JsonValue".into()
                }
                name => {
                    assert!(generics.is_empty(), "{name}<…> has no TypeScript spelling here; add one to contract.rs");
                    dtos.insert(name.into());
                    name.into()
                }
            }
        }
        other => panic!("no TypeScript spelling for the argument type {}", quote_type(other)),
    }
}

fn quote_type(ty: &Type) -> String {
    quote::ToTokens::to_token_stream(ty).to_string()
}

/// What a command resolves with: the `Ok` of a `Result<_, ApiError>`, or the plain return.
fn result_ts(ret: &ReturnType, dtos: &mut BTreeSet<String>) -> String {
    let ty = match ret {
        ReturnType::Default => return "null".into(),
        ReturnType::Type(_, ty) => ty,
    };
    if let Type::Path(p) = &**ty
        && let Some(seg) = p.path.segments.last()
        && seg.ident == "Result"
        && let PathArguments::AngleBracketed(a) = &seg.arguments
    {
        let types: Vec<&Type> = a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect();
        assert!(
            types.len() == 2 && quote_type(types[1]) == "ApiError",
            "commands fail with ApiError only, not {}",
            quote_type(ty)
        );
        return ts(types[0], dtos);
    }
    ts(ty, dtos)
}

fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    for (i, part) in snake.split('_').enumerate() {
        let mut chars = part.chars();
        match chars.next() {
            Some(c) if i > 0 => out.extend(c.to_uppercase().chain(chars)),
            Some(c) => out.extend(std::iter::once(c).chain(chars)),
            None => {}
        }
    }
    out
}

fn is_command(f: &syn::ItemFn) -> bool {
    f.attrs.iter().any(|a| {
        let path = a.path();
        let is = path.segments.len() == 2 && path.segments[0].ident == "tauri" && path.segments[1].ident == "command";
        // Tauri's default keys (camelCase) are what `camel_case` reproduces.
        assert!(
            !is || matches!(a.meta, syn::Meta::Path(_)),
            "#[tauri::command(...)] options are not read by contract.rs"
        );
        is
    })
}

/// Every `#[tauri::command]` of `module.rs`, by name.
fn commands_of(module: &str, dtos: &mut BTreeSet<String>) -> Vec<Command> {
    let path = commands_dir().join(format!("{module}.rs"));
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file = syn::parse_file(&source).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    for item in file.items {
        let Item::Fn(f) = item else { continue };
        if !is_command(&f) {
            continue;
        }
        let mut args = Vec::new();
        for input in &f.sig.inputs {
            let FnArg::Typed(arg) = input else { panic!("{}: a command takes no self", f.sig.ident) };
            let Pat::Ident(name) = &*arg.pat else { panic!("{}: arguments are plain names", f.sig.ident) };
            let injected = match &*arg.ty {
                Type::Path(p) => p.path.segments.last().is_some_and(|s| INJECTED.iter().any(|i| s.ident == i)),
                _ => false,
            };
            if !injected {
                args.push((camel_case(&name.ident.to_string()), ts(&arg.ty, dtos)));
            }
        }
        out.push(Command { name: f.sig.ident.to_string(), args, result: result_ts(&f.sig.output, dtos) });
    }
    out
}

/// The whole `commands.ts`.
fn typescript() -> String {
    let mut dtos = BTreeSet::new();
    let modules: BTreeSet<&str> = super::LIST.iter().map(|(m, _)| *m).collect();
    let mut defined: Vec<(String, Command)> = Vec::new();
    for m in modules {
        defined.extend(commands_of(m, &mut dtos).into_iter().map(|c| (m.to_owned(), c)));
    }
    let listed: BTreeSet<(String, String)> = super::LIST.iter().map(|(m, n)| (m.to_string(), n.to_string())).collect();
    let found: BTreeSet<(String, String)> = defined.iter().map(|(m, c)| (m.clone(), c.name.clone())).collect();
    assert_eq!(listed, found, "the command list in commands/mod.rs and the #[tauri::command] functions disagree");

    let mut body = String::new();
    for (module, name) in super::LIST {
        let (_, c) = defined.iter().find(|(m, c)| m == module && c.name == *name).expect("checked above");
        let args = if c.args.is_empty() {
            "Record<string, never>".to_owned()
        } else {
            let fields: Vec<String> = c.args.iter().map(|(k, t)| format!("{k}: {t}")).collect();
            format!("{{ {} }}", fields.join("; "))
        };
        body.push_str(&format!("  {}: {{ args: {args}; result: {} }};\n", c.name, c.result));
    }
    let imports: Vec<&str> = dtos.iter().map(String::as_str).collect();
    format!(
        "// Generated from src-tauri/commands/ by `UPDATE_BINDINGS=1 cargo test -p stockroom-app commands`.\n\
         // Do not edit by hand.\n\n\
         import {{ invoke, type Channel, type InvokeArgs }} from '@tauri-apps/api/core';\n\n\
         import type {{ {} }} from './bindings';\n\n\
         /** Every command the shell registers: its arguments as sent (camelCase keys) and what it resolves with. */\n\
         export interface Commands {{\n{body}}}\n\n\
         export type Command = keyof Commands;\n\
         export type CommandArgs<C extends Command> = Commands[C]['args'];\n\
         export type CommandResult<C extends Command> = Commands[C]['result'];\n\
         /** The arguments of `invokeCommand(cmd, …)`: none, or an optional empty object, when the command takes none. */\n\
         export type CommandArgList<C extends Command> =\n  \
           Record<string, never> extends CommandArgs<C> ? [args?: CommandArgs<C>] : [args: CommandArgs<C>];\n\n\
         /** `invoke` with the command's own argument and result types. */\n\
         export function invokeCommand<C extends Command>(cmd: C, ...args: CommandArgList<C>): Promise<CommandResult<C>> {{\n  \
           return invoke<CommandResult<C>>(cmd, args[0] as InvokeArgs | undefined);\n\
         }}\n",
        imports.join(", ")
    )
}

#[test]
fn commands_are_current() {
    let fresh = typescript();
    let path = committed_path();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/ipc/commands.ts is out of date with src-tauri/commands/; run \
         `UPDATE_BINDINGS=1 cargo test -p stockroom-app commands` and commit it"
    );
}

#[test]
fn argument_keys_are_camel_case_like_tauri() {
    assert_eq!(camel_case("job_ids"), "jobIds");
    assert_eq!(camel_case("on_event"), "onEvent");
    assert_eq!(camel_case("id"), "id");
}
