//! The bundle's config.json (OCI runtime spec): the parts that decide the VM. Anything
//! the VM cannot honour is refused here, before any state exists.

use super::resources::{ANNOTATION_CPUS, ANNOTATION_MEMORY};
use serde_json::Value;
use std::path::{Component, Path, PathBuf};

/// Container-engine plumbing mounted into every container (procfs, devices, the files
/// podman writes): nothing for a unikernel to see. /etc/resolv.conf is read for DNS.
const PLUMBING: &[&str] = &[
    "/proc",
    "/sys",
    "/dev",
    "/etc/hosts",
    "/etc/hostname",
    "/etc/resolv.conf",
    "/run/.containerenv",
    "/run/secrets",
];

/// A host directory the bundle binds into the container: a volume of the VM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bind {
    pub source: String,
    pub destination: String,
    pub readonly: bool,
}

/// What the runtime takes from config.json.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The image on the host: args[0] inside the rootfs.
    pub image: PathBuf,
    /// args[0] as given: the program's argv[0].
    pub argv0: String,
    /// The program's arguments (args[1..]).
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub terminal: bool,
    /// The network namespace to join (a path), when the bundle names one.
    pub netns: Option<PathBuf>,
    pub binds: Vec<Bind>,
    /// The host file mounted at /etc/resolv.conf, else the rootfs's own.
    pub resolv_conf: Option<PathBuf>,
    pub cpu_quota: Option<i64>,
    pub cpu_period: Option<u64>,
    pub cpu_shares: Option<u64>,
    pub memory_limit: Option<i64>,
    /// The `org.eremit.cpus` and `org.eremit.memory` annotations, as given.
    pub cpus_annotation: Option<String>,
    pub memory_annotation: Option<String>,
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

/// A path inside the rootfs, refused when it could leave it (`..`) or is empty.
fn inside(rootfs: &Path, path: &str) -> Result<PathBuf, String> {
    let rel = Path::new(path.trim_start_matches('/'));
    if rel.as_os_str().is_empty() || rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(format!(
            "process.args[0] '{path}' is not a path inside the rootfs"
        ));
    }
    Ok(rootfs.join(rel))
}

/// Parses config.json's text; `bundle` resolves a relative root.path.
pub fn parse(text: &str, bundle: &Path) -> Result<Config, String> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| format!("config.json is not valid JSON: {e}"))?;
    let root = str_at(&v, &["root", "path"]).ok_or("config.json has no root.path")?;
    let rootfs = bundle.join(root);
    let Some(args) = at(&v, &["process", "args"]).and_then(Value::as_array) else {
        return Err("config.json has no process.args".into());
    };
    let args: Vec<String> = args
        .iter()
        .map(|a| a.as_str().map(str::to_string))
        .collect::<Option<_>>()
        .ok_or("process.args holds a non-string")?;
    let Some(first) = args.first() else {
        return Err("process.args is empty: it must name the Eremit image".into());
    };
    let image = inside(&rootfs, first)?;

    let mut env = Vec::new();
    if let Some(list) = at(&v, &["process", "env"]).and_then(Value::as_array) {
        for item in list {
            let text = item.as_str().ok_or("process.env holds a non-string")?;
            let Some((k, val)) = text.split_once('=') else {
                return Err(format!("process.env entry '{text}' has no '='"));
            };
            env.push((k.to_string(), val.to_string()));
        }
    }
    // The guest starts in /: another directory would be silently wrong.
    let cwd = str_at(&v, &["process", "cwd"]).unwrap_or("/");
    if cwd != "/" {
        return Err(format!(
            "process.cwd '{cwd}' is not supported: an Eremit program starts in /"
        ));
    }
    let terminal = at(&v, &["process", "terminal"])
        .and_then(Value::as_bool)
        .unwrap_or(false);

    let netns = at(&v, &["linux", "namespaces"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|ns| ns.get("type").and_then(Value::as_str) == Some("network"))
        .and_then(|ns| ns.get("path").and_then(Value::as_str))
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);

    let mut binds = Vec::new();
    let mut resolv_conf = None;
    for m in at(&v, &["mounts"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let dest = m.get("destination").and_then(Value::as_str).unwrap_or("");
        let source = m.get("source").and_then(Value::as_str).unwrap_or("");
        let options: Vec<&str> = m
            .get("options")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let bind = m.get("type").and_then(Value::as_str) == Some("bind")
            || options.iter().any(|o| *o == "bind" || *o == "rbind");
        if dest == "/etc/resolv.conf" && bind {
            resolv_conf = Some(PathBuf::from(source));
        }
        let plumbing = PLUMBING
            .iter()
            .any(|p| dest == *p || dest.strip_prefix(p).is_some_and(|r| r.starts_with('/')));
        if plumbing || !bind {
            continue;
        }
        if !Path::new(source).is_dir() {
            return Err(format!(
                "bind mount of {source} at {dest}: only directories can be shared with the VM"
            ));
        }
        if source.contains(':') || dest.contains(':') {
            return Err(format!("bind mount {source}:{dest}: a path holds ':'"));
        }
        binds.push(Bind {
            source: source.to_string(),
            destination: dest.to_string(),
            readonly: options.contains(&"ro"),
        });
    }
    if resolv_conf.is_none() {
        let own = rootfs.join("etc/resolv.conf");
        if own.is_file() {
            resolv_conf = Some(own);
        }
    }

    let annotation = |key: &str| str_at(&v, &["annotations", key]).map(str::to_string);
    let res = |path: &[&str]| at(&v, &[&["linux", "resources"], path].concat()).cloned();
    Ok(Config {
        image,
        argv0: first.clone(),
        args: args[1..].to_vec(),
        env,
        terminal,
        netns,
        binds,
        resolv_conf,
        cpu_quota: res(&["cpu", "quota"]).and_then(|q| q.as_i64()),
        cpu_period: res(&["cpu", "period"]).and_then(|q| q.as_u64()),
        cpu_shares: res(&["cpu", "shares"]).and_then(|q| q.as_u64()),
        memory_limit: res(&["memory", "limit"]).and_then(|q| q.as_i64()),
        cpus_annotation: annotation(ANNOTATION_CPUS),
        memory_annotation: annotation(ANNOTATION_MEMORY),
    })
}

/// The IPv4 name servers of a resolv.conf.
pub fn nameservers(text: &str) -> Vec<std::net::Ipv4Addr> {
    text.lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            (words.next() == Some("nameserver")).then(|| words.next())?
        })
        .filter_map(|a| a.parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PODMAN: &str = r#"{
        "ociVersion": "1.0.2-dev",
        "process": {
            "terminal": false,
            "user": {"uid": 0, "gid": 0},
            "args": ["/eremit/image", "one", "two words"],
            "env": ["PATH=/usr/bin", "GREETING=a=b", "container=podman"],
            "cwd": "/"
        },
        "root": {"path": "/var/lib/containers/merged"},
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev/shm", "type": "bind", "source": "/tmp", "options": ["bind"]},
            {"destination": "/etc/resolv.conf", "type": "bind", "source": "/run/r.conf", "options": ["bind", "rprivate"]},
            {"destination": "/data", "type": "bind", "source": "/tmp", "options": ["rbind", "ro"]}
        ],
        "linux": {
            "resources": {"cpu": {"quota": 200000, "period": 100000, "shares": 2}, "memory": {"limit": 268435456}},
            "namespaces": [{"type": "pid"}, {"type": "network", "path": "/run/netns/cni-1"}, {"type": "mount"}]
        },
        "annotations": {"org.eremit.memory": "256M", "io.container.manager": "libpod"}
    }"#;

    #[test]
    fn podman_config() {
        let c = parse(PODMAN, Path::new("/b")).unwrap();
        assert_eq!(
            c.image,
            PathBuf::from("/var/lib/containers/merged/eremit/image")
        );
        assert_eq!(c.argv0, "/eremit/image");
        assert_eq!(c.args, ["one", "two words"]);
        assert_eq!(c.env[1], ("GREETING".to_string(), "a=b".to_string()));
        assert_eq!(c.env.len(), 3);
        assert!(!c.terminal);
        assert_eq!(c.netns, Some(PathBuf::from("/run/netns/cni-1")));
        assert_eq!(
            c.binds,
            [Bind {
                source: "/tmp".into(),
                destination: "/data".into(),
                readonly: true
            }]
        );
        assert_eq!(c.resolv_conf, Some(PathBuf::from("/run/r.conf")));
        assert_eq!(
            (c.cpu_quota, c.cpu_period, c.cpu_shares),
            (Some(200000), Some(100000), Some(2))
        );
        assert_eq!(c.memory_limit, Some(268435456));
        assert_eq!(c.memory_annotation.as_deref(), Some("256M"));
        assert_eq!(c.cpus_annotation, None);
    }

    #[test]
    fn relative_root_and_defaults() {
        let c = parse(
            r#"{"root": {"path": "rootfs"}, "process": {"args": ["image"]}}"#,
            Path::new("/b"),
        )
        .unwrap();
        assert_eq!(c.image, PathBuf::from("/b/rootfs/image"));
        assert!(c.args.is_empty() && c.env.is_empty() && c.binds.is_empty());
        assert_eq!(c.netns, None);
        assert_eq!(c.memory_limit, None);
    }

    #[test]
    fn refused() {
        let b = Path::new("/b");
        let cfg = |process: &str| format!(r#"{{"root": {{"path": "r"}}, "process": {process}}}"#);
        assert!(parse("{", b).unwrap_err().contains("not valid JSON"));
        assert!(parse(r#"{"process": {"args": ["x"]}}"#, b).is_err());
        assert!(
            parse(&cfg(r#"{"args": []}"#), b)
                .unwrap_err()
                .contains("empty")
        );
        assert!(parse(&cfg(r#"{}"#), b).is_err());
        assert!(parse(&cfg(r#"{"args": ["../etc/passwd"]}"#), b).is_err());
        assert!(parse(&cfg(r#"{"args": ["/"]}"#), b).is_err());
        assert!(parse(&cfg(r#"{"args": [1]}"#), b).is_err());
        assert!(
            parse(&cfg(r#"{"args": ["x"], "cwd": "/srv"}"#), b)
                .unwrap_err()
                .contains("cwd")
        );
        assert!(parse(&cfg(r#"{"args": ["x"], "env": ["NOEQUALS"]}"#), b).is_err());
        let file_bind = r#"{"root": {"path": "r"}, "process": {"args": ["x"]},
            "mounts": [{"destination": "/f", "type": "bind", "source": "/etc/passwd"}]}"#;
        assert!(
            parse(file_bind, b)
                .unwrap_err()
                .contains("only directories")
        );
    }

    #[test]
    fn resolv_conf_servers() {
        let text =
            "# c\nsearch dns.podman\nnameserver 10.88.0.1\nnameserver ::1\nnameserver  8.8.8.8 \n";
        assert_eq!(
            nameservers(text),
            [
                "10.88.0.1".parse::<std::net::Ipv4Addr>().unwrap(),
                "8.8.8.8".parse().unwrap()
            ]
        );
    }
}
