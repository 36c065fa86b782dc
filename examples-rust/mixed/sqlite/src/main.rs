//! SQLite (libsqlite3-sys, bundled C compiled by `cc` with Eremit's C compiler): an
//! in-memory database (create, insert, aggregate) and a database file written and read back.  Checked by tests/mixed_tests.py.

#[cfg(target_os = "hermit")]
use hermit as _;

use libsqlite3_sys as ffi;
use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::ptr;

unsafe extern "C" fn row(_: *mut c_void, n: c_int, values: *mut *mut c_char, names: *mut *mut c_char) -> c_int {
    let mut cols = Vec::new();
    for i in 0..n as usize {
        // SAFETY: the pointer is a NUL-terminated string owned by the C side (or SQLite) and alive for this use.
        let name = unsafe { CStr::from_ptr(*names.add(i)) }.to_string_lossy();
        // SAFETY: SQLite passes arrays of `n` column pointers; i < n.
        let v = unsafe { *values.add(i) };
        // SAFETY: the pointer is a NUL-terminated string owned by the C side (or SQLite) and alive for this use.
        let value = if v.is_null() { "NULL".into() } else { unsafe { CStr::from_ptr(v) }.to_string_lossy() };
        cols.push(format!("{name}={value}"));
    }
    println!("row: {}", cols.join(" "));
    0
}

fn exec(db: *mut ffi::sqlite3, sql: &str) {
    let sql = CString::new(sql).unwrap();
    let mut err: *mut c_char = ptr::null_mut();
    // SAFETY: a call into SQLite with a live database handle and NUL-terminated strings.
    let rc = unsafe { ffi::sqlite3_exec(db, sql.as_ptr(), Some(row), ptr::null_mut(), &mut err) };
    if rc != ffi::SQLITE_OK {
        // SAFETY: the pointer is a NUL-terminated string owned by the C side (or SQLite) and alive for this use.
        let msg = unsafe { CStr::from_ptr(err) }.to_string_lossy().into_owned();
        // SAFETY: the pointer came from the same allocator (malloc/alloc) and is not used again.
        unsafe { ffi::sqlite3_free(err.cast()) };
        panic!("sqlite: {msg}");
    }
}

fn main() {
    // SAFETY: the pointer is a NUL-terminated string owned by the C side (or SQLite) and alive for this use.
    let version = unsafe { CStr::from_ptr(ffi::sqlite3_libversion()) };
    println!("sqlite {}", version.to_str().unwrap());
    let mut db = ptr::null_mut();
    let name = CString::new(":memory:").unwrap();
    // SAFETY: a call into SQLite with a live database handle and NUL-terminated strings.
    assert_eq!(unsafe { ffi::sqlite3_open(name.as_ptr(), &mut db) }, ffi::SQLITE_OK);
    exec(db, "CREATE TABLE t (k TEXT, v INTEGER)");
    for i in 0..100 {
        exec(db, &format!("INSERT INTO t VALUES ('k{}', {})", i % 3, i));
    }
    exec(db, "SELECT k, count(*) AS n, sum(v) AS s, printf('%.2f', avg(v)) AS a FROM t GROUP BY k ORDER BY k");
    // SAFETY: a call into SQLite with a live database handle and NUL-terminated strings.
    unsafe { ffi::sqlite3_close(db) };

    // A database file (Eremit's in-memory file system): write, close, reopen, read.
    let path = CString::new("/tmp/test.db").unwrap();
    for round in 0..2 {
        let mut db = ptr::null_mut();
        // SAFETY: a call into SQLite with a live database handle and NUL-terminated strings.
        assert_eq!(unsafe { ffi::sqlite3_open(path.as_ptr(), &mut db) }, ffi::SQLITE_OK);
        if round == 0 {
            exec(db, "DROP TABLE IF EXISTS f; CREATE TABLE f (x INTEGER); BEGIN; INSERT INTO f VALUES (1), (2), (3); COMMIT");
        } else {
            exec(db, "SELECT count(*) AS n, sum(x) AS s FROM f");
        }
        // SAFETY: a call into SQLite with a live database handle and NUL-terminated strings.
        unsafe { ffi::sqlite3_close(db) };
    }
    println!("done");
}
