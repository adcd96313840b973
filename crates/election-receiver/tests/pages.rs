//! `election-receiver pages` over real HTTP, against a directory shaped like the widget's
//! `dist/`: the headers of each kind of file, embed.html's frame-ancestors from its meta
//! tag, compression, 404s, and no way out of the directory.

// Test code: a failed step should stop the test where it failed.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use election_receiver::config::Limits;
use election_receiver::pages::{PagesOptions, IMMUTABLE};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const JS: &str = "election-widget-0123456789abcdef.js";
const WASM: &str = "election-widget-0123456789abcdef_bg.wasm";

fn dist() -> PathBuf {
    common::sweep_ended_runs();
    static COUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let root = std::env::temp_dir().join(format!(
        "election-receiver-pages-{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&root);
    let dir = root.join("dist");
    std::fs::create_dir_all(dir.join("offers")).unwrap();
    std::fs::write(root.join("secret.txt"), "outside the served directory").unwrap();
    std::fs::write(
        dir.join("embed.html"),
        r#"<!doctype html><html><head>
<meta name="election-widget-allowed-origins" content="https://portal.example.com http://127.0.0.1:8080 'unsafe-inline'; script-src:*" />
</head><body><main id="election-widget-frame"></main></body></html>"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>Election</title><main>the widget</main>",
    )
    .unwrap();
    std::fs::write(
        dir.join("results.html"),
        r#"<!doctype html><html><head>
<meta name="election-widget-allowed-origins" content="https://hr-portal.example.com javascript:alert(1)" />
</head><body><main id="election-results"></main></body></html>"#,
    )
    .unwrap();
    std::fs::write(
        dir.join(JS),
        "export default function init() { return 'the bundle'; }\n".repeat(200),
    )
    .unwrap();
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend(std::iter::repeat_n(7u8, 4096));
    std::fs::write(dir.join(WASM), wasm).unwrap();
    std::fs::write(
        dir.join("election-widget.js"),
        format!("import init from './{JS}';\nawait init();\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("sw.js"),
        "self.addEventListener('fetch', () => {});\n",
    )
    .unwrap();
    std::fs::write(dir.join("offers/offer.json"), r#"{"offer": "mpower-2001"}"#).unwrap();
    dir
}

async fn start(dir: &Path, connect_src: &[&str]) -> SocketAddr {
    let options = PagesOptions {
        dir: dir.to_path_buf(),
        connect_src: connect_src.iter().map(|s| (*s).to_owned()).collect(),
        frame_src: Vec::new(),
        frame_ancestors: vec!["https://extra.example.com".to_owned()],
    };
    let app = election_receiver::pages::router(&options).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(election_receiver::server::serve(
        listener,
        app,
        Limits::default(),
        std::future::pending(),
        Default::default(),
    ));
    addr
}

async fn get(addr: SocketAddr, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let response = reqwest::get(format!("http://{addr}{path}")).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("(absent)")
}

const POLICY_START: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self' http://127.0.0.1:8787; worker-src 'self'; manifest-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; require-trusted-types-for 'script'; trusted-types election-widget; frame-ancestors ";

#[tokio::test]
async fn each_kind_of_file_gets_its_headers() {
    let dir = dist();
    let addr = start(&dir, &["http://127.0.0.1:8787"]).await;

    for page in ["/", "/index.html"] {
        let (status, headers, body) = get(addr, page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(String::from_utf8(body).unwrap().contains("the widget"));
        assert!(header(&headers, "content-type").starts_with("text/html"));
        assert_eq!(
            header(&headers, "content-security-policy"),
            format!("{POLICY_START}'self'"),
            "{page}"
        );
        assert_eq!(
            header(&headers, "cross-origin-opener-policy"),
            "same-origin"
        );
        assert_eq!(header(&headers, "cache-control"), "no-cache");
        assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
        assert_eq!(
            header(&headers, "referrer-policy"),
            "strict-origin-when-cross-origin"
        );
    }

    let (status, headers, _) = get(addr, "/embed.html").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header(&headers, "content-security-policy"),
        format!(
            "{POLICY_START}https://portal.example.com http://127.0.0.1:8080 https://extra.example.com"
        ),
        "the meta tag's origins, its junk left out, and the flag's"
    );
    assert_eq!(
        header(&headers, "cross-origin-opener-policy"),
        "(absent)",
        "a framed page keeps its opener"
    );
    assert_eq!(header(&headers, "cache-control"), "no-cache");

    // HR's results page: framed only by itself and the portals its meta tag names (which
    // hand it HR's token), its junk left out.
    let (status, headers, _) = get(addr, "/results.html").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header(&headers, "content-security-policy"),
        format!("{POLICY_START}'self' https://hr-portal.example.com https://extra.example.com")
    );

    let (status, headers, _) = get(addr, &format!("/{JS}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), "text/javascript");
    assert_eq!(header(&headers, "cache-control"), IMMUTABLE);
    assert_eq!(header(&headers, "content-security-policy"), "(absent)");
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");

    let (status, headers, body) = get(addr, &format!("/{WASM}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), "application/wasm");
    assert_eq!(header(&headers, "cache-control"), IMMUTABLE);
    assert!(body.starts_with(b"\0asm"));

    for fresh in ["/election-widget.js", "/sw.js"] {
        let (status, headers, _) = get(addr, fresh).await;
        assert_eq!(status, StatusCode::OK, "{fresh}");
        assert_eq!(header(&headers, "content-type"), "text/javascript");
        assert_eq!(header(&headers, "cache-control"), "no-cache", "{fresh}");
    }

    let (status, headers, body) = get(addr, "/offers/offer.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), "application/json");
    assert_eq!(header(&headers, "cache-control"), "no-cache");
    assert_eq!(body, br#"{"offer": "mpower-2001"}"#);

    let (status, headers, _) = get(addr, "/missing.js").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
}

#[tokio::test]
async fn an_embed_page_without_origins_may_be_framed_by_no_one() {
    let dir = dist();
    std::fs::write(dir.join("embed.html"), "<!doctype html><main></main>").unwrap();
    let options = PagesOptions {
        dir: dir.clone(),
        ..PagesOptions::default()
    };
    let policies = election_receiver::pages::policies(&options).unwrap();
    assert!(
        policies.embed.ends_with("; frame-ancestors 'none'"),
        "{}",
        policies.embed
    );
    assert!(policies.page.ends_with("; frame-ancestors 'self'"));
    let bad = PagesOptions {
        dir,
        connect_src: vec!["https://ok.example; script-src *".to_owned()],
        ..PagesOptions::default()
    };
    assert!(election_receiver::pages::router(&bad)
        .unwrap_err()
        .contains("--connect-src"));
}

#[tokio::test]
async fn files_are_compressed_as_the_client_accepts() {
    let dir = dist();
    let addr = start(&dir, &[]).await;
    let original = std::fs::read(dir.join(JS)).unwrap();
    let client = reqwest::Client::new();
    let response = client
        .get(format!("http://{addr}/{JS}"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(response.headers(), "content-encoding"), "br");
    assert_eq!(header(response.headers(), "cache-control"), IMMUTABLE);
    let compressed = response.bytes().await.unwrap();
    assert!(
        compressed.len() < original.len() / 4,
        "{}",
        compressed.len()
    );
    let mut decoded = Vec::new();
    brotli_decompressor::Decompressor::new(&compressed[..], 4096)
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, original);

    let response = client
        .get(format!("http://{addr}/{JS}"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(header(response.headers(), "content-encoding"), "gzip");
    let response = client
        .get(format!("http://{addr}/{JS}"))
        .send()
        .await
        .unwrap();
    assert_eq!(header(response.headers(), "content-encoding"), "(absent)");
    assert_eq!(response.bytes().await.unwrap(), original);
}

#[tokio::test]
async fn the_builds_precompressed_copies_are_sent_as_they_are() {
    let dir = dist();
    // What scripts/precompress.mjs writes beside the wasm: the server sends these bytes
    // (marked, so the test knows them from an on-the-fly compression) without reading
    // or re-compressing them.
    std::fs::write(dir.join(format!("{WASM}.br")), b"brotli copy of the wasm").unwrap();
    std::fs::write(dir.join(format!("{WASM}.gz")), b"gzip copy of the wasm").unwrap();
    let addr = start(&dir, &[]).await;
    let client = reqwest::Client::new();
    let fetch = |encoding: &'static str| {
        let request = client.get(format!("http://{addr}/{WASM}"));
        let request = if encoding.is_empty() {
            request
        } else {
            request.header("accept-encoding", encoding)
        };
        async move {
            let response = request.send().await.unwrap();
            let headers = response.headers().clone();
            (response.status(), headers, response.bytes().await.unwrap())
        }
    };
    let (status, headers, body) = fetch("gzip, deflate, br").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-encoding"), "br");
    assert_eq!(header(&headers, "content-type"), "application/wasm");
    assert_eq!(header(&headers, "cache-control"), IMMUTABLE);
    assert!(
        header(&headers, "vary")
            .to_ascii_lowercase()
            .contains("accept-encoding"),
        "{headers:?}"
    );
    assert_eq!(&body[..], b"brotli copy of the wasm");
    let (_, headers, body) = fetch("gzip").await;
    assert_eq!(header(&headers, "content-encoding"), "gzip");
    assert_eq!(&body[..], b"gzip copy of the wasm");
    // A client that accepts neither gets the file itself, compressed by no one.
    let (_, headers, body) = fetch("").await;
    assert_eq!(header(&headers, "content-encoding"), "(absent)");
    assert_eq!(body, std::fs::read(dir.join(WASM)).unwrap());
    // The copies are not pages of their own: asked for by name they are the file they
    // are, never a wasm module by its type.
    let (status, headers, _) = get(addr, &format!("/{WASM}.br")).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(header(&headers, "content-type"), "application/wasm");
}

/// A request sent as written (an HTTP client would normalise the path); the status.
async fn raw_status(addr: SocketAddr, target: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {target} HTTP/1.1\r\nHost: pages\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut answer),
    )
    .await
    .unwrap()
    .unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

#[tokio::test]
async fn no_path_leaves_the_directory() {
    let dir = dist();
    let addr = start(&dir, &[]).await;
    let (status, _) = raw_status(addr, "/offers/offer.json").await;
    assert_eq!(status, 200, "the raw request itself works");
    for target in [
        "/../secret.txt",
        "/offers/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/offers/%2E%2E/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%5csecret.txt",
    ] {
        let (status, answer) = raw_status(addr, target).await;
        assert!(
            status == 404 || status == 400,
            "{target}: {status} {answer}"
        );
        assert!(!answer.contains("outside the served directory"), "{target}");
    }
}
