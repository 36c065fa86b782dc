//! The kernel command line passed with QEMU's `-append`.
//!
//! Layout: kernel options, then `--`, then argv (argv[0] is the image path as
//! given). Tokens are separated by single spaces; a token that is empty or
//! contains a space, `"` or `\` is written in double quotes with `"` and `\`
//! escaped by a backslash.

use std::fmt;

/// A token that cannot be represented on the kernel command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CmdlineError {
    pub token: String,
    pub reason: &'static str,
}

impl fmt::Display for CmdlineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot pass {:?} to the guest: it contains {}",
            self.token, self.reason
        )
    }
}

/// Quotes one token (see the module documentation).
pub fn quote_token(token: &str) -> Result<String, CmdlineError> {
    if token.contains('\0') {
        return Err(CmdlineError {
            token: token.to_string(),
            reason: "a NUL byte",
        });
    }
    if token.contains('\n') {
        return Err(CmdlineError {
            token: token.to_string(),
            reason: "a newline",
        });
    }
    let needs_quotes = token.is_empty() || token.contains([' ', '"', '\\']);
    if !needs_quotes {
        return Ok(token.to_string());
    }
    let mut out = String::with_capacity(token.len() + 2);
    out.push('"');
    for c in token.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    Ok(out)
}

/// What goes on the kernel command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelCmdline<'a> {
    pub verbose: bool,
    pub tsc_khz: Option<u64>,
    /// Which of eremit's descriptors 0, 1, 2 are terminals (`tty=`): the application's
    /// `isatty` answers as natively.
    pub terminals: [bool; 3],
    /// The runner forwards signals over a console of their own (`signals`).
    pub signals: bool,
    /// Network options (`ip=`, `gateway=`, `dns=`, `netfallback=`), ready-made.
    pub net: &'a [String],
    pub env: &'a [(String, String)],
    pub image: &'a str,
    pub args: &'a [String],
}

/// Builds the complete `-append` string.
pub fn build(spec: &KernelCmdline<'_>) -> Result<String, CmdlineError> {
    let mut tokens: Vec<String> = Vec::new();
    if spec.verbose {
        tokens.push("verbose".to_string());
    }
    if let Some(khz) = spec.tsc_khz {
        tokens.push(format!("tsc_khz={khz}"));
    }
    if spec.signals {
        tokens.push("signals".to_string());
    }
    let ttys: Vec<String> = (0..3)
        .filter(|&fd| spec.terminals[fd])
        .map(|fd| fd.to_string())
        .collect();
    if !ttys.is_empty() {
        tokens.push(format!("tty={}", ttys.join(",")));
    }
    tokens.extend(spec.net.iter().cloned());
    for (key, value) in spec.env {
        tokens.push(format!("env={key}={value}"));
    }
    let mut out: Vec<String> = Vec::with_capacity(tokens.len() + 2 + spec.args.len());
    for token in &tokens {
        out.push(quote_token(token)?);
    }
    out.push("--".to_string());
    out.push(quote_token(spec.image)?);
    for arg in spec.args {
        out.push(quote_token(arg)?);
    }
    Ok(out.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_tokens_are_unchanged() {
        assert_eq!(quote_token("abc").unwrap(), "abc");
        assert_eq!(quote_token("--x=1").unwrap(), "--x=1");
        assert_eq!(quote_token("ünï'cødé\t").unwrap(), "ünï'cødé\t");
    }

    #[test]
    fn quoting() {
        assert_eq!(quote_token("").unwrap(), "\"\"");
        assert_eq!(quote_token("a b").unwrap(), "\"a b\"");
        assert_eq!(quote_token("say \"hi\"").unwrap(), r#""say \"hi\"""#);
        assert_eq!(quote_token(r"C:\dir").unwrap(), r#""C:\\dir""#);
        assert_eq!(quote_token("\"").unwrap(), r#""\"""#);
        assert_eq!(quote_token("\\").unwrap(), r#""\\""#);
    }

    #[test]
    fn rejects_nul_and_newline() {
        assert_eq!(quote_token("a\nb").unwrap_err().reason, "a newline");
        assert_eq!(quote_token("a\0b").unwrap_err().reason, "a NUL byte");
    }

    #[test]
    fn full_cmdline() {
        let env = vec![
            ("HOME".to_string(), "/".to_string()),
            ("GREETING".to_string(), "hello world".to_string()),
        ];
        let args = vec!["-n".to_string(), "".to_string(), "a\"b".to_string()];
        let spec = KernelCmdline {
            net: &[],
            verbose: true,
            tsc_khz: Some(2_400_000),
            terminals: [true, false, true],
            signals: true,
            env: &env,
            image: "./hello",
            args: &args,
        };
        assert_eq!(
            build(&spec).unwrap(),
            r#"verbose tsc_khz=2400000 signals tty=0,2 env=HOME=/ "env=GREETING=hello world" -- ./hello -n "" "a\"b""#
        );
    }

    #[test]
    fn minimal_cmdline() {
        let spec = KernelCmdline {
            net: &[],
            verbose: false,
            tsc_khz: None,
            terminals: [false; 3],
            signals: false,
            env: &[],
            image: "my app",
            args: &[],
        };
        assert_eq!(build(&spec).unwrap(), "-- \"my app\"");
    }

    #[test]
    fn bad_argument_is_an_error() {
        let args = vec!["ok".to_string(), "two\nlines".to_string()];
        let spec = KernelCmdline {
            net: &[],
            verbose: false,
            tsc_khz: Some(1),
            terminals: [false; 3],
            signals: false,
            env: &[],
            image: "x",
            args: &args,
        };
        assert!(build(&spec).is_err());
    }
}
