//! Writing a file whole or not at all: the content goes to a new temporary file beside
//! it, which is renamed over the target only once complete and synced. A failure (or a
//! crash) never leaves a half-written target, and a failure removes the temporary file.

use std::fs::{self, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The temporary file for `target`: hidden, in the same directory (a rename within one
/// file system is atomic), named after the target and this process.
fn temporary(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Whether `target` may be renamed over: it does not exist or is a regular file (or a
/// link to one). Renaming over a device or a pipe (`-o /dev/stdout`) would remove it
/// rather than write to it, and over a directory fails late.
fn replaceable(target: &Path) -> io::Result<()> {
    match fs::metadata(target) {
        Ok(m) if m.is_dir() => Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory",
        )),
        Ok(m) if !m.is_file() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        )),
        _ => Ok(()),
    }
}

/// Creates or replaces `target` with what `fill` writes; `fill`'s result, or the first
/// error (then `target` is as it was).
pub fn write<T>(
    target: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<T>,
) -> io::Result<T> {
    if target.file_name().is_none() || target.as_os_str().to_string_lossy().ends_with('/') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a file name",
        ));
    }
    replaceable(target)?;
    let temp = temporary(target);
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)?;
    let result = (|| {
        let mut out = BufWriter::new(file);
        let value = fill(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        // Again: the target may have changed while the content was written.
        replaceable(target)?;
        fs::rename(&temp, target)?;
        Ok(value)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::FileTypeExt;

    fn scratch(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("eremit-atomicfile-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_and_replaces() {
        let d = scratch("ok");
        let target = d.join("out.tar");
        assert_eq!(
            write(&target, |w| w.write_all(b"first").map(|()| 7)).unwrap(),
            7
        );
        assert_eq!(fs::read(&target).unwrap(), b"first");
        write(&target, |w| w.write_all(b"second")).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"second");
        assert_eq!(names(&d), ["out.tar"]);
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_failure_leaves_the_target_as_it_was_and_no_temporary() {
        let d = scratch("fail");
        let target = d.join("out.tar");
        let failing = |w: &mut dyn Write| {
            w.write_all(&[0; 100_000])?;
            Err::<(), _>(io::Error::other("disk on fire"))
        };
        assert_eq!(
            write(&target, failing).unwrap_err().to_string(),
            "disk on fire"
        );
        assert!(names(&d).is_empty());
        fs::write(&target, b"old").unwrap();
        assert!(write(&target, failing).is_err());
        assert_eq!(fs::read(&target).unwrap(), b"old");
        assert_eq!(names(&d), ["out.tar"]);
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn refuses_directories_and_missing_parents() {
        let d = scratch("dir");
        assert_eq!(
            write(&d, |_| Ok(())).unwrap_err().kind(),
            io::ErrorKind::IsADirectory
        );
        assert_eq!(
            write(&d.join("missing/out.tar"), |_| Ok(()))
                .unwrap_err()
                .kind(),
            io::ErrorKind::NotFound
        );
        assert!(write(Path::new("some/dir/"), |_| Ok(())).is_err());
        // A named pipe (as a device would be) is left alone.
        let fifo = d.join("fifo");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: `c` is a NUL-terminated path that outlives the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = write(&fifo, |_| Ok(())).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        fs::remove_file(&fifo).unwrap();
        assert!(names(&d).is_empty());
        fs::remove_dir_all(&d).unwrap();
    }
}
