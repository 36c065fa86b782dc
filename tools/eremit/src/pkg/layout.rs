//! The OCI image layout of `eremit pkg`, as one tar archive ("oci-archive", what
//! `podman load`, `skopeo` and containerd's import read): `oci-layout`, `index.json`
//! naming one manifest, and content-addressed blobs under `blobs/sha256/`: the
//! manifest, the image configuration and one gzip'd layer holding the Eremit image at
//! [`IMAGE_PATH`].
//!
//! Nothing here depends on the time, the host or the user: tar entries have fixed
//! metadata (`tarentry`), gzip's header no time or name, JSON objects sorted keys. The
//! same input therefore gives the same digests.

use std::collections::BTreeMap;
use std::io::{self, Write};

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::tarentry;
use crate::cli::Proto;

/// Where the layer puts the Eremit image (the entrypoint); `eremit-runtime` boots the
/// file at this path of the container's root file system.
pub const IMAGE_PATH: &str = "/eremit/image";
/// Annotation and label: number of vCPUs, a decimal number (as `eremit run --cpus`).
pub const ANNOTATION_CPUS: &str = "org.eremit.cpus";
/// Annotation and label: guest memory as `eremit run --memory` takes it (`512M`,
/// `3904K`).
pub const ANNOTATION_MEMORY: &str = "org.eremit.memory";
/// Annotation and label: the path of the Eremit image in the root file system; its
/// presence marks an Eremit image (a runtime can hand other containers to runc).
pub const ANNOTATION_IMAGE: &str = "org.eremit.image";
/// The standard annotation naming a manifest in `index.json`.
pub const ANNOTATION_REF_NAME: &str = "org.opencontainers.image.ref.name";
/// containerd's name for the same (`ctr image import` and, before the standard one,
/// podman read it).
pub const ANNOTATION_CONTAINERD_NAME: &str = "io.containerd.image.name";

pub const MEDIA_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const MEDIA_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const MEDIA_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const MEDIA_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";

/// The fixed creation time (the Unix epoch): a build at another time gives the same
/// image.
const CREATED: &str = "1970-01-01T00:00:00Z";
/// Mode of the image file in the layer.
const IMAGE_MODE: u32 = 0o755;
/// Mode of the files of the archive itself.
const FILE_MODE: u32 = 0o644;

/// Everything the archive says.
pub struct Spec<'a> {
    /// The Eremit image's bytes.
    pub image: &'a [u8],
    /// The application's arguments (the config's `Cmd`).
    pub args: &'a [String],
    /// `(KEY, VALUE)` pairs; a later one replaces an earlier one with the same key.
    pub env: &'a [(String, String)],
    pub ports: &'a [(u16, Proto)],
    pub cpus: u32,
    /// As `eremit run --memory` takes it.
    pub memory: &'a str,
    /// `NAME:TAG`.
    pub reference: &'a str,
}

/// A blob of the layout: its bytes, media type and digest (`sha256:HEX`).
pub struct Blob {
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
    pub digest: String,
}

impl Blob {
    fn new(media_type: &'static str, bytes: Vec<u8>) -> Blob {
        let digest = sha256(&bytes);
        Blob {
            media_type,
            bytes,
            digest,
        }
    }

    fn json(media_type: &'static str, value: &Value) -> Blob {
        Blob::new(
            media_type,
            serde_json::to_vec(value).expect("JSON values serialise"),
        )
    }

    /// Its OCI descriptor.
    fn descriptor(&self) -> Value {
        json!({
            "mediaType": self.media_type,
            "digest": self.digest,
            "size": self.bytes.len(),
        })
    }

    /// The hex part of the digest: its file name under `blobs/sha256/`.
    fn hex(&self) -> &str {
        self.digest.strip_prefix("sha256:").expect("sha256 digest")
    }
}

pub fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A writer that hashes what goes through it (the layer's uncompressed digest, its
/// "diff ID", is taken on the way into gzip).
struct Hashing<W> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The layer (a tar with `eremit/` and the image at `eremit/image`, gzip'd) and its
/// diff ID (the digest of the uncompressed tar).
pub fn layer(image: &[u8]) -> io::Result<(Blob, String)> {
    // flate2's default gzip header has no file name and a zero time.
    let gzip = GzEncoder::new(Vec::new(), Compression::default());
    let mut tar = tar::Builder::new(Hashing {
        inner: gzip,
        hash: Sha256::new(),
    });
    let path = IMAGE_PATH.trim_start_matches('/');
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    tarentry::dir(&mut tar, dir)?;
    tarentry::file(&mut tar, path, IMAGE_MODE, image)?;
    let hashing = tar.into_inner()?;
    let diff_id = format!("sha256:{}", hex(&hashing.hash.finalize()));
    let compressed = hashing.inner.finish()?;
    Ok((Blob::new(MEDIA_LAYER_GZIP, compressed), diff_id))
}

/// The labels and manifest annotations that tell a runtime how to boot the image.
pub fn eremit_annotations(spec: &Spec<'_>) -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        (ANNOTATION_CPUS, spec.cpus.to_string()),
        (ANNOTATION_MEMORY, spec.memory.to_string()),
        (ANNOTATION_IMAGE, IMAGE_PATH.to_string()),
    ])
}

/// `KEY=VALUE` strings, one per key, where the key was first given, the last value.
pub fn env_list(env: &[(String, String)]) -> Vec<String> {
    let mut merged: Vec<(&str, &str)> = Vec::new();
    for (key, value) in env {
        match merged.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => merged.push((key, value)),
        }
    }
    merged.iter().map(|(k, v)| format!("{k}={v}")).collect()
}

/// The image configuration (OCI image spec, `config.json` of an image).
pub fn config(spec: &Spec<'_>, diff_id: &str) -> Value {
    let mut cfg = Map::new();
    cfg.insert("Entrypoint".into(), json!([IMAGE_PATH]));
    if !spec.args.is_empty() {
        cfg.insert("Cmd".into(), json!(spec.args));
    }
    let env = env_list(spec.env);
    if !env.is_empty() {
        cfg.insert("Env".into(), json!(env));
    }
    if !spec.ports.is_empty() {
        let ports: Map<String, Value> = spec
            .ports
            .iter()
            .map(|(port, proto)| (format!("{port}/{}", proto.name()), json!({})))
            .collect();
        cfg.insert("ExposedPorts".into(), Value::Object(ports));
    }
    cfg.insert("Labels".into(), json!(eremit_annotations(spec)));
    json!({
        "created": CREATED,
        "architecture": "amd64",
        "os": "linux",
        "config": cfg,
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": CREATED, "created_by": "eremit pkg"}],
    })
}

pub fn manifest(spec: &Spec<'_>, config: &Blob, layer: &Blob) -> Value {
    json!({
        "schemaVersion": 2,
        "mediaType": MEDIA_MANIFEST,
        "config": config.descriptor(),
        "layers": [layer.descriptor()],
        "annotations": eremit_annotations(spec),
    })
}

pub fn index(spec: &Spec<'_>, manifest: &Blob) -> Value {
    let mut descriptor = manifest.descriptor();
    descriptor["annotations"] = json!({
        ANNOTATION_REF_NAME: spec.reference,
        ANNOTATION_CONTAINERD_NAME: spec.reference,
    });
    descriptor["platform"] = json!({"architecture": "amd64", "os": "linux"});
    json!({
        "schemaVersion": 2,
        "mediaType": MEDIA_INDEX,
        "manifests": [descriptor],
    })
}

/// What was written: the digests that name the image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The manifest's digest (what a registry calls the image's digest).
    pub manifest: String,
    /// The configuration's digest (podman's and docker's image ID).
    pub config: String,
}

/// Writes the archive to `out`.
pub fn write_archive<W: Write>(spec: &Spec<'_>, out: W) -> io::Result<Written> {
    let (layer, diff_id) = layer(spec.image)?;
    let config = Blob::json(MEDIA_CONFIG, &config(spec, &diff_id));
    let manifest = Blob::json(MEDIA_MANIFEST, &manifest(spec, &config, &layer));
    let index = serde_json::to_vec(&index(spec, &manifest)).expect("JSON values serialise");

    let mut tar = tar::Builder::new(out);
    tarentry::file(
        &mut tar,
        "oci-layout",
        FILE_MODE,
        br#"{"imageLayoutVersion":"1.0.0"}"#,
    )?;
    tarentry::file(&mut tar, "index.json", FILE_MODE, &index)?;
    tarentry::dir(&mut tar, "blobs")?;
    tarentry::dir(&mut tar, "blobs/sha256")?;
    for blob in [&manifest, &config, &layer] {
        tarentry::file(
            &mut tar,
            &format!("blobs/sha256/{}", blob.hex()),
            FILE_MODE,
            &blob.bytes,
        )?;
    }
    tar.into_inner()?.flush()?;
    Ok(Written {
        manifest: manifest.digest,
        config: config.digest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;
    use std::collections::HashMap;
    use std::io::Read;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The archive's files by path.
    fn untar(bytes: &[u8]) -> HashMap<String, Vec<u8>> {
        let mut files = HashMap::new();
        for entry in tar::Archive::new(bytes).entries().unwrap() {
            let mut entry = entry.unwrap();
            let path = entry.path().unwrap().to_string_lossy().into_owned();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            files.insert(path, data);
        }
        files
    }

    fn blob<'a>(files: &'a HashMap<String, Vec<u8>>, digest: &Value) -> &'a [u8] {
        let hex = digest.as_str().unwrap().strip_prefix("sha256:").unwrap();
        &files[&format!("blobs/sha256/{hex}")]
    }

    fn write(spec: &Spec<'_>) -> (Vec<u8>, Written) {
        let mut out = Vec::new();
        let written = write_archive(spec, &mut out).unwrap();
        (out, written)
    }

    #[test]
    fn archive_holds_a_valid_layout() {
        let image = b"\x7fELF pretend image".repeat(100);
        let args = strings(&["--flag", "two words"]);
        let env = pairs(&[("A", "1"), ("B", "x=y"), ("A", "2")]);
        let ports = [(8080, Proto::Tcp), (53, Proto::Udp)];
        let spec = Spec {
            image: &image,
            args: &args,
            env: &env,
            ports: &ports,
            cpus: 2,
            memory: "256M",
            reference: "hello:1.0",
        };
        let (bytes, written) = write(&spec);
        let files = untar(&bytes);
        assert_eq!(files["oci-layout"], br#"{"imageLayoutVersion":"1.0.0"}"#);

        // Every blob is stored under its own digest.
        for (path, data) in &files {
            if let Some(hex) = path.strip_prefix("blobs/sha256/").filter(|h| !h.is_empty()) {
                assert_eq!(sha256(data), format!("sha256:{hex}"), "{path}");
            }
        }

        let index: Value = serde_json::from_slice(&files["index.json"]).unwrap();
        assert_eq!(index["schemaVersion"], 2);
        assert_eq!(index["mediaType"], MEDIA_INDEX);
        let desc = &index["manifests"][0];
        assert_eq!(index["manifests"].as_array().unwrap().len(), 1);
        assert_eq!(desc["mediaType"], MEDIA_MANIFEST);
        assert_eq!(desc["digest"], written.manifest.as_str());
        assert_eq!(desc["annotations"][ANNOTATION_REF_NAME], "hello:1.0");
        assert_eq!(desc["annotations"][ANNOTATION_CONTAINERD_NAME], "hello:1.0");
        assert_eq!(
            desc["platform"],
            json!({"architecture": "amd64", "os": "linux"})
        );

        let manifest_bytes = blob(&files, &desc["digest"]);
        assert_eq!(desc["size"], manifest_bytes.len());
        let manifest: Value = serde_json::from_slice(manifest_bytes).unwrap();
        assert_eq!(manifest["schemaVersion"], 2);
        assert_eq!(manifest["config"]["mediaType"], MEDIA_CONFIG);
        assert_eq!(manifest["config"]["digest"], written.config.as_str());
        assert_eq!(manifest["annotations"][ANNOTATION_CPUS], "2");
        assert_eq!(manifest["annotations"][ANNOTATION_MEMORY], "256M");
        assert_eq!(manifest["annotations"][ANNOTATION_IMAGE], IMAGE_PATH);

        let config_bytes = blob(&files, &manifest["config"]["digest"]);
        assert_eq!(manifest["config"]["size"], config_bytes.len());
        let config: Value = serde_json::from_slice(config_bytes).unwrap();
        assert_eq!(config["os"], "linux");
        assert_eq!(config["architecture"], "amd64");
        let c = &config["config"];
        assert_eq!(c["Entrypoint"], json!(["/eremit/image"]));
        assert_eq!(c["Cmd"], json!(["--flag", "two words"]));
        // The later A replaces the earlier one, in its place.
        assert_eq!(c["Env"], json!(["A=2", "B=x=y"]));
        assert_eq!(c["ExposedPorts"], json!({"8080/tcp": {}, "53/udp": {}}));
        assert_eq!(
            c["Labels"],
            json!({ANNOTATION_CPUS: "2", ANNOTATION_MEMORY: "256M", ANNOTATION_IMAGE: IMAGE_PATH})
        );

        // The layer: gzip'd tar with the image at eremit/image, mode 0755; its
        // uncompressed digest is the config's diff ID.
        let layers = manifest["layers"].as_array().unwrap();
        assert_eq!(layers.len(), 1);
        assert_eq!(layers[0]["mediaType"], MEDIA_LAYER_GZIP);
        let gz = blob(&files, &layers[0]["digest"]);
        assert_eq!(layers[0]["size"], gz.len());
        let mut tar_bytes = Vec::new();
        GzDecoder::new(gz).read_to_end(&mut tar_bytes).unwrap();
        assert_eq!(config["rootfs"]["type"], "layers");
        assert_eq!(config["rootfs"]["diff_ids"], json!([sha256(&tar_bytes)]));
        let mut layer = tar::Archive::new(&tar_bytes[..]);
        let mut entries = Vec::new();
        for entry in layer.entries().unwrap() {
            let mut entry = entry.unwrap();
            let mode = entry.header().mode().unwrap();
            let path = entry.path().unwrap().to_string_lossy().into_owned();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            entries.push((path, mode, data));
        }
        assert_eq!(
            entries,
            vec![
                ("eremit/".into(), 0o755, vec![]),
                ("eremit/image".into(), 0o755, image.clone())
            ]
        );
    }

    #[test]
    fn no_args_env_or_ports_leave_them_out() {
        let spec = Spec {
            image: b"img",
            args: &[],
            env: &[],
            ports: &[],
            cpus: 1,
            memory: "512M",
            reference: "x:latest",
        };
        let (layer, diff_id) = layer(spec.image).unwrap();
        let c = config(&spec, &diff_id);
        let keys: Vec<&String> = c["config"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["Entrypoint", "Labels"]);
        assert!(layer.digest.starts_with("sha256:") && layer.digest.len() == 7 + 64);
    }

    #[test]
    fn same_input_same_digests_and_bytes() {
        let spec = |image: &'static [u8], cpus| Spec {
            image,
            args: &[],
            env: &[],
            ports: &[],
            cpus,
            memory: "64M",
            reference: "same:latest",
        };
        let (a, wa) = write(&spec(b"image one", 1));
        let (b, wb) = write(&spec(b"image one", 1));
        assert_eq!(a, b);
        assert_eq!(wa, wb);
        // A different image or setting: a different image ID.
        let (_, wc) = write(&spec(b"image two", 1));
        let (_, wd) = write(&spec(b"image one", 2));
        assert_ne!(wa.config, wc.config);
        assert_ne!(wa.config, wd.config);
    }

    #[test]
    fn sha256_known_answer() {
        assert_eq!(
            sha256(b"abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn env_list_keeps_first_position_last_value() {
        assert_eq!(
            env_list(&pairs(&[("X", "1"), ("Y", ""), ("X", "3"), ("Z", "a=b")])),
            strings(&["X=3", "Y=", "Z=a=b"])
        );
        assert!(env_list(&[]).is_empty());
    }
}
