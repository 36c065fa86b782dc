//! Symbolises the frame lines of the kernel's crash-report backtraces:
//! `    #0  0x0000000000208e32` becomes
//! `    #0  0x0000000000208e32  fault::main+0x42`. Text after the address
//! (such as `(stack scan)`) is kept after the name.

use crate::symbols::SymbolTable;
use std::path::PathBuf;
use std::sync::OnceLock;

/// A recognised frame line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    /// Frame 0 holds the faulting instruction; the others hold return
    /// addresses.
    pub innermost: bool,
    pub addr: u64,
    /// Where the address ends in the line: the name goes there.
    pub addr_end: usize,
}

/// Parses `^[ \t]+#\d+\s+0x[0-9a-f]{16}` followed by the end of the line or
/// whitespace (and then anything).
pub fn parse_frame(line: &[u8]) -> Option<Frame> {
    let indent = line
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    if indent == 0 {
        return None;
    }
    let rest = line[indent..].strip_prefix(b"#")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let innermost = rest[..digits].iter().all(|&b| b == b'0');
    let rest = &rest[digits..];
    let gap = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
    if gap == 0 {
        return None;
    }
    let hex = rest[gap..].strip_prefix(b"0x")?.get(..16)?;
    if !hex.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let addr = u64::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
    let addr_end = line.len() - rest.len() + gap + 2 + 16;
    match line.get(addr_end) {
        None => {}
        Some(b) if b.is_ascii_whitespace() => {}
        Some(_) => return None,
    }
    Some(Frame {
        innermost,
        addr,
        addr_end,
    })
}

/// The image's symbols, read the first time a frame needs them.
#[derive(Debug)]
pub struct Symboliser {
    image: PathBuf,
    table: OnceLock<Option<SymbolTable>>,
}

impl Symboliser {
    pub fn new(image: impl Into<PathBuf>) -> Self {
        Self {
            image: image.into(),
            table: OnceLock::new(),
        }
    }

    /// Loads the symbol table on first use; `None` for a stripped or
    /// unreadable image.
    fn table(&self) -> Option<&SymbolTable> {
        self.table
            .get_or_init(|| SymbolTable::load(&self.image).ok().flatten())
            .as_ref()
    }

    /// The line with its symbol added, or `None` to leave it as it is (not a
    /// frame line, or an unknown address). `line` has no `\n`.
    pub fn annotate(&self, line: &[u8]) -> Option<Vec<u8>> {
        let frame = parse_frame(line)?;
        let name = describe(self.table()?, frame)?;
        let mut out = Vec::with_capacity(line.len() + name.len() + 2);
        out.extend_from_slice(&line[..frame.addr_end]);
        out.extend_from_slice(b"  ");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&line[frame.addr_end..]);
        Some(out)
    }
}

/// `name+0xOFFSET` for a frame. A return address is looked up one byte back,
/// so that a call at the very end of a function (to something that does not
/// return) is not put in the next function. Frame 0 is usually the faulting
/// instruction and is looked up as it is, but it is a return address when the
/// kernel had no instruction pointer to show (an abort): so when nothing
/// covers it, the byte before is tried too.
pub fn describe(table: &SymbolTable, frame: Frame) -> Option<String> {
    let before = || table.lookup(frame.addr.checked_sub(1)?);
    let sym = if frame.innermost {
        table.lookup(frame.addr).or_else(before)
    } else {
        before()
    }?;
    let offset = frame.addr - sym.start;
    Some(format!("{}+{offset:#x}", sym.display_name()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_frame_lines() {
        let f = parse_frame(b"    #0  0x0000000000208e32").unwrap();
        assert_eq!(
            f,
            Frame {
                innermost: true,
                addr: 0x208e32,
                addr_end: 26
            }
        );
        let f = parse_frame(b"\t#12 0x00000000002178c6 \r").unwrap();
        assert!(!f.innermost);
        assert_eq!(f.addr, 0x2178c6);
        assert_eq!(f.addr_end, 23);
        let f = parse_frame(b"    #3  0x00000000002088a3  (stack scan)").unwrap();
        assert_eq!(f.addr, 0x2088a3);
        assert_eq!(f.addr_end, 26);
    }

    #[test]
    fn rejects_other_lines() {
        for line in [
            &b"#0  0x0000000000208e32"[..],
            b"    #  0x0000000000208e32",
            b"    #0 x0000000000208e32",
            b"    #00x0000000000208e32",
            b"    #0  0x208e32",
            b"    #0  0x0000000000208E32",
            b"    #0  0x0000000000208e32f",
            b"    #0  0x0000000000208e3",
            b"    #0  0x0000000000208e32:",
            b"    # 0  0x0000000000208e32",
            b"  backtrace (symbolised by `eremit run`):",
            b"",
            b"    ",
        ] {
            assert_eq!(parse_frame(line), None, "{}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn return_addresses_are_looked_up_one_byte_back() {
        // `noreturn` ends with a call; `next` follows it directly.
        let t = SymbolTable::from_functions(&[
            ("noreturn", 0x1000, 0x10),
            ("next", 0x1010, 0x10),
            ("_ZN5fault4main17h0123456789abcdefE", 0x1030, 0x10),
        ]);
        let frame = |innermost, addr| Frame {
            innermost,
            addr,
            addr_end: 0,
        };
        let d = |innermost, addr| describe(&t, frame(innermost, addr));
        assert_eq!(d(false, 0x1010).as_deref(), Some("noreturn+0x10"));
        assert_eq!(d(true, 0x1010).as_deref(), Some("next+0x0"));
        assert_eq!(d(true, 0x1035).as_deref(), Some("fault::main+0x5"));
        // Nothing at frame 0's address: try it as a return address.
        assert_eq!(d(true, 0x1020).as_deref(), Some("next+0x10"));
        assert_eq!(d(false, 0x1030).as_deref(), None);
        assert_eq!(d(true, 0x2000).as_deref(), None);
        assert_eq!(d(true, 0).as_deref(), None);
        assert_eq!(d(false, 0).as_deref(), None);
    }

    #[test]
    fn unknown_image_leaves_lines_alone() {
        let s = Symboliser::new("/nonexistent/eremit-test-image");
        assert_eq!(s.annotate(b"    #0  0x0000000000208e32"), None);
        assert_eq!(s.annotate(b"hello"), None);
    }

    #[inline(never)]
    fn marker_for_backtrace() -> u64 {
        std::hint::black_box(7)
    }

    #[test]
    fn annotates_with_own_binary() {
        assert_eq!(marker_for_backtrace(), 7);
        let exe = std::env::current_exe().unwrap();
        // The test binary may be position independent, so find the marker's
        // link-time address through the table rather than at run time.
        let s = Symboliser::new(&exe);
        let Some(table) = s.table() else {
            eprintln!("test binary is stripped; skipped");
            return;
        };
        let nm = std::process::Command::new("nm").arg(&exe).output();
        let Some(addr) = nm.ok().and_then(|out| {
            String::from_utf8_lossy(&out.stdout).lines().find_map(|l| {
                let mut parts = l.split_whitespace();
                let addr = parts.next()?;
                let name = parts.nth(1)?;
                let demangled = format!("{:#}", rustc_demangle::demangle(name));
                demangled
                    .ends_with("backtrace::tests::marker_for_backtrace")
                    .then(|| u64::from_str_radix(addr, 16).ok())?
            })
        }) else {
            eprintln!("no nm or marker not found; skipped");
            return;
        };
        assert!(table.lookup(addr).is_some());
        let line = format!("    #0  {addr:#018x}");
        let out = String::from_utf8(s.annotate(line.as_bytes()).unwrap()).unwrap();
        assert!(
            out.ends_with("backtrace::tests::marker_for_backtrace+0x0"),
            "{out}"
        );
        // A return address right after the start still names the function.
        let line = format!("   #1  {:#018x}  (stack scan)", addr + 1);
        let out = String::from_utf8(s.annotate(line.as_bytes()).unwrap()).unwrap();
        assert!(
            out.ends_with("backtrace::tests::marker_for_backtrace+0x1  (stack scan)"),
            "{out}"
        );
        assert_eq!(s.annotate(b"    #0  0x0000000000000000"), None);
    }
}
