//! The scan that `eremit run` and `eremit pkg` share: options before IMAGE, in both forms
//! (`--name value`, `--name=value`), `--` ending them, `-h`/`--help` anywhere among them.

use super::{UsageError, usage_err};

/// Which options a command has and how to name it in errors.
pub struct Grammar<'a> {
    /// Options that take a value.
    pub values: &'a [&'a str],
    /// Options that take none.
    pub flags: &'a [&'a str],
    /// Follows the option's name in "unknown option" (e.g. " for pkg"; may be empty).
    pub unknown_context: &'a str,
}

/// How the options ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Scanned {
    /// `-h` or `--help` came first.
    Help,
    /// The index of IMAGE in the arguments, if there is one.
    Image(Option<usize>),
}

/// Scans the options, calling `apply(name, value)` for each in order (`value` is `None`
/// for a flag).
pub fn scan(
    args: &[String],
    grammar: &Grammar,
    mut apply: impl FnMut(&str, Option<String>) -> Result<(), UsageError>,
) -> Result<Scanned, UsageError> {
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            // Explicit end of options: the next argument is IMAGE.
            return Ok(Scanned::Image((i < args.len()).then_some(i)));
        }
        if !arg.starts_with('-') || arg == "-" {
            return Ok(Scanned::Image(Some(i - 1)));
        }
        if arg == "-h" || arg == "--help" {
            return Ok(Scanned::Help);
        }
        let (name, inline_value) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        if grammar.flags.contains(&name) {
            if inline_value.is_some() {
                return usage_err(format!("option '{name}' takes no value"));
            }
            apply(name, None)?;
            continue;
        }
        if !grammar.values.contains(&name) {
            return usage_err(format!(
                "unknown option '{name}'{} (try 'eremit --help')",
                grammar.unknown_context
            ));
        }
        let value = match inline_value {
            Some(v) => v,
            None => {
                let Some(v) = args.get(i) else {
                    return usage_err(format!("option '{name}' needs a value"));
                };
                i += 1;
                v.clone()
            }
        };
        apply(name, Some(value))?;
    }
    Ok(Scanned::Image(None))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRAMMAR: Grammar = Grammar {
        values: &["--n"],
        flags: &["-q"],
        unknown_context: " for t",
    };

    /// The options `scan` reported, each a name and its value.
    type Seen = Vec<(String, Option<String>)>;

    fn run(list: &[&str]) -> (Result<Scanned, UsageError>, Seen) {
        let args: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        let mut seen = Vec::new();
        let r = scan(&args, &GRAMMAR, |n, v| {
            seen.push((n.to_string(), v));
            Ok(())
        });
        (r, seen)
    }

    #[test]
    fn options_then_image() {
        let (r, seen) = run(&["--n", "1", "-q", "--n=2", "img", "--n", "3"]);
        assert_eq!(r, Ok(Scanned::Image(Some(4))));
        let want = [("--n", Some("1")), ("-q", None), ("--n", Some("2"))];
        let want: Vec<_> = want
            .iter()
            .map(|(n, v)| (n.to_string(), v.map(str::to_string)))
            .collect();
        assert_eq!(seen, want);
        assert_eq!(run(&["--", "-img"]).0, Ok(Scanned::Image(Some(1))));
        assert_eq!(run(&["-q", "--"]).0, Ok(Scanned::Image(None)));
        assert_eq!(run(&["-q", "-h", "--bogus"]).0, Ok(Scanned::Help));
    }

    #[test]
    fn errors() {
        let err = |list: &[&str]| run(list).0.unwrap_err().0;
        assert_eq!(
            err(&["--x", "i"]),
            "unknown option '--x' for t (try 'eremit --help')"
        );
        assert_eq!(err(&["--n"]), "option '--n' needs a value");
        assert_eq!(
            err(&["-q=1", "i"]),
            "unknown option '-q=1' for t (try 'eremit --help')"
        );
        assert!(err(&["--q=1"]).contains("unknown option '--q'"));
    }
}
