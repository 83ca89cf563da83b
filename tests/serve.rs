//! `haven serve` end to end: the real binary on 127.0.0.1, real HTTP requests, the event
//! stream that tells pages to reload, and rebuilds after real file edits.

mod common;
use common::Fixture;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// Generous bound for anything that involves a rebuild; a failure means it never happened.
const PATIENCE: Duration = Duration::from_secs(20);

struct Serve {
    child: Child,
    port: u16,
    lines: Receiver<String>,
    /// Every line read so far.
    seen: Vec<String>,
}

impl Serve {
    fn start(f: &Fixture, extra: &[&str]) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_haven"))
            .args(["serve", "--port", "0", "--root"])
            .arg(f.root())
            .args(extra)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start haven serve");
        let (tx, lines) = channel();
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        let tx2 = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx2.send(format!("stderr: {line}"));
            }
        });
        let mut serve = Serve {
            child,
            port: 0,
            lines,
            seen: Vec::new(),
        };
        let line = serve.wait_line(|l| l.starts_with("Serving at "));
        let port = line
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port in the Serving line");
        serve.port = port;
        serve
    }

    fn wait_line(&mut self, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        let start = self.seen.len();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(l) => {
                    self.seen.push(l.clone());
                    if pred(&l) {
                        return l;
                    }
                }
                Err(_) => break,
            }
        }
        panic!(
            "expected line not printed; output so far:\n{}",
            self.seen[start..].join("\n")
        );
    }

    fn get(&self, path: &str) -> (u16, String, String) {
        request(
            self.port,
            &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        )
    }

    fn events(&self) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        s.write_all(b"GET /__haven/events HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut events = Events {
            reader: BufReader::new(s),
        };
        // Past the response head and the opening retry line.
        events.next_line_matching(|l| l.starts_with("retry:"));
        events
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn next_line_matching(&mut self, pred: impl Fn(&str) -> bool) -> String {
        let mut line = String::new();
        loop {
            line.clear();
            match self.reader.read_line(&mut line) {
                Ok(0) | Err(_) => panic!("event stream ended before the expected line"),
                Ok(_) if pred(line.trim_end()) => return line.trim_end().to_string(),
                Ok(_) => {}
            }
        }
    }

    /// The next `event:` name and its data.
    fn next(&mut self) -> (String, String) {
        let name = self.next_line_matching(|l| l.starts_with("event: "));
        let data = self.next_line_matching(|l| l.starts_with("data: "));
        (name[7..].to_string(), data[6..].to_string())
    }
}

fn request(port: u16, raw: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

#[test]
fn serves_the_site_from_memory_with_local_urls_and_live_reload() {
    let f = Fixture::new();
    let serve = Serve::start(&f, &[]);
    let (status, head, body) = serve.get("/articles/sleep/");
    assert_eq!(status, 200, "{head}");
    assert!(head.contains("text/html"));
    assert!(body.contains("Sleep and mood are linked."));
    assert!(body.contains("/__haven/livereload.js"));
    // Absolute URLs point at the preview, not at production.
    assert!(
        body.contains(&format!("http://127.0.0.1:{}/articles/sleep/", serve.port)),
        "{body}"
    );
    assert!(!body.contains("https://test.example/"));
    let (status, head, _) = serve.get("/articles/sleep");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /articles/sleep/"), "{head}");
    let (status, _, body) = serve.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("<html"));
    let (status, head, _) = serve.get("/css/style.css");
    assert_eq!(status, 200);
    assert!(head.contains("text/css"));
    // A preview never writes the production output.
    assert!(!f.path("public").exists());
}

#[test]
fn traversal_attempts_never_serve_files() {
    let f = Fixture::new();
    f.write("secret.txt", "TOP SECRET");
    let serve = Serve::start(&f, &[]);
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/articles/%2e%2e/%2e%2e/secret.txt",
        "/..\\secret.txt",
        "/site.yaml",
        "/%00",
        "//etc/passwd",
    ] {
        let (status, _, body) = serve.get(path);
        assert!(matches!(status, 400 | 404), "{path}: {status}");
        assert!(
            !body.contains("TOP SECRET") && !body.contains("base_url"),
            "{path}"
        );
    }
    let long = format!("/{}", "a".repeat(10_000));
    let (status, _, _) = serve.get(&long);
    assert!(matches!(status, 400 | 404 | 414 | 431 | 0), "{status}");
}

#[test]
fn edits_reload_pages_and_errors_show_then_clear() {
    let f = Fixture::new();
    let mut serve = Serve::start(&f, &[]);
    let mut events = serve.events();

    f.write(
        "content/articles/sleep.md",
        &common::ARTICLE.replace(
            "Sleep and mood are linked.",
            "Sleep and mood are closely linked.",
        ),
    );
    assert_eq!(events.next().0, "reload");
    serve.wait_line(|l| l.starts_with("Rebuilt content/articles/sleep.md"));
    assert!(serve.get("/articles/sleep/").2.contains("closely linked"));

    // Broken front matter: an error event names the file; the last good page stays.
    f.write("content/articles/sleep.md", "---\ntitle: [broken\n---\n");
    let (name, data) = events.next();
    assert_eq!(name, "error");
    assert!(data.contains("sleep.md"), "{data}");
    let (status, _, body) = serve.get("/articles/sleep/");
    assert_eq!(status, 200);
    assert!(body.contains("closely linked"));

    // Fixing it reloads.
    f.write("content/articles/sleep.md", common::ARTICLE);
    assert_eq!(events.next().0, "reload");
    assert!(
        serve
            .get("/articles/sleep/")
            .2
            .contains("Sleep and mood are linked.")
    );
}

#[test]
fn a_safety_error_refuses_the_rebuild_as_build_would() {
    let f = Fixture::new();
    let mut serve = Serve::start(&f, &[]);
    let mut events = serve.events();

    // An undeclared high-risk topic fails `haven build`; the preview keeps the last good page
    // and shows the error instead of the page.
    f.write(
        "content/articles/sleep.md",
        &common::ARTICLE.replace(
            "Sleep and mood are linked.",
            "Last winter my uncle took his own life.",
        ),
    );
    let (name, data) = events.next();
    assert_eq!(name, "error", "{data}");
    assert!(
        data.contains("undeclared-topic") && data.contains("sleep.md"),
        "{data}"
    );
    serve.wait_line(|l| l.contains("Rebuild failed"));
    let (status, _, body) = serve.get("/articles/sleep/");
    assert_eq!(status, 200);
    assert!(body.contains("Sleep and mood are linked."), "{body}");
    assert!(!body.contains("own life"), "{body}");

    // Declaring the topic publishes it.
    f.write(
        "content/articles/sleep.md",
        &common::ARTICLE
            .replace(
                "Sleep and mood are linked.",
                "Last winter my uncle took his own life.",
            )
            .replace(
                "tags: [sleep, mood]\n",
                "tags: [sleep, mood]\ncontent_warnings: [suicide]\n",
            ),
    );
    assert_eq!(events.next().0, "reload");
    assert!(serve.get("/articles/sleep/").2.contains("own life"));
}

#[test]
fn new_deleted_and_renamed_files_are_picked_up() {
    let f = Fixture::new();
    let serve = Serve::start(&f, &[]);
    let mut events = serve.events();
    f.write(
        "content/articles/new-one.md",
        &common::ARTICLE.replace("Sleep and mood", "A new one"),
    );
    assert_eq!(events.next().0, "reload");
    let (status, _, body) = serve.get("/articles/new-one/");
    assert_eq!(status, 200);
    assert!(body.contains("A new one"));

    std::fs::rename(
        f.path("content/articles/new-one.md"),
        f.path("content/articles/renamed.md"),
    )
    .unwrap();
    assert_eq!(events.next().0, "reload");
    assert_eq!(serve.get("/articles/renamed/").0, 200);
    // A rename may arrive as two batches; wait until the old page is gone.
    let deadline = Instant::now() + PATIENCE;
    while serve.get("/articles/new-one/").0 != 404 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(serve.get("/articles/new-one/").0, 404);

    std::fs::remove_file(f.path("content/articles/renamed.md")).unwrap();
    let deadline = Instant::now() + PATIENCE;
    while serve.get("/articles/renamed/").0 != 404 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(serve.get("/articles/renamed/").0, 404);
}

#[test]
fn editors_that_save_by_renaming_a_temp_file_are_seen() {
    let f = Fixture::new();
    let serve = Serve::start(&f, &[]);
    let mut events = serve.events();
    // vim/JetBrains style: write a temporary file, then rename it over the original.
    let tmp = f.path("content/articles/.sleep.md.tmp");
    std::fs::write(
        &tmp,
        common::ARTICLE.replace("are linked", "are tied together"),
    )
    .unwrap();
    std::fs::rename(&tmp, f.path("content/articles/sleep.md")).unwrap();
    assert_eq!(events.next().0, "reload");
    assert!(serve.get("/articles/sleep/").2.contains("tied together"));
    // The same for site.yaml.
    let tmp = f.path(".site.yaml.tmp");
    std::fs::write(
        &tmp,
        common::SITE_YAML.replace("Test Library", "Renamed Library"),
    )
    .unwrap();
    std::fs::rename(&tmp, f.path("site.yaml")).unwrap();
    assert_eq!(events.next().0, "reload");
    assert!(serve.get("/").2.contains("Renamed Library"));
}

#[test]
fn concurrent_clients_are_served_during_rebuilds() {
    let f = Fixture::new();
    let serve = Serve::start(&f, &[]);
    let port = serve.port;
    let readers: Vec<_> = (0..8)
        .map(|_| {
            std::thread::spawn(move || {
                (0..20)
                    .map(|_| {
                        request(
                            port,
                            "GET /articles/sleep/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                        )
                        .0
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for i in 0..5 {
        f.write(
            "content/articles/sleep.md",
            &common::ARTICLE.replace("are linked", &format!("are linked ({i})")),
        );
        std::thread::sleep(Duration::from_millis(40));
    }
    for r in readers {
        assert!(r.join().unwrap().iter().all(|&s| s == 200));
    }
}

#[test]
fn an_explicitly_requested_busy_port_is_a_clear_error() {
    let f = Fixture::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["serve", "--port", &port, "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("port {port}")) && err.contains("--port"),
        "{err}"
    );
}

#[test]
fn a_site_that_fails_to_build_is_still_served_with_the_error() {
    let f = Fixture::new();
    f.write("content/articles/sleep.md", "---\ntitle: [broken\n---\n");
    let serve = Serve::start(&f, &[]);
    let mut events = serve.events();
    let (name, data) = events.next();
    assert_eq!(name, "error");
    assert!(data.contains("sleep.md"));
    f.write("content/articles/sleep.md", common::ARTICLE);
    assert_eq!(events.next().0, "reload");
    assert_eq!(serve.get("/articles/sleep/").0, 200);
}

#[test]
fn a_site_with_many_warnings_prints_the_first_and_counts_the_rest() {
    let f = Fixture::new();
    for i in 0..25 {
        f.write(
            &format!("content/articles/old-{i}.md"),
            &common::ARTICLE
                .replace("Sleep and mood\"", &format!("Old article {i}\""))
                .replace("reviewed: 2026-03-02", "reviewed: 2020-01-01"),
        );
    }
    let mut serve = Serve::start(&f, &[]);
    // The warnings go to stderr and "Serving at" to stdout, read by separate threads: wait for
    // the summary, which ends the warnings.
    if !serve.seen.iter().any(|l| l.contains("more warnings")) {
        serve.wait_line(|l| l.contains("more warnings"));
    }
    let printed = |prefix: &str| serve.seen.iter().filter(|l| l.starts_with(prefix)).count();
    assert_eq!(printed("stderr: warning[stale-review]"), 20);
    let summary = serve
        .seen
        .iter()
        .find(|l| l.contains("more warnings"))
        .unwrap_or_else(|| panic!("{:#?}", serve.seen));
    assert!(
        summary.contains("5 more warnings (5 stale-review)")
            && summary.contains("`haven check` lists them all"),
        "{summary}"
    );
}
