//! Slow and idle clients cannot hold the receiver (docs/PROTOCOL.md §5, "Slow clients"):
//! raw TCP connections that stall in a request's header, in its body, or between
//! requests are closed after their limit; over the connection cap a client is answered
//! 503 at once; and an honest client is answered while hundreds of stalled connections
//! are held. SQLite only: the limits are the accept loop's, not the database's.

// Test code: a failed step should stop the test where it failed.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use election_receiver::config::Limits;
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Limits that do not get in the way; each test shortens the one it is about.
fn relaxed() -> Limits {
    Limits {
        header_read: ms(5_000),
        body_read: ms(5_000),
        request: ms(10_000),
        idle: ms(5_000),
        max_connections: 1024,
    }
}

async fn receiver(limits: Limits) -> Receiver {
    let mut config = test_config(Backend::Sqlite, 0).await;
    config.limits = limits;
    Receiver::with(config).await
}

/// Reads until the server closes the connection or `within` passes: what the server
/// sent, and after how long it closed (`None`: still open).
async fn until_closed(stream: &mut TcpStream, within: Duration) -> (Vec<u8>, Option<Duration>) {
    let start = Instant::now();
    let mut sent = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = within.saturating_sub(start.elapsed());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return (sent, None),
            Ok(Ok(0) | Err(_)) => return (sent, Some(start.elapsed())),
            Ok(Ok(n)) => sent.extend_from_slice(&buf[..n]),
        }
    }
}

/// An HTTP answer, parsed from the bytes a server sent.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn parse(bytes: &[u8]) -> Option<Answer> {
        let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&bytes[..end]).ok()?;
        let mut lines = head.split("\r\n");
        let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let answer = Answer {
            status,
            headers,
            body: bytes[end + 4..].to_vec(),
        };
        let length: usize = answer.header("content-length")?.parse().ok()?;
        (answer.body.len() >= length).then(|| Answer {
            body: answer.body[..length].to_vec(),
            ..answer
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// Reads one whole answer from a connection that stays open.
async fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(answer) = Answer::parse(&bytes) {
            return answer;
        }
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("no answer within 5 s")
            .unwrap();
        assert!(n > 0, "closed before a whole answer: {bytes:?}");
        bytes.extend_from_slice(&buf[..n]);
    }
}

const HEALTH: &[u8] = b"GET /v1/health HTTP/1.1\r\nHost: receiver\r\n\r\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_header_that_does_not_arrive_in_time_is_closed() {
    let rx = receiver(Limits {
        header_read: ms(300),
        ..relaxed()
    })
    .await;
    // Half a header, then a byte every 50 ms: progress, but never the end of the header.
    let stream = TcpStream::connect(rx.addr).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    write
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: receiver\r\nX-Slow: ")
        .await
        .unwrap();
    let trickle = tokio::spawn(async move {
        while write.write_all(b"a").await.is_ok() {
            tokio::time::sleep(ms(50)).await;
        }
    });
    let start = Instant::now();
    let mut buf = [0u8; 1024];
    let closed = tokio::time::timeout(Duration::from_secs(3), read.read(&mut buf)).await;
    let elapsed = start.elapsed();
    assert!(
        matches!(closed, Ok(Ok(0) | Err(_))),
        "the connection was not closed within 3 s: {closed:?}"
    );
    assert!(
        elapsed >= ms(250) && elapsed < ms(2_000),
        "closed after {elapsed:?}, the limit is 300 ms"
    );
    trickle.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_does_not_arrive_in_time_gets_408() {
    let rx = receiver(Limits {
        body_read: ms(300),
        ..relaxed()
    })
    .await;
    let mut stream = TcpStream::connect(rx.addr).await.unwrap();
    let head = format!(
        "POST /v1/elections HTTP/1.1\r\nHost: receiver\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"pay",
        token_for("E-1001")
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (sent, closed) = until_closed(&mut stream, Duration::from_secs(3)).await;
    let answer = Answer::parse(&sent)
        .unwrap_or_else(|| panic!("no answer within 3 s: {:?}", String::from_utf8_lossy(&sent)));
    assert_eq!(answer.status, 408);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let body = answer.json();
    assert_eq!(body["error"]["code"], "request_timeout", "{body}");
    assert!(body["error"]["message"].as_str().is_some(), "{body}");
    let closed = closed.expect("the connection stayed open after the 408");
    assert!(
        closed >= ms(250) && closed < ms(2_000),
        "answered and closed after {closed:?}, the limit is 300 ms"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_kept_alive_connection_is_closed_after_the_idle_limit() {
    let rx = receiver(Limits {
        header_read: ms(300),
        idle: ms(900),
        ..relaxed()
    })
    .await;
    let mut stream = TcpStream::connect(rx.addr).await.unwrap();
    stream.write_all(HEALTH).await.unwrap();
    assert_eq!(read_answer(&mut stream).await.status, 200);
    // Idle for longer than the header limit: still open, the header limit is for headers.
    tokio::time::sleep(ms(500)).await;
    stream.write_all(HEALTH).await.unwrap();
    assert_eq!(read_answer(&mut stream).await.status, 200, "kept alive");
    let (sent, closed) = until_closed(&mut stream, Duration::from_secs(3)).await;
    assert!(sent.is_empty(), "{sent:?}");
    let closed = closed.expect("the idle connection was not closed within 3 s");
    assert!(
        closed >= ms(800) && closed < ms(1_600),
        "closed after {closed:?} idle, the limit is 900 ms"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_connection_cap_a_client_gets_503_at_once() {
    let rx = receiver(Limits {
        max_connections: 3,
        ..relaxed()
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(rx.addr).await.unwrap();
        stream.write_all(HEALTH).await.unwrap();
        assert_eq!(read_answer(&mut stream).await.status, 200);
        held.push(stream);
    }
    let mut extra = TcpStream::connect(rx.addr).await.unwrap();
    extra.write_all(HEALTH).await.unwrap();
    let (sent, closed) = until_closed(&mut extra, Duration::from_secs(3)).await;
    let answer = Answer::parse(&sent).unwrap_or_else(|| {
        panic!(
            "no answer over the cap: {:?}",
            String::from_utf8_lossy(&sent)
        )
    });
    assert_eq!(answer.status, 503);
    assert_eq!(answer.header("retry-after"), Some("1"));
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.json()["error"]["code"], "overloaded");
    assert!(closed.is_some(), "the refused connection was left open");
    // A connection that ends frees its place.
    drop(held.pop());
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let mut stream = TcpStream::connect(rx.addr).await.unwrap();
        stream.write_all(HEALTH).await.unwrap();
        let (sent, _) = until_closed(&mut stream, ms(300)).await;
        match Answer::parse(&sent).map(|a| a.status) {
            Some(200) => break,
            other => assert!(
                Instant::now() < deadline,
                "no place freed within 3 s: {other:?}"
            ),
        }
        tokio::time::sleep(ms(50)).await;
    }
}

/// The figure: hundreds of stalled connections held, an honest client still answered,
/// and every stalled connection released by the receiver after its limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_honest_client_is_answered_while_hundreds_of_connections_stall() {
    const HALF_HEADERS: usize = 300;
    const PARTIAL_BODIES: usize = 200;
    let limit = ms(4_000);
    let rx = receiver(Limits {
        header_read: limit,
        body_read: limit,
        ..relaxed()
    })
    .await;
    let opened = Instant::now();
    let mut stalled = Vec::new();
    for i in 0..HALF_HEADERS + PARTIAL_BODIES {
        let mut stream = TcpStream::connect(rx.addr).await.unwrap();
        let request: &[u8] = if i < HALF_HEADERS {
            b"GET /v1/health HTTP/1.1\r\nHost: receiver\r\nX-Sl"
        } else {
            b"POST /v1/receipts/verify HTTP/1.1\r\nHost: receiver\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"rec"
        };
        stream.write_all(request).await.unwrap();
        stalled.push(stream);
    }

    let honest = reqwest::Client::new();
    let mut latencies = Vec::new();
    let avery = Employee::new(&rx, "E-1001");
    let start = Instant::now();
    let (status, _) = avery.register(&rx).await;
    assert_eq!(status, reqwest::StatusCode::CREATED);
    let (status, body) = avery.submit(&rx, &avery.sign(avery.payload(1, true))).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
    let submit = start.elapsed();
    for _ in 0..200 {
        let start = Instant::now();
        let response = honest.get(rx.url("/v1/health")).send().await.unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "ok");
        latencies.push(start.elapsed());
    }
    let honest_done = opened.elapsed();
    let mut held = 0;
    for stream in &stalled {
        let mut buf = [0u8; 16];
        if matches!(stream.try_read(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
        {
            held += 1;
        }
    }
    latencies.sort();
    let p50 = latencies[latencies.len() / 2];
    let p99 = latencies[latencies.len() * 99 / 100];
    eprintln!(
        "slow clients: {held} stalled connections held ({HALF_HEADERS} half headers, {PARTIAL_BODIES} partial bodies); honest GET /v1/health x{}: p50 {:.2} ms, p99 {:.2} ms; register + submit {:.1} ms",
        latencies.len(),
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        submit.as_secs_f64() * 1e3,
    );
    assert!(
        honest_done < limit,
        "the honest phase took {honest_done:?}, longer than the stall limit: the figure would not hold"
    );
    assert_eq!(
        held,
        HALF_HEADERS + PARTIAL_BODIES,
        "the stalled connections were all held while the honest client was answered"
    );
    // And the receiver lets go of every one of them after its limit.
    for mut stream in stalled {
        let left = (limit + Duration::from_secs(3)).saturating_sub(opened.elapsed());
        let (_, closed) = until_closed(&mut stream, left).await;
        assert!(
            closed.is_some(),
            "a stalled connection was still open {:?} after it stalled",
            opened.elapsed()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_the_requests_in_flight_and_closes_idle_connections() {
    let mut config = test_config(Backend::Sqlite, 0).await;
    config.limits = relaxed();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (bound, addr) = tokio::sync::oneshot::channel();
    let server = tokio::spawn(election_receiver::serve_until(
        config,
        move |a| {
            let _ = bound.send(a);
        },
        async move {
            let _ = stopped.await;
        },
    ));
    let addr = addr.await.unwrap();
    let mut idle = TcpStream::connect(addr).await.unwrap();
    idle.write_all(HEALTH).await.unwrap();
    assert_eq!(read_answer(&mut idle).await.status, 200);
    // A request in flight: its body is half sent when the shutdown begins.
    let body = br#"{"receipt": "not one"}"#;
    let mut busy = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /v1/receipts/verify HTTP/1.1\r\nHost: receiver\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    busy.write_all(head.as_bytes()).await.unwrap();
    busy.write_all(&body[..5]).await.unwrap();
    tokio::time::sleep(ms(100)).await;
    stop.send(()).unwrap();
    let (sent, closed) = until_closed(&mut idle, Duration::from_secs(2)).await;
    assert!(
        sent.is_empty() && closed.is_some(),
        "the idle connection was not closed"
    );
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "a new connection was accepted after the shutdown began"
    );
    busy.write_all(&body[5..]).await.unwrap();
    let (sent, closed) = until_closed(&mut busy, Duration::from_secs(3)).await;
    let answer = Answer::parse(&sent).expect("the request in flight was not answered");
    assert_eq!(answer.status, 400, "{:?}", String::from_utf8_lossy(&sent));
    assert_eq!(answer.json()["error"]["code"], "invalid_payload");
    assert!(closed.is_some());
    let result = tokio::time::timeout(Duration::from_secs(3), server)
        .await
        .expect("serve_until did not return after the shutdown");
    assert_eq!(result.unwrap(), Ok(()));
}
