//! The architecture boundary: inline assembly (`asm!`, `global_asm!`, `naked_asm!`),
//! naked functions, the `x86_64` crate (and `core::arch::x86_64`) and assembly files are
//! allowed in `kernel/src/arch/` only; the rest of the kernel uses the interface in
//! `arch/mod.rs`. This test reads every source file of the kernel and fails on the first
//! use outside, naming the file and line.

use std::fs;
use std::path::{Path, PathBuf};

/// What may not appear outside `arch/` (in code: comments are not looked at).
const FORBIDDEN: [&str; 3] = ["asm!", "naked", "x86_64::"];

/// The code of a line: the text before a `//` comment. (A `//` inside a string literal
/// cuts the line short, which can only hide a use, never invent one; the kernel has no
/// assembly in string literals outside `arch/`.)
fn code_of(line: &str) -> &str {
    line.find("//").map_or(line, |i| &line[..i])
}

/// Forbidden uses in `text`: (line number, the line).
fn violations(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut in_block_comment = false;
    for (i, line) in text.lines().enumerate() {
        let mut code = code_of(line).to_string();
        if in_block_comment {
            match code.find("*/") {
                Some(end) => {
                    code = code[end + 2..].to_string();
                    in_block_comment = false;
                }
                None => continue,
            }
        }
        while let Some(start) = code.find("/*") {
            match code[start + 2..].find("*/") {
                Some(len) => code.replace_range(start..start + 2 + len + 2, " "),
                None => {
                    code.truncate(start);
                    in_block_comment = true;
                }
            }
        }
        if FORBIDDEN.iter().any(|f| code.contains(f)) {
            found.push((i + 1, line.trim().to_string()));
        }
    }
    found
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("kernel source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
#[cfg_attr(miri, ignore = "reads the source tree (Miri isolates the file system)")]
fn no_architecture_code_outside_arch() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let arch = src.join("arch");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let outside: Vec<&PathBuf> = files.iter().filter(|p| !p.starts_with(&arch)).collect();
    assert!(
        outside.len() > 50,
        "only {} kernel source files found outside arch/ in {}",
        outside.len(),
        src.display()
    );
    let mut problems = Vec::new();
    for path in outside {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if matches!(ext, "s" | "S" | "asm") {
            problems.push(format!("{}: an assembly file", path.display()));
            continue;
        }
        if ext != "rs" {
            continue;
        }
        let text = fs::read_to_string(path).expect("readable source");
        for (line, code) in violations(&text) {
            problems.push(format!("{}:{line}: {code}", path.display()));
        }
    }
    assert!(
        problems.is_empty(),
        "architecture-specific code outside kernel/src/arch/ (move it behind the arch \
         interface):\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_scan_finds_what_it_looks_for() {
    let text = "fn a() {\n    unsafe { core::arch::asm!(\"hlt\") };\n}\n\
                use x86_64::instructions::port::Port;\n\
                #[unsafe(naked)]\n\
                global_asm!(\"nop\");\n";
    let lines: Vec<usize> = violations(text).into_iter().map(|(l, _)| l).collect();
    assert_eq!(lines, [2, 4, 5, 6]);
}

#[test]
fn comments_are_not_code() {
    let text = "// asm! here is a comment\n\
                let x = 1; // x86_64::VirtAddr in a comment\n\
                /* a naked\n   block comment with asm! */ let y = 2;\n\
                /// doc: `x86_64::` paths\n";
    assert_eq!(violations(text), []);
    assert_eq!(
        violations("/* c */ core::arch::asm!(\"nop\");\n")
            .into_iter()
            .map(|(l, _)| l)
            .collect::<Vec<_>>(),
        [1]
    );
}
