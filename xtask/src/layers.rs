//! `cargo xtask layers`: the core's layer table, checked. Every `crate::…` and `super::…` path in
//! `src/**/*.rs` is resolved to the file it names; a path into a higher row, or sideways into
//! another folder of the same row, fails with file:line. ARCHITECTURE.md shows the same table.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::steps::{Result, root};

/// Row of each top-level folder of `src/`; root files are row 0. Folders in one row are
/// siblings and may not import each other.
const ROWS: &[(&str, u8)] = &[
    ("infra", 1),
    ("shop", 2),
    ("catalog", 3),
    ("sync", 4),
    ("orders", 5),
    ("messages", 6),
    ("inspection", 7),
    ("customers", 7),
    ("marketplaces", 7),
    ("reports", 8),
    ("app", 9),
];

/// Files a root file (`error.rs` only) may import although they sit in a folder: leaf error
/// types that import nothing above row 0 themselves.
const LEAVES: &[&str] = &[
    "orders/status.rs",
    "infra/secrets.rs",
    "infra/notifications.rs",
];

/// A module of the crate: its path segments (`["orders", "store"]`) and its file.
struct Module {
    segments: Vec<String>,
    file: PathBuf,
}

pub fn check() -> Result {
    let src = root().join("src");
    let mut modules = Vec::new();
    collect(&src, &src, &mut modules)?;
    let files: BTreeMap<Vec<String>, PathBuf> = modules
        .iter()
        .map(|m| (m.segments.clone(), m.file.clone()))
        .collect();
    let reexports = root_reexports(&src.join("lib.rs"))?;
    let mut wrong = Vec::new();
    for m in &modules {
        if m.segments.is_empty() {
            continue; // lib.rs declares the modules and re-exports the API
        }
        let text = fs::read_to_string(&m.file).map_err(|e| format!("{}: {e}", m.file.display()))?;
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for target in paths_in(code, &m.segments) {
                let target = match target.first().map(String::as_str) {
                    Some(first) if target.len() == 1 || !files.contains_key(&target[..1]) => {
                        match reexports.get(first) {
                            Some(origin) => origin.clone(),
                            None => target,
                        }
                    }
                    _ => target,
                };
                let Some(to) = resolve(&files, &target) else {
                    continue; // a crate-root item such as a macro: nothing to place
                };
                if let Some(why) = refused(&m.file, to, &src) {
                    wrong.push(format!(
                        "{}:{}: {} imports {}: {why}",
                        rel(&m.file, &src),
                        n + 1,
                        rel(&m.file, &src),
                        rel(to, &src)
                    ));
                }
            }
        }
    }
    if wrong.is_empty() {
        eprintln!(
            "layers: {} files, no upward or sideways import",
            modules.len()
        );
        Ok(())
    } else {
        for w in &wrong {
            eprintln!("src/{w}");
        }
        Err(format!(
            "{} import(s) break the layer table (ARCHITECTURE.md)",
            wrong.len()
        ))
    }
}

fn rel(p: &Path, src: &Path) -> String {
    p.strip_prefix(src).unwrap_or(p).display().to_string()
}

fn collect(src: &Path, dir: &Path, out: &mut Vec<Module>) -> Result {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(src, &p, out)?;
        } else if p.extension().is_some_and(|x| x == "rs") {
            let rel = p.strip_prefix(src).unwrap_or(&p).with_extension("");
            let mut segments: Vec<String> = rel
                .iter()
                .map(|s| s.to_string_lossy().into_owned())
                .collect();
            if segments.last().is_some_and(|s| s == "mod" || s == "lib") {
                segments.pop();
            }
            out.push(Module { segments, file: p });
        }
    }
    Ok(())
}

/// `pub use app::{Vefa, …};` in lib.rs: which module each root name comes from.
fn root_reexports(lib: &Path) -> Result<BTreeMap<String, Vec<String>>> {
    let text = fs::read_to_string(lib).map_err(|e| format!("{}: {e}", lib.display()))?;
    let mut out = BTreeMap::new();
    for stmt in text.split(';') {
        let Some(rest) = stmt.trim().strip_prefix("pub use ") else {
            continue;
        };
        let (prefix, names) = match rest.split_once("::{") {
            Some((p, names)) => (p, names.trim_end_matches('}')),
            None => match rest.rsplit_once("::") {
                Some((p, name)) => (p, name),
                None => continue,
            },
        };
        let origin: Vec<String> = prefix.split("::").map(|s| s.trim().to_owned()).collect();
        for name in names.split(',') {
            let name = name.split(" as ").last().unwrap_or(name).trim();
            if !name.is_empty() {
                out.insert(name.to_owned(), origin.clone());
            }
        }
    }
    Ok(out)
}

/// The module paths a line names, absolute from the crate root: `crate::a::b`, `super::c`
/// (from the file's own module), and each first item of `crate::{a, b::c}`.
fn paths_in(line: &str, here: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (start, _) in line
        .match_indices("crate::")
        .chain(line.match_indices("super::"))
    {
        let before = line[..start].chars().next_back();
        // `pub(crate)` never matches (no `::`); `$crate::` in a macro does, as it should.
        // The second `super::` of `super::super::` is part of the first match.
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            || line[..start].ends_with("super::")
        {
            continue;
        }
        let mut base: Vec<String> = Vec::new();
        let mut rest = &line[start..];
        if let Some(r) = rest.strip_prefix("crate::") {
            rest = r;
        } else {
            // `here` names the file's module (a `mod.rs` is its folder's), so each `super`
            // is one segment off it. An inline `mod tests` is not seen: its `super::*` lands
            // on the file's parent, which is in the same folder or the root.
            base = here.to_vec();
            while let Some(r) = rest.strip_prefix("super::") {
                rest = r;
                base.pop();
            }
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        push_path(&mut out, &base, &item);
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 {
                    item.push(c);
                }
            }
            push_path(&mut out, &base, &item);
        } else {
            push_path(&mut out, &base, rest);
        }
    }
    out
}

fn push_path(out: &mut Vec<Vec<String>>, base: &[String], text: &str) {
    let mut path = base.to_vec();
    for seg in text.trim().split("::") {
        let ident: String = seg
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if ident.is_empty() || ident == "self" {
            break;
        }
        path.push(ident);
        if !seg.chars().all(|c| c.is_alphanumeric() || c == '_') {
            break;
        }
    }
    if !path.is_empty() {
        out.push(path);
    }
}

/// The file of the longest module prefix of `path`.
fn resolve<'a>(files: &'a BTreeMap<Vec<String>, PathBuf>, path: &[String]) -> Option<&'a PathBuf> {
    (1..=path.len()).rev().find_map(|n| files.get(&path[..n]))
}

/// Where a file sits: its top folder (none for a root file) and that folder's row.
fn place(file: &Path, src: &Path) -> (Option<String>, u8) {
    let rel = file.strip_prefix(src).unwrap_or(file);
    let mut parts = rel.iter();
    let first = parts.next().map(|s| s.to_string_lossy().into_owned());
    if parts.next().is_none() {
        return (None, 0);
    }
    let folder = first.unwrap_or_default();
    let row = ROWS
        .iter()
        .find(|(f, _)| *f == folder)
        .map(|(_, r)| *r)
        .unwrap_or(u8::MAX);
    (Some(folder), row)
}

/// Why `from` may not import `to`, if it may not.
fn refused(from: &Path, to: &Path, src: &Path) -> Option<String> {
    let (from_folder, from_row) = place(from, src);
    let (to_folder, to_row) = place(to, src);
    if from_folder.is_some() && from_row == u8::MAX {
        return Some("its folder is not in the layer table".into());
    }
    match (&from_folder, &to_folder) {
        (_, None) => None,
        (Some(a), Some(b)) if a == b => None,
        (None, Some(_)) => {
            let to_rel = rel(to, src);
            let leaf = to_rel.ends_with("/error.rs") || LEAVES.contains(&to_rel.as_str());
            let from_error = from.file_name().is_some_and(|n| n == "error.rs");
            (!(from_error && leaf)).then(|| "a root file imports only root files".to_owned())
        }
        (Some(_), Some(b)) if to_row > from_row => {
            Some(format!("{b}/ is row {to_row}, above row {from_row}"))
        }
        (Some(_), Some(b)) if to_row == from_row => {
            Some(format!("{b}/ is a sibling in row {to_row}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn paths_are_read_from_use_lines_groups_and_super() {
        let here = segs(&["orders", "store"]);
        assert_eq!(
            paths_in("use crate::customers::followup::{self, X};", &here),
            vec![segs(&["customers", "followup"])]
        );
        assert_eq!(
            paths_in("use crate::{Vefa, shop::settings};", &here),
            vec![segs(&["Vefa"]), segs(&["shop", "settings"])]
        );
        assert_eq!(
            paths_in("use super::buyers;", &here),
            vec![segs(&["orders", "buyers"])]
        );
        assert_eq!(
            paths_in("use super::super::error;", &segs(&["a", "b", "c"])),
            vec![segs(&["a", "error"])]
        );
        assert!(paths_in("pub(crate) fn x() {}", &here).is_empty());
    }

    #[test]
    fn upward_and_sideways_imports_are_refused() {
        let src = Path::new("/s");
        let f = |p: &str| src.join(p);
        assert!(refused(&f("orders/store.rs"), &f("customers/followup.rs"), src).is_some());
        assert!(refused(&f("customers/offers.rs"), &f("inspection/run.rs"), src).is_some());
        assert!(refused(&f("customers/offers.rs"), &f("orders/model.rs"), src).is_none());
        assert!(refused(&f("money.rs"), &f("orders/model.rs"), src).is_some());
        assert!(refused(&f("error.rs"), &f("inspection/error.rs"), src).is_none());
        assert!(refused(&f("error.rs"), &f("inspection/mod.rs"), src).is_some());
        assert!(refused(&f("app/orders.rs"), &f("reports/mod.rs"), src).is_none());
    }
}
