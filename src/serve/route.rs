//! Deciding the answer to a request: which site file, redirect or error, with which headers.
//!
//! Everything here is in memory and independent of tiny_http; writing the answer is `http`'s
//! job. Every response carries
//! `Cache-Control: no-cache` and `X-Content-Type-Options: nosniff`; site files (and the
//! live-reload script) carry a strong `ETag` — the length and FNV-1a hash of the bytes sent —
//! that `If-None-Match` turns into `304 Not Modified`.

use super::ServeState;
use super::livereload::{self, EVENTS_PATH, SCRIPT, SCRIPT_PATH};
use super::mime;
use super::path::{self, PathError};

/// What routing needs to know about a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestHead<'a> {
    /// As sent, e.g. `GET`.
    pub method: &'a str,
    /// The request target as sent (still percent-encoded).
    pub target: &'a str,
    /// The value of every `If-None-Match` header.
    pub if_none_match: Vec<&'a str>,
}

/// A response built in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Response {
    pub status: u16,
    /// Headers besides `Date`, `Server`, `Content-Length` and `Connection` (added by `http`).
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    /// The `Content-Length` to announce: the body's, or for a `304` the one a `200` would have.
    pub content_length: usize,
}

impl Response {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![
                ("Content-Type", content_type.to_string()),
                ("Cache-Control", "no-cache".to_string()),
                ("X-Content-Type-Options", "nosniff".to_string()),
            ],
            content_length: body.len(),
            body,
        }
    }

    /// A short `text/plain` response.
    pub fn plain(status: u16, text: &str) -> Response {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            text.as_bytes().to_vec(),
        )
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }

    /// The value of the header `name` (tests).
    #[cfg(test)]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What to do with a request.
#[derive(Debug)]
pub(crate) enum Action {
    Respond(Response),
    /// Open an event stream.
    Events,
}

/// Routes one request against the current site. Never fails: bad input gets a 4xx.
pub(crate) fn route(head: &RequestHead, state: &ServeState) -> Action {
    let head_only = match head.method {
        "GET" => false,
        "HEAD" => true,
        _ => {
            let response = Response::plain(405, "Only GET and HEAD are served here.\n");
            return Action::Respond(response.with("Allow", "GET, HEAD"));
        }
    };
    let path = match path::parse(head.target) {
        Ok(path) => path,
        Err(PathError::TooLong) => {
            return Action::Respond(Response::plain(
                400,
                "Bad request: the address is longer than 2048 bytes.\n",
            ));
        }
        Err(PathError::Malformed) => {
            return Action::Respond(Response::plain(
                400,
                "Bad request: this address is not a valid path on this site.\n",
            ));
        }
    };
    if !path.trailing_slash {
        if path.rel == SCRIPT_PATH {
            let content_type = mime::content_type(SCRIPT_PATH);
            return Action::Respond(file(content_type, SCRIPT.as_bytes().to_vec(), head));
        }
        if path.rel == EVENTS_PATH {
            return if head_only {
                Action::Respond(Response::new(200, "text/event-stream", Vec::new()))
            } else {
                Action::Events
            };
        }
    }

    let files = state.files();
    let key = path.key();
    if let Some(bytes) = files.get(&key) {
        let content_type = mime::content_type(&key);
        let body = page_body(content_type, &bytes);
        return Action::Respond(file(content_type, body, head));
    }
    if !path.trailing_slash && files.is_dir(&path.rel) {
        let response = Response::plain(301, "Moved permanently.\n");
        return Action::Respond(response.with("Location", path.directory_location()));
    }
    Action::Respond(match files.get("404.html") {
        Some(bytes) => Response::new(404, mime::HTML, page_body(mime::HTML, &bytes)),
        None => Response::plain(404, "Not found: nothing is published at this address.\n"),
    })
}

/// The bytes to send for a site file: HTML pages get the live-reload script.
fn page_body(content_type: &str, bytes: &[u8]) -> Vec<u8> {
    if content_type == mime::HTML {
        livereload::inject(bytes)
    } else {
        bytes.to_vec()
    }
}

/// A `200` file with its `ETag`, or `304` when the client already has these bytes.
fn file(content_type: &str, body: Vec<u8>, head: &RequestHead) -> Response {
    let etag = etag(&body);
    if none_match(head, &etag) {
        let mut response = Response::new(304, content_type, Vec::new());
        response.content_length = body.len();
        return response.with("ETag", etag);
    }
    Response::new(200, content_type, body).with("ETag", etag)
}

/// Whether `If-None-Match` lists `etag` (weak comparison, as RFC 9110 asks for it) or `*`.
fn none_match(head: &RequestHead, etag: &str) -> bool {
    head.if_none_match
        .iter()
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

/// A strong validator: the length and 64-bit FNV-1a hash of the bytes, quoted.
pub(crate) fn etag(body: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in body {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("\"{:x}-{hash:016x}\"", body.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::sync::Arc;

    fn head<'a>(method: &'a str, target: &'a str, if_none_match: &[&'a str]) -> RequestHead<'a> {
        RequestHead {
            method,
            target,
            if_none_match: if_none_match.to_vec(),
        }
    }

    fn respond(state: &ServeState, head: &RequestHead) -> Response {
        match route(head, state) {
            Action::Respond(response) => response,
            Action::Events => panic!("an event stream for {}", head.target),
        }
    }

    #[test]
    fn etags_differ_with_content_and_length() {
        assert_ne!(etag(b"a"), etag(b"b"));
        assert_ne!(etag(b""), etag(b"\0"));
        assert_eq!(etag(b"abc"), etag(b"abc"));
        assert!(etag(b"").starts_with("\"0-"));
    }

    #[test]
    fn not_modified_keeps_the_length_of_the_full_response() {
        let mut files = BTreeMap::new();
        files.insert("a.css".to_string(), b"body{}".to_vec());
        let state = ServeState::new(Arc::new(files));
        let full = respond(&state, &head("GET", "/a.css", &[]));
        let tag = full.header("ETag").unwrap_or_default().to_string();
        let cached = respond(&state, &head("GET", "/a.css", &[&tag]));
        assert_eq!(cached.status, 304);
        assert!(cached.body.is_empty());
        assert_eq!(cached.content_length, 6);
    }

    #[test]
    fn event_stream_is_get_only() {
        let state = ServeState::new(Arc::new(BTreeMap::<String, Vec<u8>>::new()));
        assert!(matches!(
            route(&head("GET", "/__haven/events", &[]), &state),
            Action::Events
        ));
        assert!(matches!(
            route(&head("GET", "/__haven/events?x=1", &[]), &state),
            Action::Events
        ));
        assert_eq!(
            respond(&state, &head("HEAD", "/__haven/events", &[])).status,
            200
        );
        assert_eq!(
            respond(&state, &head("POST", "/__haven/events", &[])).status,
            405
        );
        assert_eq!(
            respond(&state, &head("GET", "/__haven/events/", &[])).status,
            404
        );
    }
}
