//! The receiver's own accept loop (hyper's HTTP/1 connections, keep-alive), hardened
//! against slow and idle clients, for `serve` and `pages` alike (docs/PROTOCOL.md §5,
//! "Slow clients"):
//!
//! - a request's header must arrive within `header_read` of its first byte, or the
//!   connection is closed;
//! - its body within `body_read` of the header, or the handler sees [`BodyTimeout`]
//!   (`api.rs` answers 408 `request_timeout`, and hyper closes the connection since the
//!   body was not read to its end);
//! - its answer within `request`, or 503 `overloaded`;
//! - a kept-alive connection with no request, or whose client stops reading the answer,
//!   is closed after `idle`;
//! - at most `max_connections` connections are served; the next is accepted, answered
//!   503 `overloaded` with `Retry-After: 1`, and closed.
//!
//! hyper's own `header_read_timeout` cannot tell these apart: its timer starts when the
//! connection becomes idle, not at a request's first byte, so it would close every
//! kept-alive connection after the header limit. Each connection therefore has a
//! [`Watch`] that its socket and its service report to, and a supervisor that closes it
//! when the limit of its phase passes; hyper's timer remains as a backstop.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{Request, Response};
use axum::response::IntoResponse as _;
use axum::Router;
use election_core::contract::{ErrorBody, ErrorCode, ErrorDetail};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify, OwnedSemaphorePermit, Semaphore};
use tokio::time::{sleep_until, timeout, Instant, Sleep};
use tower::ServiceExt as _;

use crate::api::ApiError;
use crate::config::Limits;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The request body did not arrive within the body-read limit.
#[derive(Debug)]
pub struct BodyTimeout;

impl std::fmt::Display for BodyTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimeout {}

/// Whether `error` (or anything it wraps) is a [`BodyTimeout`].
pub fn is_body_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(e) = next {
        if e.is::<BodyTimeout>() {
            return true;
        }
        next = e.source();
    }
    false
}

/// Serves `app` on `listener` until `shutdown` completes; then stops accepting, lets the
/// requests in flight finish (for at most the whole-request limit) and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
    open: prometheus_client::metrics::gauge::Gauge,
) {
    let connections = Arc::new(Semaphore::new(limits.max_connections));
    // Connections being refused are few and short, but bounded too.
    let refusals = Arc::new(Semaphore::new(limits.max_connections.clamp(16, 1024)));
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors, a connection reset before accept…: wait a little
                // rather than spin, and keep serving.
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        match Arc::clone(&connections).try_acquire_owned() {
            Ok(permit) => {
                let (app, stopping, open) = (app.clone(), stopping.clone(), open.clone());
                tokio::spawn(async move {
                    open.inc();
                    connection(stream, app, limits, stopping, permit).await;
                    open.dec();
                });
            }
            Err(_) => {
                if let Ok(permit) = Arc::clone(&refusals).try_acquire_owned() {
                    tokio::spawn(async move {
                        refuse(stream).await;
                        drop(permit);
                    });
                }
                // Else: dropped at once; even refusing would cost more than it saves.
            }
        }
    }
    drop(listener);
    let _ = stop.send(true);
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    if timeout(limits.request, connections.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!(
            "stopped with connections still open after {:?}",
            limits.request
        );
    }
}

/// The error body every limit answers with, in the receiver's usual shape.
fn error_json(code: ErrorCode, message: &str) -> Vec<u8> {
    serde_json::to_vec(&ErrorBody {
        error: ErrorDetail {
            code,
            message: message.to_owned(),
            details: Vec::new(),
        },
        receipt: None,
    })
    .unwrap_or_default()
}

/// Answers a connection over the cap with 503 and closes it, without reading a request.
async fn refuse(mut stream: TcpStream) {
    let body = error_json(
        ErrorCode::Overloaded,
        "The receiver has too many connections open just now; nothing was recorded. Try again.",
    );
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nretry-after: 1\r\ncache-control: no-store\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let answered = timeout(Duration::from_secs(1), async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(&body).await?;
        stream.shutdown().await
    })
    .await;
    if !matches!(answered, Ok(Ok(()))) {
        return;
    }
    // Read what the client sent (briefly): closing a socket with unread data resets the
    // connection, and a reset can destroy the answer before the client reads it.
    let _ = timeout(Duration::from_secs(1), async {
        let mut buf = [0u8; 4096];
        let mut total = 0usize;
        while let Ok(n @ 1..) = stream.read(&mut buf).await {
            total += n;
            if total > 64 * 1024 {
                break;
            }
        }
    })
    .await;
}

/// One connection, closed by its supervisor when the limit of its phase passes.
async fn connection(
    stream: TcpStream,
    app: Router,
    limits: Limits,
    mut stopping: watch::Receiver<bool>,
    permit: OwnedSemaphorePermit,
) {
    let watch = Arc::new(Watch::new());
    let io = TokioIo::new(Watched {
        inner: stream,
        watch: Arc::clone(&watch),
    });
    let service_watch = Arc::clone(&watch);
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let busy = Busy::begin(&service_watch);
        handle(app.clone(), request, limits, busy)
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        // A backstop only: the supervisor below closes a connection well before.
        .header_read_timeout(limits.idle * 2 + limits.header_read)
        .keep_alive(true)
        .serve_connection(io, service);
    tokio::pin!(conn);
    let mut draining = *stopping.borrow();
    if draining {
        conn.as_mut().graceful_shutdown();
    }
    loop {
        let deadline = watch.deadline(&limits);
        tokio::select! {
            _ = conn.as_mut() => break,
            () = watch.changed.notified() => {}
            () = sleep_until(deadline.unwrap_or_else(far_future)), if deadline.is_some() => {
                if watch.deadline(&limits).is_some_and(|d| d <= Instant::now()) {
                    break;
                }
            }
            changed = stopping.changed(), if !draining => {
                draining = true;
                if changed.is_ok() {
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
    drop(permit);
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(86_400)
}

async fn handle(
    app: Router,
    request: Request<Incoming>,
    limits: Limits,
    busy: Busy,
) -> Result<Response<BusyBody>, Infallible> {
    let body_deadline = Instant::now() + limits.body_read;
    let request = request.map(|body| {
        if http_body::Body::is_end_stream(&body) {
            Body::new(body)
        } else {
            Body::new(DeadlineBody {
                inner: body,
                deadline: Box::pin(sleep_until(body_deadline)),
            })
        }
    });
    let response = match timeout(limits.request, app.oneshot(request)).await {
        Ok(Ok(response)) => response,
        Ok(Err(never)) => match never {},
        Err(_) => ApiError::new(
            ErrorCode::Overloaded,
            format!(
                "The receiver could not answer within {} ms. The election may or may not have been recorded: send it again with the same idempotency key.",
                limits.request.as_millis()
            ),
        )
        .into_response(),
    };
    Ok(response.map(|body| BusyBody {
        inner: body,
        _busy: busy,
    }))
}

// ---- The phase of a connection ---------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Waiting since this instant for a request, no byte of which has arrived.
    Idle(Instant),
    /// A request's header began to arrive at this instant.
    Head(Instant),
    /// This many requests are being answered.
    Busy(usize),
}

struct State {
    phase: Phase,
    /// Since when the socket has refused to take more of an answer (the client is not
    /// reading).
    write_stalled: Option<Instant>,
}

/// What a connection is doing, reported by its socket and its service.
struct Watch {
    state: Mutex<State>,
    changed: Notify,
}

impl Watch {
    fn new() -> Watch {
        Watch {
            state: Mutex::new(State {
                phase: Phase::Idle(Instant::now()),
                write_stalled: None,
            }),
            changed: Notify::new(),
        }
    }

    fn update(&self, change: impl FnOnce(&mut State) -> bool) {
        let changed = change(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner));
        if changed {
            self.changed.notify_one();
        }
    }

    /// When the connection's current phase runs out, if it can.
    fn deadline(&self, limits: &Limits) -> Option<Instant> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let phase = match state.phase {
            Phase::Idle(since) => Some(since + limits.idle),
            Phase::Head(since) => Some(since + limits.header_read),
            // The handler is bounded by the whole-request limit, its body by the body limit.
            Phase::Busy(_) => None,
        };
        let stalled = state.write_stalled.map(|since| since + limits.idle);
        match (phase, stalled) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn bytes_read(&self) {
        self.update(|s| match s.phase {
            Phase::Idle(_) => {
                s.phase = Phase::Head(Instant::now());
                true
            }
            _ => false,
        });
    }

    fn write_blocked(&self, blocked: bool) {
        self.update(|s| match (blocked, s.write_stalled) {
            (true, None) => {
                s.write_stalled = Some(Instant::now());
                true
            }
            (false, Some(_)) => {
                s.write_stalled = None;
                true
            }
            _ => false,
        });
    }
}

/// A request being answered: from the service's call until hyper drops the answer's body
/// (written, or the connection gone).
struct Busy(Arc<Watch>);

impl Busy {
    fn begin(watch: &Arc<Watch>) -> Busy {
        watch.update(|s| {
            s.phase = match s.phase {
                Phase::Busy(n) => Phase::Busy(n + 1),
                _ => Phase::Busy(1),
            };
            true
        });
        Busy(Arc::clone(watch))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.update(|s| {
            s.phase = match s.phase {
                Phase::Busy(n) if n > 1 => Phase::Busy(n - 1),
                _ => Phase::Idle(Instant::now()),
            };
            true
        });
    }
}

/// The socket, reporting reads and stalled writes to its [`Watch`].
struct Watched {
    inner: TcpStream,
    watch: Arc<Watch>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.watch.bytes_read();
        }
        result
    }
}

impl Watched {
    fn report<T>(&self, result: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        self.watch.write_blocked(result.is_pending());
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.report(result)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.report(result)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let result = Pin::new(&mut self.inner).poll_flush(cx);
        self.report(result)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

// ---- Bodies ----------------------------------------------------------------------

/// A request body that fails with [`BodyTimeout`] once its deadline passes.
struct DeadlineBody {
    inner: Incoming,
    deadline: Pin<Box<Sleep>>,
}

impl http_body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => Poll::Ready(frame.map(|f| f.map_err(BoxError::from))),
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimeout)))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// An answer's body, holding its request's [`Busy`] until hyper drops it.
struct BusyBody {
    inner: Body,
    _busy: Busy,
}

impl http_body::Body for BusyBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
