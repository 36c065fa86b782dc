//! Files through `std::fs`: create, write, read, append, seek, sparse files, metadata,
//! directory listings, renames, copies, removal, error kinds, descriptors shared by
//! threads, a 64 MiB file, and the devices in `/dev`. Everything else happens below the
//! directory given as the first argument (a fresh temporary directory natively,
//! `/tmp/...` in Eremit) and only paths relative to it are printed, so the output must
//! equal the native build's.
//!
//! A few calls std's hermit backend does not pass to the kernel (it answers
//! "unsupported" itself): rename, copy (it fails at `set_permissions` after copying),
//! remove_dir_all, `File::set_len`, `File::try_clone`, the current directory and
//! positioned I/O. And its `read_dir` fails on an empty directory (with "os error 0":
//! it takes getdents64's 0 for an error code). `sys` does those with the kernel's calls
//! in Eremit and with std natively.
#[cfg(target_os = "hermit")]
use hermit as _;

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

#[cfg(target_os = "hermit")]
mod sys {
    use std::ffi::{CString, c_char};
    use std::fs::{self, File};
    use std::io;
    use std::os::hermit::ffi::OsStrExt;
    use std::os::hermit::io::{AsRawFd, FromRawFd};
    use std::path::{Path, PathBuf};

    unsafe extern "C" {
        fn sys_rename(old: *const c_char, new: *const c_char) -> i32;
        fn sys_ftruncate(fd: i32, len: i64) -> i32;
        fn sys_dup(fd: i32) -> i32;
        fn sys_chdir(path: *const c_char) -> i32;
        fn sys_getcwd(buf: *mut c_char, size: usize) -> i32;
        fn sys_pread(fd: i32, buf: *mut u8, len: usize, offset: i64) -> isize;
        fn sys_pwrite(fd: i32, buf: *const u8, len: usize, offset: i64) -> isize;
    }

    fn cvt(r: isize) -> io::Result<usize> {
        if r < 0 {
            Err(io::Error::from_raw_os_error(-r as i32))
        } else {
            Ok(r as usize)
        }
    }

    fn c(p: &Path) -> CString {
        CString::new(p.as_os_str().as_bytes()).unwrap()
    }

    pub fn rename(old: &Path, new: &Path) -> io::Result<()> {
        // SAFETY: two NUL-terminated strings.
        cvt(unsafe { sys_rename(c(old).as_ptr(), c(new).as_ptr()) } as isize).map(drop)
    }

    pub fn set_len(f: &File, len: u64) -> io::Result<()> {
        // SAFETY: plain values.
        cvt(unsafe { sys_ftruncate(f.as_raw_fd(), len as i64) } as isize).map(drop)
    }

    pub fn try_clone(f: &File) -> io::Result<File> {
        // SAFETY: plain values.
        let fd = cvt(unsafe { sys_dup(f.as_raw_fd()) } as isize)?;
        // SAFETY: a new descriptor that nothing else owns.
        Ok(unsafe { File::from_raw_fd(fd as i32) })
    }

    pub fn set_current_dir(p: &Path) -> io::Result<()> {
        // SAFETY: a NUL-terminated string.
        cvt(unsafe { sys_chdir(c(p).as_ptr()) } as isize).map(drop)
    }

    pub fn current_dir() -> io::Result<PathBuf> {
        let mut buf = vec![0u8; 4096];
        // SAFETY: the buffer's pointer and length.
        let n = cvt(unsafe { sys_getcwd(buf.as_mut_ptr().cast(), buf.len()) } as isize)?;
        buf.truncate(n - 1);
        Ok(PathBuf::from(String::from_utf8(buf).unwrap()))
    }

    pub fn read_at(f: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        // SAFETY: the buffer's pointer and length.
        cvt(unsafe { sys_pread(f.as_raw_fd(), buf.as_mut_ptr(), buf.len(), offset as i64) })
    }

    pub fn write_at(f: &File, buf: &[u8], offset: u64) -> io::Result<usize> {
        // SAFETY: the buffer's pointer and length.
        cvt(unsafe { sys_pwrite(f.as_raw_fd(), buf.as_ptr(), buf.len(), offset as i64) })
    }

    /// std's `fs::copy` without its final `set_permissions`.
    pub fn copy(from: &Path, to: &Path) -> io::Result<u64> {
        let mut reader = File::open(from)?;
        let mut writer = File::create(to)?;
        io::copy(&mut reader, &mut writer)
    }

    /// `fs::read_dir`, collected; empty for an empty directory instead of std's error.
    pub fn read_dir(path: &Path) -> io::Result<Vec<fs::DirEntry>> {
        match fs::read_dir(path) {
            Ok(entries) => entries.collect(),
            Err(e) if e.raw_os_error() == Some(0) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// std's `remove_dir_all` (its portable version, which hermit's std does not use).
    pub fn remove_dir_all(path: &Path) -> io::Result<()> {
        for child in read_dir(path)? {
            if child.file_type()?.is_dir() {
                remove_dir_all(&child.path())?;
            } else {
                fs::remove_file(child.path())?;
            }
        }
        fs::remove_dir(path)
    }
}

#[cfg(not(target_os = "hermit"))]
mod sys {
    use std::fs::File;
    use std::io;
    use std::os::unix::fs::FileExt;
    use std::path::{Path, PathBuf};

    pub use std::env::set_current_dir;
    pub use std::fs::{copy, remove_dir_all, rename};

    pub fn set_len(f: &File, len: u64) -> io::Result<()> {
        f.set_len(len)
    }

    pub fn read_dir(path: &Path) -> io::Result<Vec<std::fs::DirEntry>> {
        std::fs::read_dir(path)?.collect()
    }

    pub fn try_clone(f: &File) -> io::Result<File> {
        f.try_clone()
    }

    pub fn current_dir() -> io::Result<PathBuf> {
        std::env::current_dir()
    }

    pub fn read_at(f: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        f.read_at(buf, offset)
    }

    pub fn write_at(f: &File, buf: &[u8], offset: u64) -> io::Result<usize> {
        f.write_at(buf, offset)
    }
}

/// How an error is shown: its kind where std maps the errno to the same kind on both
/// systems, else the errno (the same number: hermit's are Linux's).
fn show(e: io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::AlreadyExists => format!("{:?}", e.kind()),
        _ => format!("errno {}", e.raw_os_error().unwrap_or(-1)),
    }
}

fn show_result<T>(r: io::Result<T>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => show(e),
    }
}

/// FNV-1a, 64 bit.
fn fnv(hash: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *hash = (*hash ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
}

/// Names below `dir`, sorted, directories marked with a `/`.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = sys::read_dir(dir)
        .unwrap()
        .into_iter()
        .map(|e| {
            let slash = if e.file_type().unwrap().is_dir() { "/" } else { "" };
            format!("{}{slash}", e.file_name().to_str().unwrap())
        })
        .collect();
    names.sort();
    names
}

fn basics(base: &Path) {
    let p = |rel: &str| base.join(rel);

    fs::create_dir_all(p("a/b/c")).unwrap();
    fs::create_dir_all(p("a/b/c")).unwrap();
    println!("create_dir_all a/b/c (twice): is_dir {}", p("a/b/c").is_dir());

    fs::write(p("a/hello.txt"), "hello\n").unwrap();
    println!("a/hello.txt: {:?}", fs::read_to_string(p("a/hello.txt")).unwrap());

    let mut f = OpenOptions::new().append(true).open(p("a/hello.txt")).unwrap();
    f.write_all(b"world\n").unwrap();
    drop(f);
    println!("appended: {:?}", fs::read_to_string(p("a/hello.txt")).unwrap());

    let mut f = OpenOptions::new().read(true).write(true).open(p("a/hello.txt")).unwrap();
    println!("seek start+1: {}", f.seek(SeekFrom::Start(1)).unwrap());
    f.write_all(b"EL").unwrap();
    println!("seek end-3: {}", f.seek(SeekFrom::End(-3)).unwrap());
    let mut rest = String::new();
    f.read_to_string(&mut rest).unwrap();
    println!("rest: {rest:?}");
    println!("seek current-5: {}", f.seek(SeekFrom::Current(-5)).unwrap());
    println!("position: {}", f.stream_position().unwrap());
    println!("seek before start: {}", show_result(f.seek(SeekFrom::Current(-100))));
    drop(f);
    println!("overwritten: {:?}", fs::read_to_string(p("a/hello.txt")).unwrap());

    let m = fs::metadata(p("a/hello.txt")).unwrap();
    println!("metadata a/hello.txt: len {} is_file {} is_dir {}", m.len(), m.is_file(), m.is_dir());
    let age = SystemTime::now().duration_since(m.modified().unwrap()).unwrap_or(Duration::ZERO);
    println!("modified in the last minute: {}", age < Duration::from_secs(60));
    let m = fs::metadata(p("a/b")).unwrap();
    println!("metadata a/b: is_file {} is_dir {}", m.is_file(), m.is_dir());
    println!("exists a/nope: {}", p("a/nope").exists());
}

fn sparse_and_truncate(base: &Path) {
    let path = base.join("sparse.bin");
    let mut f = File::create(&path).unwrap();
    f.seek(SeekFrom::Start(100_000)).unwrap();
    f.write_all(b"end").unwrap();
    drop(f);
    let data = fs::read(&path).unwrap();
    let zeros = data[..100_000].iter().all(|&b| b == 0);
    println!("sparse.bin: len {}, hole reads as zeros {zeros}, tail {:?}", data.len(), &data[100_000..]);

    let mut f = OpenOptions::new().read(true).write(true).open(&path).unwrap();
    f.write_all(b"0123456789abcdef").unwrap();
    sys::set_len(&f, 10).unwrap();
    sys::set_len(&f, 14).unwrap();
    let mut back = Vec::new();
    f.seek(SeekFrom::Start(0)).unwrap();
    f.read_to_end(&mut back).unwrap();
    println!("truncated to 10 then grown to 14: {back:?}");
}

fn listings(base: &Path) {
    fs::create_dir(base.join("many")).unwrap();
    for i in 0..150 {
        fs::write(base.join(format!("many/file{i:03}")), i.to_string()).unwrap();
    }
    let names = listing(&base.join("many"));
    println!("many/: {} entries, {} .. {}", names.len(), names[0], names[149]);
    let total: usize = names.iter().map(|n| fs::read_to_string(base.join("many").join(n)).unwrap().len()).sum();
    println!("many/: {total} bytes in all");
    println!("base: {:?}", listing(base));
    println!("a: {:?}", listing(&base.join("a")));
}

fn errors(base: &Path) {
    let p = |rel: &str| base.join(rel);
    println!("open missing: {}", show_result(File::open(p("missing"))));
    println!("metadata missing/x: {}", show_result(fs::metadata(p("missing/x"))));
    println!("create_dir existing: {}", show_result(fs::create_dir(p("a"))));
    let new = OpenOptions::new().write(true).create_new(true).open(p("a/hello.txt"));
    println!("create_new existing: {}", show_result(new));
    println!("remove_dir non-empty: {}", show_result(fs::remove_dir(p("a"))));
    println!("remove_file on a directory: {}", show_result(fs::remove_file(p("a"))));
    println!("remove_file missing: {}", show_result(fs::remove_file(p("missing"))));
    println!("open through a file: {}", show_result(File::open(p("a/hello.txt/x"))));
    println!("read_dir of a file: {}", show_result(fs::read_dir(p("a/hello.txt"))));
    println!("create a directory: {}", show_result(File::create(p("a"))));
    println!("read a directory: {}", show_result(fs::read(p("a"))));
    println!("remove_dir a file: {}", show_result(fs::remove_dir(p("a/hello.txt"))));
}

fn renames_and_copies(base: &Path) {
    let p = |rel: &str| base.join(rel);
    sys::rename(&p("a/hello.txt"), &p("a/renamed.txt")).unwrap();
    println!("renamed: old exists {}, new exists {}", p("a/hello.txt").exists(), p("a/renamed.txt").exists());
    fs::write(p("other.txt"), "other").unwrap();
    sys::rename(&p("other.txt"), &p("a/renamed.txt")).unwrap();
    println!("renamed over a file: {:?}", fs::read_to_string(p("a/renamed.txt")).unwrap());
    sys::rename(&p("a/b"), &p("moved")).unwrap();
    println!("renamed a directory: moved/c is_dir {}", p("moved/c").is_dir());
    println!("moved/c: {:?}", listing(&p("moved/c")));
    println!("rename onto a non-empty directory: {}", show_result(sys::rename(&p("moved"), &p("a"))));
    println!("rename a file onto a directory: {}", show_result(sys::rename(&p("a/renamed.txt"), &p("moved"))));
    println!("rename a directory onto a file: {}", show_result(sys::rename(&p("moved"), &p("a/renamed.txt"))));
    println!("rename a directory into itself: {}", show_result(sys::rename(&p("moved"), &p("moved/c/x"))));
    println!("rename missing: {}", show_result(sys::rename(&p("missing"), &p("x"))));

    let n = sys::copy(&p("sparse.bin"), &p("copy.bin")).unwrap();
    let same = fs::read(p("sparse.bin")).unwrap() == fs::read(p("copy.bin")).unwrap();
    println!("copied {n} bytes, same contents {same}");
}

fn descriptors(base: &Path) {
    let path = base.join("shared.txt");
    fs::write(&path, "abcdefghij").unwrap();
    let mut a = File::open(&path).unwrap();
    let mut b = sys::try_clone(&a).unwrap();
    let mut buf = [0u8; 3];
    a.read_exact(&mut buf).unwrap();
    b.read_exact(&mut buf).unwrap();
    println!("clone shares the position: second read {:?}", std::str::from_utf8(&buf).unwrap());

    let f = OpenOptions::new().read(true).write(true).open(&path).unwrap();
    sys::write_at(&f, b"XY", 8).unwrap();
    sys::write_at(&f, b"!", 12).unwrap();
    let mut buf = [0u8; 13];
    let n = sys::read_at(&f, &mut buf, 0).unwrap();
    println!("positioned I/O: {:?}, position still {}", &buf[..n], (&f).stream_position().unwrap());

    // An unlinked file stays readable while open.
    let mut open = File::open(&path).unwrap();
    fs::remove_file(&path).unwrap();
    let mut s = Vec::new();
    open.read_to_end(&mut s).unwrap();
    println!("read after remove_file: {} bytes, exists {}", s.len(), path.exists());
}

fn current_dir(base: &Path) {
    sys::set_current_dir(base).unwrap();
    println!("current_dir is the base: {}", sys::current_dir().unwrap() == base);
    println!("relative read: {:?}", fs::read_to_string("a/renamed.txt").unwrap());
    fs::write("./moved/../rel.txt", "relative").unwrap();
    println!("relative write: {:?}", fs::read_to_string(base.join("rel.txt")).unwrap());
    sys::set_current_dir(Path::new("moved/c")).unwrap();
    println!("dot-dot: {:?}", fs::read_to_string("../../rel.txt").unwrap());
    sys::set_current_dir(Path::new("/")).unwrap();
}

fn threads(base: &Path) {
    const THREADS: usize = 4;
    const RECORDS: usize = 500;
    let log = base.join("log.txt");
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let log = log.clone();
            let own = base.join(format!("thread{t}.txt"));
            std::thread::spawn(move || {
                let mut f = OpenOptions::new().create(true).append(true).open(&log).unwrap();
                for i in 0..RECORDS {
                    // 16 bytes, written with one call.
                    f.write_all(format!("t{t}:{i:012}\n").as_bytes()).unwrap();
                    fs::write(&own, i.to_string()).unwrap();
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let data = fs::read(&log).unwrap();
    let mut next = [0usize; THREADS];
    let mut intact = data.len() == THREADS * RECORDS * 16;
    for rec in data.chunks(16) {
        let s = std::str::from_utf8(rec).unwrap_or("");
        let t = s.get(1..2).and_then(|t| t.parse::<usize>().ok()).unwrap_or(THREADS);
        let i = s.get(3..15).and_then(|i| i.parse::<usize>().ok());
        if t >= THREADS || i != Some(next[t]) || !s.ends_with('\n') {
            intact = false;
            break;
        }
        next[t] += 1;
    }
    println!("{THREADS} threads appended {} bytes; records intact and in order: {intact}", data.len());
    let last: Vec<String> = (0..THREADS).map(|t| fs::read_to_string(base.join(format!("thread{t}.txt"))).unwrap()).collect();
    println!("each thread's last write: {last:?}");
}

fn big_file(base: &Path) {
    const MIB: usize = 1 << 20;
    let path = base.join("big.bin");
    let mut out = BufWriter::with_capacity(MIB, File::create(&path).unwrap());
    let mut written = 0xcbf2_9ce4_8422_2325u64;
    let mut chunk = vec![0u8; MIB];
    for i in 0..64usize {
        for (j, b) in chunk.iter_mut().enumerate() {
            *b = ((i * MIB + j).wrapping_mul(2_654_435_761) >> 13) as u8;
        }
        fnv(&mut written, &chunk);
        out.write_all(&chunk).unwrap();
    }
    out.into_inner().unwrap().sync_all().ok();
    println!("64 MiB written: len {}", fs::metadata(&path).unwrap().len());

    let mut read = 0xcbf2_9ce4_8422_2325u64;
    let mut f = File::open(&path).unwrap();
    let mut total = 0;
    loop {
        let n = f.read(&mut chunk).unwrap();
        if n == 0 {
            break;
        }
        fnv(&mut read, &chunk[..n]);
        total += n;
    }
    println!("64 MiB read back: {total} bytes, checksum {read:016x}, matches {}", read == written);
    let whole = fs::read(&path).unwrap();
    let mut again = 0xcbf2_9ce4_8422_2325u64;
    fnv(&mut again, &whole);
    println!("fs::read of it: {} bytes, matches {}", whole.len(), again == written);
    drop(whole);
    fs::remove_file(&path).unwrap();
}

fn cleanup(base: &Path) {
    sys::remove_dir_all(&base.join("a")).unwrap();
    println!("after remove_dir_all a: {:?}", listing(base));
    sys::remove_dir_all(base).unwrap();
    println!("base removed: {}", !base.exists());
}

/// `--fill DIR`: writes a file in DIR until memory runs out (Eremit only: run with a
/// small `--memory`), then removes it and checks that writing works again.
fn fill(dir: &Path) {
    const MIB: usize = 1 << 20;
    let path = dir.join("fill.bin");
    let chunk = vec![0xa5u8; MIB];
    let mut f = File::create(&path).unwrap();
    let mut written = 0usize;
    let err = loop {
        match f.write(&chunk) {
            Ok(n) => written += n,
            Err(e) => break e,
        }
    };
    drop(f);
    let len = fs::metadata(&path).unwrap().len() as usize;
    fs::remove_file(&path).unwrap();
    let again = fs::write(&path, &chunk).is_ok();
    fs::remove_file(&path).unwrap();
    println!(
        "filled {} MiB (file length matches: {}), then errno {}; after removing it a 1 MiB write works: {again}",
        written / MIB,
        len == written,
        err.raw_os_error().unwrap_or(-1)
    );
}

/// The devices in `/dev` as programs use them: entropy, discarded output, zeros, and a
/// write that finds the disk full.
fn devices() {
    let mut key = [0u8; 16];
    let mut again = [0u8; 16];
    File::open("/dev/urandom").unwrap().read_exact(&mut key).unwrap();
    File::open("/dev/urandom").unwrap().read_exact(&mut again).unwrap();
    println!(
        "/dev/urandom: read 16 bytes, not all zero {}, two reads differ {}",
        key != [0; 16],
        key != again
    );

    let mut null =
        OpenOptions::new().write(true).create(true).truncate(true).open("/dev/null").unwrap();
    null.write_all(b"discarded").unwrap();
    writeln!(null, "{}", 42).unwrap();
    let n = File::open("/dev/null").unwrap().read_to_end(&mut Vec::new()).unwrap();
    println!("/dev/null: writes ok, reads {n} bytes");

    let mut zeros = [1u8; 100];
    File::open("/dev/zero").unwrap().read_exact(&mut zeros).unwrap();
    let m = fs::metadata("/dev/zero").unwrap();
    println!(
        "/dev/zero: all zero {}, is_file {}, is_dir {}, len {}",
        zeros == [0; 100],
        m.is_file(),
        m.is_dir(),
        m.len()
    );

    let mut full = OpenOptions::new().write(true).open("/dev/full").unwrap();
    println!("/dev/full: write {}", show_result(full.write(b"x")));
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("--fill") {
        return fill(Path::new(&std::env::args().nth(2).expect("usage: files --fill DIR")));
    }
    let base = PathBuf::from(std::env::args().nth(1).expect("usage: files BASE_DIR"));
    fs::create_dir_all(&base).unwrap();
    basics(&base);
    sparse_and_truncate(&base);
    listings(&base);
    errors(&base);
    renames_and_copies(&base);
    descriptors(&base);
    current_dir(&base);
    devices();
    threads(&base);
    big_file(&base);
    cleanup(&base);
}
