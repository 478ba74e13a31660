//! The accept loop: one connection task per socket (optionally behind TLS), serving HTTP/1.1
//! or HTTP/2 (chosen by TLS ALPN, or by the client's first bytes over plain TCP), each
//! request carrying a [`ConnKill`] handle so that faults can drop the connection, and
//! graceful shutdown.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch, Notify};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::latency::LatencyState;

/// How long a client may take to finish the TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// A handle onto the connection a request came in on (a request extension). Triggering it
/// drops the connection: no further bytes are written and the socket is closed.
#[derive(Clone)]
pub(crate) struct ConnKill(Arc<KillState>);

struct KillState {
    notify: Notify,
    reset: AtomicBool,
    /// The connection's number: 1 for the server's first.
    serial: u64,
}

impl ConnKill {
    fn new(serial: u64) -> ConnKill {
        ConnKill(Arc::new(KillState {
            notify: Notify::new(),
            reset: AtomicBool::new(false),
            serial,
        }))
    }

    /// The connection's number (1 for the server's first, counting up), for the request log.
    pub(crate) fn serial(&self) -> u64 {
        self.0.serial
    }

    /// Closes the connection (FIN) once the current poll of the connection is over.
    pub(crate) fn close(&self) {
        self.0.notify.notify_one();
    }

    /// Closes the connection with `SO_LINGER` 0, so the peer sees a reset (RST).
    pub(crate) fn reset(&self) {
        self.0.reset.store(true, Ordering::Release);
        self.0.notify.notify_one();
    }
}

/// Accepts connections until `stop` fires (or its sender is dropped), then asks every
/// open connection to finish its in-flight request and close, and waits for them.
/// Dropping (aborting) this future aborts every connection task.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    tls: Option<TlsAcceptor>,
    latency: Arc<LatencyState>,
    mut stop: oneshot::Receiver<()>,
) {
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let mut conns = JoinSet::new();
    let mut serial = 0u64;
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((tcp, _peer)) => {
                    serial += 1;
                    conns.spawn(connection(
                        tcp,
                        serial,
                        app.clone(),
                        tls.clone(),
                        latency.clone(),
                        shutdown_rx.clone(),
                    ));
                }
                // Out of file descriptors and the like: back off a little.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    drop(listener);
    let _ = shutdown_tx.send(true);
    while conns.join_next().await.is_some() {}
}

async fn connection(
    tcp: TcpStream,
    serial: u64,
    app: Router,
    tls: Option<TlsAcceptor>,
    latency: Arc<LatencyState>,
    mut shutdown: watch::Receiver<bool>,
) {
    let _ = tcp.set_nodelay(true);
    // With simulated latency a new connection costs its handshakes first: one round trip
    // for TCP, one more for TLS 1.3.
    let handshakes = if tls.is_some() { 2 } else { 1 };
    tokio::select! {
        _ = latency.wait(handshakes) => {}
        _ = shutdown.changed() => return,
    }
    // A second handle onto the socket, to set SO_LINGER when a fault resets it.
    let (tcp, linger_handle) = match split_handle(tcp) {
        Ok(pair) => pair,
        Err(_) => return,
    };
    match tls {
        None => drive(tcp, serial, app, linger_handle, shutdown).await,
        Some(acceptor) => {
            let handshake = tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(tcp));
            let stream = tokio::select! {
                r = handshake => r,
                _ = shutdown.changed() => return,
            };
            if let Ok(Ok(stream)) = stream {
                drive(stream, serial, app, linger_handle, shutdown).await;
            }
        }
    }
}

/// The stream back plus a duplicate of its socket (same socket, second descriptor).
fn split_handle(tcp: TcpStream) -> std::io::Result<(TcpStream, std::net::TcpStream)> {
    let std_stream = tcp.into_std()?;
    let dup = std_stream.try_clone()?;
    Ok((TcpStream::from_std(std_stream)?, dup))
}

/// Serves one connection (HTTP/1.1, or HTTP/2 when the client opens with its preface) until
/// it ends, a fault kills it, or shutdown. A fault on an HTTP/2 connection ends every
/// request multiplexed on it, as a dropped connection does.
async fn drive<I>(
    io: I,
    serial: u64,
    app: Router,
    linger_handle: std::net::TcpStream,
    mut shutdown: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let kill = ConnKill::new(serial);
    let svc = {
        let kill = kill.clone();
        service_fn(move |req: hyper::Request<Incoming>| {
            let mut req: Request = req.map(Body::new);
            req.extensions_mut().insert(kill.clone());
            let app = app.clone();
            async move { Ok::<_, Infallible>(app.oneshot(req).await.unwrap_or_else(|e| match e {})) }
        })
    };
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new());
    builder.http2().timer(TokioTimer::new());
    let conn = builder.serve_connection(TokioIo::new(io), svc);
    let mut conn = std::pin::pin!(conn);
    let mut shutting_down = *shutdown.borrow();
    if shutting_down {
        conn.as_mut().graceful_shutdown();
    }
    loop {
        tokio::select! {
            _ = conn.as_mut() => return,
            _ = kill.0.notify.notified() => {
                if kill.0.reset.load(Ordering::Acquire) {
                    let _ = socket2::SockRef::from(&linger_handle).set_linger(Some(Duration::ZERO));
                }
                // Dropping `conn` (and the handle) closes the socket.
                return;
            }
            _ = shutdown.changed(), if !shutting_down => {
                shutting_down = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}
