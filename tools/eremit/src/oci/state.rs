//! A container's state under `--root`: `ROOT/ID/state.json` (what `state` reports and
//! `delete` needs) and `ROOT/ID/exec.fifo`, which the supervisor opens to wait for
//! `start` (as runc does); the fifo's presence means "created, not started".

use serde_json::{Value, json};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub id: String,
    /// The supervisor's pid (the pid file's): it runs QEMU and exits with the program.
    pub pid: i32,
    /// The supervisor's start time (/proc/PID/stat field 22): a reused pid is not it.
    pub pid_start: u64,
    pub bundle: String,
    /// RFC 3339, UTC.
    pub created: String,
    pub netns: Option<String>,
    /// The tap the supervisor made in the netns, removed by `delete` if still there.
    pub tap: Option<String>,
}

pub fn dir(root: &Path, id: &str) -> PathBuf {
    root.join(id)
}

pub fn fifo(root: &Path, id: &str) -> PathBuf {
    dir(root, id).join("exec.fifo")
}

fn file(root: &Path, id: &str) -> PathBuf {
    dir(root, id).join("state.json")
}

impl State {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id, "pid": self.pid, "pid_start": self.pid_start,
            "bundle": self.bundle, "created": self.created,
            "netns": self.netns, "tap": self.tap,
        })
    }

    pub fn from_json(v: &Value) -> Option<State> {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        Some(State {
            id: s("id")?,
            pid: v.get("pid")?.as_i64()? as i32,
            pid_start: v.get("pid_start")?.as_u64()?,
            bundle: s("bundle")?,
            created: s("created")?,
            netns: s("netns"),
            tap: s("tap"),
        })
    }

    /// Writes the state atomically (a rename), so `state` never reads half of it.
    pub fn save(&self, root: &Path) -> std::io::Result<()> {
        let tmp = dir(root, &self.id).join("state.json.tmp");
        std::fs::write(&tmp, self.to_json().to_string())?;
        std::fs::rename(tmp, file(root, &self.id))
    }

    pub fn load(root: &Path, id: &str) -> Result<State, String> {
        let text = std::fs::read_to_string(file(root, id))
            .map_err(|_| format!("container {id} does not exist"))?;
        serde_json::from_str(&text)
            .ok()
            .and_then(|v| State::from_json(&v))
            .ok_or_else(|| format!("the state of container {id} is damaged"))
    }
}

/// Field 22 (start time) and field 3 (state) of /proc/PID/stat.
fn stat_fields(pid: i32) -> Option<(u64, char)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_stat(&text)
}

/// The fields after the command name, which may hold spaces and parentheses.
pub fn parse_stat(text: &str) -> Option<(u64, char)> {
    let rest = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let state = fields.first()?.chars().next()?;
    Some((fields.get(19)?.parse().ok()?, state))
}

/// The start time of a living `pid` (not a zombie).
pub fn start_time(pid: i32) -> Option<u64> {
    match stat_fields(pid)? {
        (_, 'Z' | 'X') => None,
        (start, _) => Some(start),
    }
}

/// Whether the supervisor still runs.
pub fn alive(s: &State) -> bool {
    s.pid > 0 && start_time(s.pid) == Some(s.pid_start)
}

/// The OCI status: created (waiting for start), running, stopped.
pub fn status(root: &Path, s: &State) -> &'static str {
    if !alive(s) {
        "stopped"
    } else if fifo(root, &s.id).exists() {
        "created"
    } else {
        "running"
    }
}

/// What `state` prints (the OCI runtime spec's state, runc's field names).
pub fn report(root: &Path, s: &State) -> Value {
    let status = status(root, s);
    json!({
        "ociVersion": "1.0.2",
        "id": s.id,
        "status": status,
        "pid": if status == "stopped" { 0 } else { s.pid },
        "bundle": s.bundle,
        "rootfs": Path::new(&s.bundle).join("rootfs"),
        "created": s.created,
        "owner": "",
    })
}

/// Now in RFC 3339 (UTC, seconds and nanoseconds), without a date library.
pub fn now_rfc3339() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    rfc3339(now.as_secs(), now.subsec_nanos())
}

pub fn rfc3339(secs: u64, nanos: u32) -> String {
    let days = (secs / 86400) as i64;
    let rem = secs % 86400;
    // Days to a civil date (Howard Hinnant's algorithm).
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{nanos:09}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let s = State {
            id: "c1".into(),
            pid: 42,
            pid_start: 7,
            bundle: "/b".into(),
            created: rfc3339(0, 0),
            netns: Some("/run/netns/x".into()),
            tap: None,
        };
        assert_eq!(State::from_json(&s.to_json()), Some(s));
        assert_eq!(State::from_json(&json!({"id": "x"})), None);
    }

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(rfc3339(951_782_400, 5), "2000-02-29T00:00:00.000000005Z");
        assert_eq!(rfc3339(1_796_623_199, 0), "2026-12-07T05:59:59.000000000Z");
    }

    #[test]
    fn stat_line() {
        let line =
            "123 (a (b) c) S 1 123 123 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 100 ...";
        assert_eq!(parse_stat(line), Some((98765, 'S')));
        assert_eq!(parse_stat("garbage"), None);
        let me = std::process::id() as i32;
        assert!(start_time(me).is_some());
    }
}
