//! Live reload over server-sent events, on the same port as the site.
//!
//! Every HTML page gets [`SCRIPT_TAG`] before its last `</body>` (or at its end). The tag loads
//! [`SCRIPT`] (`livereload.js`, served at `/__haven/livereload.js`) as an external, deferred
//! script, so a page with a strict Content-Security-Policy (`script-src 'self'`) still runs it.
//! The script opens an `EventSource` on `/__haven/events`, which [`stream_events`] answers:
//!
//! - first a comment and `retry: 500` (reconnect quickly after a restart), then, when the last
//!   rebuild failed, the current `error` event;
//! - `reload`, `css` (JSON array of stylesheet paths) and `error`
//!   (`{"diagnostics":[…]}`) events as the rebuild loop publishes them;
//! - a comment every [`KEEP_ALIVE`] so dead connections are noticed and proxies keep quiet.
//!
//! The stream runs on the request's own thread, written straight to the connection (tiny_http's
//! [`Request::into_writer`](tiny_http::Request::into_writer)) and flushed after every event.
//! It is chunked, one chunk per event, so it can end cleanly with the last chunk (shutdown)
//! even though tiny_http keeps the connection open; its `Connection: close` then has the
//! browser close the connection and reconnect on a new one.

use super::http::{print_head, send};
use super::route::Response;
use super::{Event, ServeState};
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

/// Site path (without the leading slash) of the live-reload script.
pub(crate) const SCRIPT_PATH: &str = "__haven/livereload.js";
/// Site path (without the leading slash) of the event stream.
pub(crate) const EVENTS_PATH: &str = "__haven/events";
/// The live-reload script and its error overlay.
pub(crate) const SCRIPT: &str = include_str!("livereload.js");
/// What every served HTML page gets before `</body>`.
pub(crate) const SCRIPT_TAG: &str = r#"<script src="/__haven/livereload.js" defer></script>"#;
/// How often an idle event stream gets a comment.
pub(crate) const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// `html` with [`SCRIPT_TAG`] inserted before the last `</body` (ASCII case-insensitive), or
/// appended when there is none.
pub(crate) fn inject(html: &[u8]) -> Vec<u8> {
    let needle = b"</body";
    let at = html
        .windows(needle.len())
        .rposition(|window| window.eq_ignore_ascii_case(needle))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + SCRIPT_TAG.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(SCRIPT_TAG.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The wire form of an event, or `None` for [`Event::Close`].
fn format_event(event: &Event) -> Option<String> {
    // JSON from serde_json never holds a raw line break, so each payload is one `data:` line.
    match event {
        Event::Reload => Some("event: reload\ndata: {}\n\n".to_string()),
        Event::Css(paths) => Some(format!("event: css\ndata: {paths}\n\n")),
        Event::Error(payload) => Some(format!("event: error\ndata: {payload}\n\n")),
        Event::Close => None,
    }
}

/// Answers `GET /__haven/events`: streams events until the page goes away, the state shuts
/// down or `stopping` is set, then ends the response. Runs on the request's thread for as long
/// as that takes.
pub(crate) fn serve_events(
    request: tiny_http::Request,
    state: &ServeState,
    stopping: &AtomicBool,
    keep_alive: Duration,
) {
    if *request.http_version() < (1, 1) {
        // The stream is chunked, which HTTP/1.0 does not have; every EventSource speaks 1.1.
        let response = Response::plain(505, "The live-reload event stream needs HTTP/1.1.\n");
        let _ = send(request, &response, false);
        return;
    }
    let subscription = if stopping.load(Ordering::SeqCst) {
        None
    } else {
        state.subscribe()
    };
    // Checked again after subscribing: a stop that came in between has already closed the
    // streams it knew about, and this one was not among them.
    let subscription = subscription.filter(|_| !stopping.load(Ordering::SeqCst));
    let Some((events, current_error)) = subscription else {
        // Shutting down: refuse, so the page does not reload against a server about to go.
        let response = Response::plain(503, "Haven is shutting down.\n").with("Retry-After", "1");
        let _ = send(request, &response, false);
        return;
    };

    let headers = [
        ("Content-Type", "text/event-stream".to_string()),
        ("Cache-Control", "no-cache".to_string()),
        ("X-Content-Type-Options", "nosniff".to_string()),
    ];
    let Ok(mut opening) = print_head(200, &headers, None) else {
        return;
    };
    let mut first = String::from(": haven live reload\nretry: 500\n\n");
    if let Some(payload) = current_error {
        first.push_str(&format!("event: error\ndata: {payload}\n\n"));
    }
    opening.extend_from_slice(&chunk(&first));
    let mut out = request.into_writer();
    if send_bytes(&mut out, &opening).is_err() {
        return;
    }
    loop {
        let text = match events.recv_timeout(keep_alive) {
            Ok(event) => match format_event(&event) {
                Some(text) => text,
                None => break,
            },
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => break,
        };
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        if send_bytes(&mut out, &chunk(&text)).is_err() {
            // The page went away. Returning drops `events`, which unsubscribes it.
            return;
        }
    }
    // The last chunk: the response is complete.
    let _ = send_bytes(&mut out, b"0\r\n\r\n");
}

/// `text` as one chunk of a chunked body.
fn chunk(text: &str) -> Vec<u8> {
    let mut bytes = format!("{:x}\r\n", text.len()).into_bytes();
    bytes.extend_from_slice(text.as_bytes());
    bytes.extend_from_slice(b"\r\n");
    bytes
}

fn send_bytes(out: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    out.write_all(bytes)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_framed_with_hex_lengths() {
        assert_eq!(
            chunk("event: reload\ndata: {}\n\n"),
            b"18\r\nevent: reload\ndata: {}\n\n\r\n"
        );
        assert_eq!(chunk(&"x".repeat(300))[..5], *b"12c\r\n");
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        assert_eq!(
            inject(b"<body>a</body><!-- </BODY> -->"),
            format!("<body>a</body><!-- {SCRIPT_TAG}</BODY> -->").into_bytes()
        );
        assert_eq!(
            inject(b"<p>x</p>"),
            format!("<p>x</p>{SCRIPT_TAG}").into_bytes()
        );
    }
}
