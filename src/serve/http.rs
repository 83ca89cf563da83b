//! Binding the port and answering requests, with tiny_http.
//!
//! tiny_http accepts the connections, reads the request heads (one thread of its pool per
//! connection) and queues the requests. [`WORKERS`] threads of ours take them from that queue
//! and hand each to a thread of its own, which routes it against the current site, all in
//! memory (see `route`), and writes the answer — or keeps the event stream open (see
//! `livereload`). A client that reads slowly, or never, only ever holds its own threads.
//!
//! Every answer carries `Connection: close`, which clients honour by closing the connection
//! once they have read it. This is what keeps tiny_http 0.12's connection pool moving: its
//! pool can count one idle thread for two new connections, and the connection left over is
//! only read once another connection ends — with browsers holding keep-alive connections open,
//! possibly never. With every connection ending right after its answer, threads free up within
//! milliseconds. tiny_http itself never closes a connection because of an answer, and its
//! `Response` drops any `Connection` header, so answers are printed with tiny_http's own
//! [`tiny_http::Response::raw_print`] (status line, `Date`, `Content-Length`) and the header is
//! added before the head is written through [`tiny_http::Request::into_writer`].

use super::ServeState;
use super::livereload;
use super::route::{self, Action, RequestHead, Response};
use std::fmt;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;
use tiny_http::{HTTPVersion, Header, Method, StatusCode};

/// How many ports after the default one [`Bind::Default`] tries.
const FALLBACK_PORTS: u16 = 20;
/// Threads taking requests from tiny_http's queue.
const WORKERS: usize = 4;
/// About the most requests answered at once (each on a thread of its own); beyond that the
/// workers wait for one to finish, leaving further requests in tiny_http's queue.
const MAX_RESPONDERS: usize = 512;
/// The largest request body announced that is dropped unread. tiny_http drains what is left of
/// an unread body when the request is dropped, into one buffer of the announced size, so a
/// request announcing an absurd size would abort the whole process (allocation failure).
const MAX_BODY: usize = 64 << 20;
/// Bodies up to this size are written together with the head, in one write.
const INLINE_BODY: usize = 64 * 1024;

/// How the port was chosen, which decides what happens when it is busy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bind {
    /// The default port: when it is busy take the next free one (up to 20 further) and say so
    /// through [`Server::fell_back_from`].
    Default,
    /// A port the user asked for: when it is busy, fail.
    Explicit,
}

/// Why the server could not start. Each message says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("port {port} on {addr} is in use; choose another with --port or stop the other server")]
    PortInUse { addr: IpAddr, port: u16 },
    #[error(
        "ports {first} to {last} on {addr} are all in use; choose a free one with --port or stop \
         the other servers"
    )]
    NoFreePort { addr: IpAddr, first: u16, last: u16 },
    #[error(
        "not allowed to listen on port {port} on {addr} (ports below 1024 usually need \
         administrator rights); choose another with --port"
    )]
    PermissionDenied { addr: IpAddr, port: u16 },
    #[error(
        "cannot listen on {addr}: it is not an address of this machine; use 127.0.0.1 to serve \
         this computer only"
    )]
    AddressUnavailable { addr: IpAddr },
    #[error("cannot listen on port {port} on {addr}: {source}; choose another with --port")]
    Listen {
        addr: IpAddr,
        port: u16,
        #[source]
        source: io::Error,
    },
}

/// A bound port, not yet serving. (tiny_http already accepts connections and reads requests;
/// they are answered once [`run`](Server::run) starts.)
pub struct Server {
    http: tiny_http::Server,
    local_addr: SocketAddr,
    fell_back_from: Option<u16>,
    /// Between keep-alive comments on an idle event stream.
    keep_alive: Duration,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr)
            .field("fell_back_from", &self.fell_back_from)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Binds `addr:port` (port 0 = any free port). With [`Bind::Default`] a busy port falls back
    /// to the first free one of the 20 after it.
    pub fn bind(addr: IpAddr, port: u16, bind: Bind) -> Result<Server, ServeError> {
        let (http, fell_back_from) = match bind {
            Bind::Default if port != 0 => {
                let last = port.saturating_add(FALLBACK_PORTS);
                let mut found = None;
                for candidate in port..=last {
                    match listen(addr, candidate) {
                        Ok(http) => {
                            found = Some((http, candidate));
                            break;
                        }
                        Err(ServeError::PortInUse { .. }) => continue,
                        Err(other) => return Err(other),
                    }
                }
                let Some((http, candidate)) = found else {
                    return Err(ServeError::NoFreePort {
                        addr,
                        first: port,
                        last,
                    });
                };
                (http, (candidate != port).then_some(port))
            }
            Bind::Default | Bind::Explicit => (listen(addr, port)?, None),
        };
        let local_addr = http
            .server_addr()
            .to_ip()
            .ok_or_else(|| ServeError::Listen {
                addr,
                port,
                source: io::Error::other("tiny_http is not listening on an IP address"),
            })?;
        Ok(Server {
            http,
            local_addr,
            fell_back_from,
            keep_alive: livereload::KEEP_ALIVE,
        })
    }

    /// The address actually bound (useful with port 0 or after a fallback).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The default port that was busy, when [`Bind::Default`] had to take another one.
    pub fn fell_back_from(&self) -> Option<u16> {
        self.fell_back_from
    }

    /// A shorter interval between keep-alive comments on event streams, for tests.
    #[cfg(test)]
    pub(crate) fn with_keep_alive(mut self, every: Duration) -> Server {
        self.keep_alive = every;
        self
    }

    /// Serves `state` on background threads until [`RunningServer::stop`] (or drop); returns
    /// at once.
    pub fn run(self, state: Arc<ServeState>) -> RunningServer {
        let http = Arc::new(self.http);
        let shared = Arc::new(Shared {
            state,
            stopping: AtomicBool::new(false),
            keep_alive: self.keep_alive,
            responders: AtomicUsize::new(0),
        });
        let workers = (0..WORKERS)
            .filter_map(|i| {
                let http = Arc::clone(&http);
                let shared = Arc::clone(&shared);
                thread::Builder::new()
                    .name(format!("haven-http-{i}"))
                    .spawn(move || work(&http, &shared))
                    .ok()
            })
            .collect();
        RunningServer {
            http: Some(http),
            shared,
            workers,
            local_addr: self.local_addr,
        }
    }
}

/// A server answering requests on background threads.
pub struct RunningServer {
    /// `None` once stopped.
    http: Option<Arc<tiny_http::Server>>,
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
    local_addr: SocketAddr,
}

impl fmt::Debug for RunningServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningServer")
            .field("local_addr", &self.local_addr)
            .field("stopped", &self.http.is_none())
            .finish_non_exhaustive()
    }
}

impl RunningServer {
    /// Stops taking requests, ends every open event stream, and frees the port.
    ///
    /// Answers already being written are finished on their own threads. A connection a client
    /// keeps open despite `Connection: close` stays open until the client closes it (tiny_http
    /// offers no way to close it from here); requests sent on it are no longer answered.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        let Some(http) = self.http.take() else {
            return;
        };
        self.shared.stopping.store(true, Ordering::SeqCst);
        // One wake-up per worker: each returns on the first one it takes from the queue.
        for _ in &self.workers {
            http.unblock();
        }
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
        // Requests tiny_http queued meanwhile get "shutting down" rather than nothing.
        while let Ok(Some(request)) = http.try_recv() {
            dispatch(&self.shared, request);
        }
        self.shared.state.close_streams();
        // The last handle: dropping it stops tiny_http's accept thread, which frees the port.
        // tiny_http wakes that thread with a connection to the bound address; on an unspecified
        // address (0.0.0.0, ::) that only works on some systems, so connect to loopback too.
        drop(http);
        if self.local_addr.ip().is_unspecified() {
            let mut wake = self.local_addr;
            wake.set_ip(match wake.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
            });
            let _ = TcpStream::connect_timeout(&wake, Duration::from_millis(200));
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.halt();
    }
}

/// What the workers and the answering threads share.
#[derive(Debug)]
struct Shared {
    state: Arc<ServeState>,
    stopping: AtomicBool,
    keep_alive: Duration,
    /// Threads answering a request right now.
    responders: AtomicUsize,
}

/// A worker: takes requests from tiny_http until the server stops.
fn work(http: &tiny_http::Server, shared: &Arc<Shared>) {
    loop {
        match http.recv() {
            Ok(request) => dispatch(shared, request),
            // Woken by `halt`.
            Err(_) if shared.stopping.load(Ordering::SeqCst) => return,
            // tiny_http's accept loop failed and gave up (it reports that once); requests
            // on connections already open still come.
            Err(_) => {}
        }
    }
}

/// Answers `request` on a thread of its own.
fn dispatch(shared: &Arc<Shared>, request: tiny_http::Request) {
    if request
        .body_length()
        .is_some_and(|length| length > MAX_BODY)
    {
        // Never dropped (see `MAX_BODY`): this leaks the connection and tiny_http's thread for
        // it, and the client gets no answer, but the server lives on.
        std::mem::forget(request);
        return;
    }
    // Never blocks on a client, so that `halt` can count on the workers returning.
    while shared.responders.load(Ordering::SeqCst) >= MAX_RESPONDERS
        && !shared.stopping.load(Ordering::SeqCst)
    {
        thread::sleep(Duration::from_millis(10));
    }
    shared.responders.fetch_add(1, Ordering::SeqCst);
    let slot = Slot(Arc::clone(shared));
    // When the thread cannot start, the request goes down with the closure and tiny_http
    // answers it with a 500.
    let _ = thread::Builder::new()
        .name("haven-http-answer".to_string())
        .spawn(move || {
            let slot = slot;
            answer(&slot.0, request);
        });
}

/// One of the [`MAX_RESPONDERS`], given back when dropped (however the thread ends).
struct Slot(Arc<Shared>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.responders.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Routes one request and writes the answer (or streams events).
fn answer(shared: &Shared, request: tiny_http::Request) {
    let head_only = *request.method() == Method::Head;
    let action = if shared.stopping.load(Ordering::SeqCst) {
        Action::Respond(Response::plain(503, "Haven is shutting down.\n").with("Retry-After", "1"))
    } else if *request.http_version() < (1, 0) {
        // HTTP/2 and later never get here (tiny_http means to answer them itself), HTTP/0.9
        // does.
        Action::Respond(Response::plain(
            505,
            "Only HTTP/1.0 and HTTP/1.1 are served.\n",
        ))
    } else if !body_framing_is_valid(&request) {
        Action::Respond(Response::plain(
            400,
            "Bad request: invalid Content-Length.\n",
        ))
    } else {
        let head = RequestHead {
            method: request.method().as_str(),
            target: request.url(),
            if_none_match: header_values(&request, "If-None-Match").collect(),
        };
        route::route(&head, &shared.state)
    };
    match action {
        Action::Respond(response) => {
            // A client gone away is no concern of ours.
            let _ = send(request, &response, head_only);
        }
        Action::Events => {
            livereload::serve_events(request, &shared.state, &shared.stopping, shared.keep_alive);
        }
    }
}

/// The values of every header called `name` (any case).
fn header_values<'a>(
    request: &'a tiny_http::Request,
    name: &'static str,
) -> impl Iterator<Item = &'a str> + 'a {
    request
        .headers()
        .iter()
        .filter(move |h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

/// Whether tiny_http could make sense of `Content-Length`: it reads only the first such header
/// and takes one it cannot parse for "no body", so the next request would start in the
/// middle of this one's body. (No body is ever read here: only `GET` and `HEAD` are served.)
fn body_framing_is_valid(request: &tiny_http::Request) -> bool {
    if header_values(request, "Transfer-Encoding").next().is_some() {
        return true;
    }
    header_values(request, "Content-Length").all(|value| {
        matches!(value.trim().parse::<usize>(), Ok(length) if Some(length) == request.body_length())
    })
}

/// Writes `response` through the request's writer, with `Connection: close`. `head_only` (a
/// `HEAD` request) and a `304` send no body.
pub(crate) fn send(
    request: tiny_http::Request,
    response: &Response,
    head_only: bool,
) -> io::Result<()> {
    let mut bytes = print_head(
        response.status,
        &response.headers,
        Some(response.content_length),
    )?;
    let body = if head_only || response.status == 304 {
        &[][..]
    } else {
        &response.body[..]
    };
    let mut writer = request.into_writer();
    if body.len() <= INLINE_BODY {
        bytes.extend_from_slice(body);
        writer.write_all(&bytes)?;
    } else {
        writer.write_all(&bytes)?;
        writer.write_all(body)?;
    }
    writer.flush()
}

/// A response head as tiny_http prints it (`HTTP/1.1` status line, `Date`, `Server: haven`,
/// the `headers`, then `Content-Length`, or `Transfer-Encoding: chunked` when the length is
/// `None`), with `Connection: close` added. The caller writes the body in that framing.
pub(crate) fn print_head(
    status: u16,
    headers: &[(&'static str, String)],
    content_length: Option<usize>,
) -> io::Result<Vec<u8>> {
    let headers = headers
        .iter()
        .filter_map(|(name, value)| header(name, value))
        .chain(header("Server", "haven"))
        .collect();
    // Without a threshold tiny_http would choose chunked framing from 32 KiB on.
    let response = tiny_http::Response::new(
        StatusCode(status),
        headers,
        io::empty(),
        content_length,
        None,
    )
    .with_chunked_threshold(usize::MAX);
    let mut head = Vec::new();
    // Always `HTTP/1.1`, the version this server speaks (RFC 9110 §2.5). The request's headers
    // are left out so that its `TE` cannot ask for another framing than the caller writes.
    response.raw_print(&mut head, HTTPVersion(1, 1), &[], true, None)?;
    if !head.ends_with(b"\r\n\r\n") {
        return Err(io::Error::other(
            "tiny_http printed an unexpected response head",
        ));
    }
    let end = head.len() - 2;
    head.splice(end..end, *b"Connection: close\r\n");
    Ok(head)
}

/// A tiny_http header, or `None` for a value that could break the head (tiny_http writes values
/// as they are; none of ours has such bytes, `path` sees to that for redirects).
fn header(name: &str, value: &str) -> Option<Header> {
    let printable = value
        .bytes()
        .all(|b| b == b'\t' || (0x20..0x7f).contains(&b));
    printable
        .then(|| Header::from_bytes(name, value).ok())
        .flatten()
}

/// Starts tiny_http on `addr:port`, telling a busy port apart from other failures.
fn listen(addr: IpAddr, port: u16) -> Result<tiny_http::Server, ServeError> {
    tiny_http::Server::http(SocketAddr::new(addr, port)).map_err(|error| {
        let source = match error.downcast::<io::Error>() {
            Ok(io_error) => *io_error,
            Err(other) => io::Error::other(other),
        };
        match source.kind() {
            io::ErrorKind::AddrInUse => ServeError::PortInUse { addr, port },
            io::ErrorKind::PermissionDenied => ServeError::PermissionDenied { addr, port },
            io::ErrorKind::AddrNotAvailable => ServeError::AddressUnavailable { addr },
            _ => ServeError::Listen { addr, port, source },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(head: io::Result<Vec<u8>>) -> String {
        String::from_utf8(head.expect("a head")).expect("ASCII")
    }

    #[test]
    fn heads_are_printed_by_tiny_http_with_connection_close() {
        let response = Response::plain(404, "nope");
        let head = text(print_head(404, &response.headers, Some(4)));
        assert!(head.starts_with("HTTP/1.1 404 Not Found\r\n"), "{head}");
        assert!(head.contains("\r\nDate: "), "{head}");
        assert!(head.contains("\r\nServer: haven\r\n"), "{head}");
        assert!(
            head.contains("\r\nX-Content-Type-Options: nosniff\r\n"),
            "{head}"
        );
        assert!(
            head.ends_with("\r\nContent-Length: 4\r\nConnection: close\r\n\r\n"),
            "{head}"
        );
        assert!(!head.contains("tiny-http"));
    }

    #[test]
    fn large_bodies_keep_a_content_length() {
        let head = text(print_head(200, &[], Some(8 << 20)));
        assert!(head.contains("\r\nContent-Length: 8388608\r\n"), "{head}");
        assert!(!head.contains("Transfer-Encoding"), "{head}");
    }

    #[test]
    fn streams_are_chunked() {
        let head = text(print_head(
            200,
            &[("Content-Type", "text/event-stream".into())],
            None,
        ));
        assert!(
            head.contains("\r\nTransfer-Encoding: chunked\r\n"),
            "{head}"
        );
        assert!(!head.contains("Content-Length"), "{head}");
        assert!(head.ends_with("\r\nConnection: close\r\n\r\n"), "{head}");
    }

    #[test]
    fn header_values_with_line_breaks_are_left_out() {
        assert!(header("Location", "/a\r\nSet-Cookie: x").is_none());
        assert!(header("Location", "/caf\u{e9}").is_none());
        let ok = header("X-Ok", "fine\tvalue").expect("a header");
        assert_eq!(ok.value.as_str(), "fine\tvalue");
    }
}
