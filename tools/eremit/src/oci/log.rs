//! Errors on stderr and in `--log` (one line each; JSON with `--log-format json`,
//! the format podman and containerd read back to show the runtime's error).

use super::cli::Global;
use super::state::now_rfc3339;
use std::io::Write;

/// One log line for `msg` at `level`.
pub fn line(json: bool, level: &str, msg: &str, time: &str) -> String {
    if json {
        serde_json::json!({"level": level, "msg": msg, "time": time}).to_string()
    } else {
        format!("time=\"{time}\" level={level} msg={msg:?}")
    }
}

/// Reports an error: on stderr and appended to the log file, if any.
pub fn error(global: &Global, msg: &str) {
    eprintln!("eremit-runtime: {msg}");
    if let Some(path) = &global.log {
        let text = line(global.log_json, "error", msg, &now_rfc3339());
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{text}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let j = line(true, "error", "no \"x\"", "T");
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(v["msg"], "no \"x\"");
        assert_eq!(v["level"], "error");
        assert_eq!(
            line(false, "error", "a b", "T"),
            "time=\"T\" level=error msg=\"a b\""
        );
    }
}
