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
//!   POST /quit        answers, then the server stops accepting, finishes open
//!                     requests and the program exits with 0
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
        .route("/quit", post(quit))
        .with_state(shared.clone());

    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([0, 0, 0, 0], port))).await?;
    println!(
        "tokio-json: listening on {} ({workers} worker threads)",
        listener.local_addr()?
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(async move { shared.quit.notified().await })
        .await?;
    println!("tokio-json: stopped");
    Ok(())
}
