//! The build time limit (`--timeout`): a template that runs for hours stops `haven build` and
//! `haven check` with an error naming the template and the page, leaving `public/` as it was;
//! `haven serve` gives up the rebuild, shows the error and keeps serving the last good site.

mod common;
use common::{Fixture, snapshot};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// 10^10 iterations over `range()`, printing nothing.
const RANGE_LOOP: &str = "{% extends \"base.html\" %}\n{% block content %}\n{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}\n{% endblock content %}\n";

/// 10^12 iterations over a list, printing nothing and calling nothing: nothing in Tera can
/// stop it.
fn stuck_loop() -> String {
    let levels = 12;
    let mut t = String::from(
        "{% extends \"base.html\" %}\n{% block content %}\n{% set a = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] %}",
    );
    for level in 0..levels {
        t.push_str(&format!("{{% for x{level} in a %}}"));
    }
    t.push_str(&"{% endfor %}".repeat(levels));
    t.push_str("\n{% endblock content %}\n");
    t
}

/// Folders the build left beside the site besides its output, index and spare.
fn leftovers(f: &Fixture) -> Vec<String> {
    std::fs::read_dir(f.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.contains("haven-") && n != ".public.haven-index" && n != ".public.haven-spare"
        })
        .collect()
}

/// The limit of the builds and checks that must time out. Loading comes first and counts
/// towards it: loading the fixture (which compiles the safety vocabularies) takes most of a
/// second in a debug build, several on a loaded machine, and must be over before the limit for
/// the error to name the template.
const LIMIT: &str = "4";

/// Builds the fixture, gives it `template` as its article template and checks that `command`
/// stops within its limit ([`LIMIT`] seconds) with a located timeout error, `public/`
/// unchanged.
fn assert_times_out(template: &str, command: &str) -> Fixture {
    let f = Fixture::new();
    f.build().assert_ok();
    let before = snapshot(&f.path("public"));
    f.write("templates/article.html", template);
    let start = Instant::now();
    let run = f.haven(&[command, "--timeout", LIMIT]);
    run.assert_error(&[
        "error[timeout]",
        &format!("the build took longer than its limit of {LIMIT} s (--timeout)"),
        "templates/article.html had been rendering content/articles/",
        "--> templates/article.html",
    ]);
    // The limit, two seconds of grace at most, and start-up; generous for a loaded machine.
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(snapshot(&f.path("public")), before, "public/ changed");
    f
}

#[test]
fn build_stops_a_loop_over_range_and_cleans_up() {
    let f = assert_times_out(RANGE_LOOP, "build");
    assert!(leftovers(&f).is_empty(), "{:?}", leftovers(&f));
}

#[test]
fn build_ends_when_a_loop_cannot_be_stopped_and_the_next_build_recovers() {
    let f = assert_times_out(&stuck_loop(), "build");
    // The process ended before the swap; its temporary folder is the next build's spare, as
    // after Ctrl-C.
    std::fs::remove_file(f.path("templates/article.html")).unwrap();
    f.build().assert_ok();
    assert!(leftovers(&f).is_empty(), "{:?}", leftovers(&f));
    assert!(
        f.read("public/articles/sleep/index.html")
            .contains("Sleep and mood")
    );
}

#[test]
fn check_stops_too() {
    assert_times_out(RANGE_LOOP, "check");
    let f = assert_times_out(&stuck_loop(), "check");
    let run = f.haven(&["check", "--format", "json", "--timeout", LIMIT]);
    assert_eq!(run.code(), 1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout()).expect("JSON");
    assert_eq!(v["diagnostics"][0]["code"], "timeout");
    assert_eq!(v["diagnostics"][0]["file"], "templates/article.html");
    assert_eq!(v["summary"]["passed"], false);
}

/// Without `--timeout` a build has no time limit, and a normal one is not affected by one.
#[test]
fn a_normal_build_within_its_limit_succeeds() {
    let f = Fixture::new();
    f.haven(&["build", "--timeout", "60"]).assert_ok();
    f.haven(&["check", "--timeout", "60"]).assert_ok();
}

struct Serve {
    child: Child,
    port: u16,
    lines: Receiver<String>,
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
                let _ = tx2.send(line);
            }
        });
        let mut serve = Serve {
            child,
            port: 0,
            lines,
        };
        let line = serve.wait_line("Serving at ");
        serve.port = line
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port");
        serve
    }

    fn wait_line(&mut self, start: &str) -> String {
        let mut seen = Vec::new();
        let until = Instant::now() + Duration::from_secs(30);
        while let Some(left) = until.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(l) if l.starts_with(start) => return l,
                Ok(l) => seen.push(l),
                Err(_) => break,
            }
        }
        panic!("no line starting {start:?}; output:\n{}", seen.join("\n"));
    }

    /// Status and body of a GET, and how long it took.
    fn get(&self, path: &str) -> (u16, String, Duration) {
        let start = Instant::now();
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        let text = String::from_utf8_lossy(&buf).into_owned();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (status, text, start.elapsed())
    }
}

impl Serve {
    /// The first event a page opened now receives: its name and data.
    fn first_event(&self) -> (String, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(b"GET /__haven/events HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut reader = BufReader::new(s);
        let mut next = |prefix: &str| loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => panic!("the event stream ended"),
                Ok(_) => {
                    if let Some(rest) = line.trim_end().strip_prefix(prefix) {
                        return rest.to_string();
                    }
                }
            }
        };
        let name = next("event: ");
        (name, next("data: "))
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_gives_up_a_runaway_rebuild_and_keeps_serving() {
    let f = Fixture::new();
    // Every rebuild has this limit, the one from scratch after the fix too, which loads the
    // site (and compiles the safety vocabularies) beside the runaway thread: on a loaded
    // machine with a debug build that took more than 3 seconds.
    let mut serve = Serve::start(&f, &["--timeout", "6"]);
    // A loop nothing can stop: the rebuild is left behind on its thread.
    f.write("templates/article.html", &stuck_loop());
    serve.wait_line("Rebuild given up:");
    serve.wait_line(
        "error[timeout]: the build took longer than its limit of 6 s (haven serve --timeout)",
    );
    let (status, body, took) = serve.get("/articles/sleep/");
    assert_eq!(status, 200);
    assert!(body.contains("Sleep and mood are linked."));
    assert!(took < Duration::from_secs(1), "{took:?}");
    // Pages show the error in their overlay.
    let (name, data) = serve.first_event();
    assert_eq!(name, "error");
    assert!(
        data.contains("timeout") && data.contains("templates/article.html"),
        "{data}"
    );
    // The fix is built by a new builder, from scratch.
    std::fs::remove_file(f.path("templates/article.html")).unwrap();
    serve.wait_line("Rebuilt templates");
    f.write(
        "content/articles/sleep.md",
        &common::ARTICLE.replace(
            "Sleep and mood are linked.",
            "Sleep and mood are closely linked.",
        ),
    );
    serve.wait_line("Rebuilt content/articles/sleep.md");
    let (status, body, _) = serve.get("/articles/sleep/");
    assert_eq!(status, 200);
    assert!(body.contains("closely linked"));
}
