//! An async JSON service on tokio and axum: what a user would write for Linux, unchanged.
//!
//!   GET  /health      {"status":"ok"}
//!   POST /echo        the JSON object sent, with "echoed_by" added (a non-object body
//!                     comes back as {"value": ..., "echoed_by": ...}); invalid JSON: 4xx
//!   GET  /count       {"count": N}: a counter shared by every task and worker thread,
//!                     N counts this request too
//!   GET  /sleep/{ms}  answers after a tokio timer of ms milliseconds (at most 10 s):
//!                     {"slept_ms": ms}; concurrent ones overlap
//!   GET  /info        {"workers": tokio worker threads, "cpus": vCPUs}
//!   PUT  /files/{name}  stores the body in /tmp with tokio::fs: {"stored": bytes}
//!   GET  /files/{name}  {"name": ..., "bytes": N, "text": the file} (404 if missing)
//!   GET  /spawn       tries tokio::process::Command: {"spawned": false, "error": kind}
//!                     where there are no processes (Eremit), {"spawned": true} else
//!   POST /quit        answers, then the server stops accepting, finishes open
//!                     requests and the program exits with 0 (so does Ctrl-C, where
//!                     there are signals: tokio::signal::ctrl_c)
//!
//! Usage: tokio-json [PORT]   (default 8080; listens on 0.0.0.0). With Eremit:
//!   eremit run --net user --forward tcp:8080:8080 tokio-json
//!
//! Building it for x86_64-unknown-hermit needs socket2 and tokio with hermit support
//! (Cargo.toml's [patch.crates-io]; README, "Async Rust: tokio").

#[cfg(target_os = "hermit")]
use hermit as _;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::Notify;

/// State every handler shares, whichever worker thread runs it.
struct Shared {
    requests: AtomicU64,
    quit: Notify,
    workers: usize,
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
}

#[derive(Serialize)]
struct Count {
    count: u64,
}

const ECHOED_BY: &str = "tokio-json on Eremit";
const MAX_SLEEP_MS: u64 = 10_000;

async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

async fn echo(Json(body): Json<Value>) -> Json<Value> {
    Json(match body {
        Value::Object(mut map) => {
            map.insert("echoed_by".into(), ECHOED_BY.into());
            Value::Object(map)
        }
        other => json!({ "value": other, "echoed_by": ECHOED_BY }),
    })
}

async fn count(State(s): State<Arc<Shared>>) -> Json<Count> {
    let count = s.requests.fetch_add(1, Ordering::Relaxed) + 1;
    Json(Count { count })
}

async fn sleep(Path(ms): Path<u64>) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    if ms > MAX_SLEEP_MS {
        let err = json!({ "error": format!("at most {MAX_SLEEP_MS} ms") });
        return Err((StatusCode::BAD_REQUEST, Json(err)));
    }
    tokio::time::sleep(Duration::from_millis(ms)).await;
    Ok(Json(json!({ "slept_ms": ms })))
}

async fn info(State(s): State<Arc<Shared>>) -> Json<Value> {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    Json(json!({ "workers": s.workers, "cpus": cpus }))
}

/// Only plain names: the files live directly in /tmp.
fn file_path(name: &str) -> Option<std::path::PathBuf> {
    let plain = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    plain.then(|| std::path::Path::new("/tmp").join(format!("tokio-json-{name}")))
}

type JsonError = (StatusCode, Json<Value>);

fn error(status: StatusCode, msg: impl std::fmt::Display) -> JsonError {
    (status, Json(json!({ "error": msg.to_string() })))
}

async fn put_file(Path(name): Path<String>, body: Bytes) -> Result<Json<Value>, JsonError> {
    let path = file_path(&name).ok_or_else(|| error(StatusCode::BAD_REQUEST, "bad name"))?;
    tokio::fs::write(&path, &body)
        .await
        .map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, e))?;
    Ok(Json(json!({ "stored": body.len() })))
}

async fn get_file(Path(name): Path<String>) -> Result<Json<Value>, JsonError> {
    let path = file_path(&name).ok_or_else(|| error(StatusCode::BAD_REQUEST, "bad name"))?;
    let data = tokio::fs::read(&path).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => error(StatusCode::NOT_FOUND, e),
        _ => error(StatusCode::INTERNAL_SERVER_ERROR, e),
    })?;
    let text = String::from_utf8_lossy(&data);
    Ok(Json(
        json!({ "name": name, "bytes": data.len(), "text": text }),
    ))
}

async fn spawn() -> Json<Value> {
    Json(match tokio::process::Command::new("true").status().await {
        Ok(status) => json!({ "spawned": true, "success": status.success() }),
        Err(e) => json!({ "spawned": false, "error": format!("{:?}", e.kind()) }),
    })
}

async fn quit(State(s): State<Arc<Shared>>) -> Json<Value> {
    // notify_one keeps the permit if the shutdown future is not waiting yet.
    s.quit.notify_one();
    Json(json!({ "status": "stopping" }))
}

fn main() -> std::io::Result<()> {
    let port: u16 = match std::env::args().nth(1) {
        Some(p) => p.parse().map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("bad port {p:?}"))
        })?,
        None => 8080,
    };
    // What #[tokio::main] builds, spelled out so /info can report the worker count.
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()?;
    runtime.block_on(serve(port, workers))
}

async fn serve(port: u16, workers: usize) -> std::io::Result<()> {
    let shared = Arc::new(Shared {
        requests: AtomicU64::new(0),
        quit: Notify::new(),
        workers,
    });
    let app = Router::new()
        .route("/health", get(health))
        .route("/echo", post(echo))
        .route("/count", get(count))
        .route("/sleep/{ms}", get(sleep))
        .route("/info", get(info))
        .route("/files/{name}", get(get_file).put(put_file))
        .route("/spawn", get(spawn))
        .route("/quit", post(quit))
        .with_state(shared.clone());

    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([0, 0, 0, 0], port))).await?;
    println!(
        "tokio-json: listening on {} ({workers} worker threads)",
        listener.local_addr()?
    );
    // Stops on /quit or Ctrl-C (which never comes in a unikernel: tokio's ctrl_c waits
    // for ever there).
    let stop = async move {
        tokio::select! {
            _ = shared.quit.notified() => {}
            r = tokio::signal::ctrl_c() => r.expect("Ctrl-C handler"),
        }
    };
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await?;
    println!("tokio-json: stopped");
    Ok(())
}
