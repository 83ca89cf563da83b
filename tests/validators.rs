//! The example site checked by the web's own tools, at the root and under a subpath
//! (`https://example.github.io/haven-site/`):
//!
//! - HTML: the Nu Html Checker (`vnu-jar` from npm, run with Java) reports zero errors.
//! - Links: an offline checker (below) finds no broken internal link, asset or `#fragment`.
//!   It stands in for `lychee --offline`, which takes too long to compile in CI.
//! - Accessibility: axe-core in headless Chromium reports zero WCAG 2.0/2.1/2.2 A/AA violations
//!   on the home, section, article, taxonomy, search, Get Help and 404 pages, in light and dark
//!   mode. Pages are served over 127.0.0.1 with the site's Content-Security-Policy, and any CSP
//!   violation fails the test too.
//!
//! The npm packages are installed once into `target/tools/` (pinned versions below); Java,
//! npm and Debian's `chromium` must be on the machine (`.ci/run` checks).

#[path = "common/chromium.rs"]
mod chromium;
mod common;

use regex::Regex;
use serde_json::json;
use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

const VNU: &str = "vnu-jar@26.9.27";
const AXE: &str = "axe-core@4.14.1";
const SUBPATH: &str = "https://example.github.io/haven-site/";
const ORIGIN_ROOT: &str = "https://haven-example.org/";

/// `target/tools`, with the npm packages installed (once per test run, and then cached).
fn tools() -> &'static Path {
    static TOOLS: OnceLock<PathBuf> = OnceLock::new();
    TOOLS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .expect("target dir")
            .join("tools");
        let want = |spec: &str| {
            let (name, version) = spec.rsplit_once('@').unwrap();
            let manifest = dir.join("node_modules").join(name).join("package.json");
            let installed = std::fs::read_to_string(manifest).unwrap_or_default();
            !installed.contains(&format!("\"version\": \"{version}\""))
        };
        if want(VNU) || want(AXE) {
            std::fs::create_dir_all(&dir).expect("create target/tools");
            let started = Instant::now();
            let out = Command::new("npm")
                .args([
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--no-save",
                    "--prefix",
                ])
                .arg(&dir)
                .args([VNU, AXE])
                .output()
                .expect("run npm (install Node.js and npm)");
            assert!(
                out.status.success(),
                "npm install {VNU} {AXE} failed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            eprintln!(
                "installed {VNU} {AXE} into {} in {:.1} s",
                dir.display(),
                started.elapsed().as_secs_f64()
            );
        }
        dir
    })
}

/// A build of the example site: its output folder and its base URL.
struct Built {
    dir: PathBuf,
    base_url: &'static str,
}

impl Built {
    /// `""` or `/haven-site`.
    fn base_path(&self) -> &str {
        let after = &self.base_url[self.base_url.find("://").unwrap() + 3..];
        after[after.find('/').unwrap()..].trim_end_matches('/')
    }
}

/// The example site built at the root and under the subpath (once per test run).
fn builds() -> &'static [Built; 2] {
    static BUILDS: OnceLock<[Built; 2]> = OnceLock::new();
    BUILDS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("validators");
        let build = |name: &str, base_url: &'static str| {
            let dir = work.join(name);
            let _ = std::fs::remove_dir_all(&dir);
            let mut args = vec!["build", "--output", dir.to_str().unwrap()];
            if base_url != ORIGIN_ROOT {
                args.extend(["--base-url", base_url]);
            }
            common::run(root, &args).assert_ok();
            Built { dir, base_url }
        };
        [build("root", ORIGIN_ROOT), build("subpath", SUBPATH)]
    })
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk").into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    out.sort();
    out
}

// ------------------------------------------------------------------------------------ HTML

#[test]
fn html_passes_the_nu_html_checker() {
    let jar = tools().join("node_modules/vnu-jar/build/dist/vnu.jar");
    let started = Instant::now();
    let mut cmd = Command::new("java");
    cmd.arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html"]);
    for b in builds() {
        assert!(html_files(&b.dir).len() > 40, "{}", b.dir.display());
        cmd.arg(&b.dir);
    }
    let out = cmd.output().expect("run java (install a JRE)");
    eprintln!(
        "vnu checked both builds in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        out.status.success(),
        "the Nu Html Checker found errors:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

// ----------------------------------------------------------------------------------- links

/// `&amp;` and friends in an attribute value.
fn unescape(v: &str) -> String {
    v.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(Ok(b)) = s.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16))
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Resolves `.` and `..` in a `/`-rooted path.
fn normalise(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if trailing && out != "/" {
        out.push('/');
    }
    Some(out)
}

/// Every `id` (and `name`) of an HTML page.
fn ids(html: &str) -> BTreeSet<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"\s(?:id|name)="([^"]*)""#).unwrap())
        .captures_iter(html)
        .map(|c| unescape(&c[1]))
        .collect()
}

/// Broken internal links of one build: `page: url (reason)`.
fn broken_links(b: &Built) -> (usize, Vec<String>) {
    let attr = Regex::new(r#"\s(href|src|action|data-index)="([^"]*)""#).unwrap();
    let base_path = b.base_path();
    let mut pages: HashMap<PathBuf, String> = HashMap::new();
    for p in html_files(&b.dir) {
        let html = std::fs::read_to_string(&p).expect("read page");
        pages.insert(p, html);
    }
    let mut id_cache: HashMap<PathBuf, BTreeSet<String>> = HashMap::new();
    let mut checked = 0;
    let mut broken = Vec::new();
    let mut files: Vec<&PathBuf> = pages.keys().collect();
    files.sort();
    for page in files {
        let html = &pages[page];
        let rel = page.strip_prefix(&b.dir).unwrap().to_string_lossy();
        // The URL path of the page (pretty URLs: `a/index.html` is served at `/a/`).
        let page_url = format!(
            "{base_path}/{}",
            rel.strip_suffix("index.html").unwrap_or(&rel)
        );
        // `<link rel="canonical">` and friends: absolute URLs of this site are internal too.
        for c in attr.captures_iter(html) {
            let raw = unescape(&c[2]);
            let url = raw.as_str();
            if let Some(rest) = url.strip_prefix(b.base_url) {
                let local = format!("{base_path}/{rest}");
                checked += 1;
                if let Err(e) = check_url(b, &pages, &mut id_cache, &page_url, &local) {
                    broken.push(format!("{rel}: {}=\"{raw}\" ({e})", &c[1]));
                }
                continue;
            }
            let has_scheme = url
                .split_once(':')
                .is_some_and(|(s, _)| !s.is_empty() && !s.contains('/') && !s.contains('#'));
            if has_scheme || url.starts_with("//") {
                continue;
            }
            checked += 1;
            if let Err(e) = check_url(b, &pages, &mut id_cache, &page_url, url) {
                broken.push(format!("{rel}: {}=\"{raw}\" ({e})", &c[1]));
            }
        }
    }
    (checked, broken)
}

/// Checks one internal URL found on the page served at `page_url`.
fn check_url(
    b: &Built,
    pages: &HashMap<PathBuf, String>,
    id_cache: &mut HashMap<PathBuf, BTreeSet<String>>,
    page_url: &str,
    url: &str,
) -> Result<(), String> {
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(percent_decode(f))),
        None => (url, None),
    };
    let rest = rest.split('?').next().unwrap_or("");
    let target = if rest.is_empty() {
        page_url.to_string()
    } else if rest.starts_with('/') {
        rest.to_string()
    } else {
        let dir = &page_url[..page_url.rfind('/').unwrap() + 1];
        format!("{dir}{rest}")
    };
    let target = normalise(&percent_decode(&target)).ok_or("goes above the site root")?;
    let base_path = b.base_path();
    let inside = target
        .strip_prefix(base_path)
        .filter(|r| r.starts_with('/'))
        .ok_or_else(|| format!("outside the base path {base_path}/"))?;
    let mut file = b.dir.join(inside.trim_start_matches('/'));
    if inside.ends_with('/') {
        file = file.join("index.html");
    } else if file.is_dir() {
        return Err("a folder without a trailing slash".into());
    }
    if !file.is_file() {
        return Err(format!("no file {}", file.display()));
    }
    if let Some(frag) = fragment.filter(|f| !f.is_empty())
        && let Some(html) = pages.get(&file)
    {
        let ids = id_cache.entry(file.clone()).or_insert_with(|| ids(html));
        if !ids.contains(&frag) {
            return Err(format!("no id=\"{frag}\" in the target page"));
        }
    }
    Ok(())
}

#[test]
fn internal_links_and_anchors_resolve() {
    let started = Instant::now();
    let mut report = Vec::new();
    for b in builds() {
        let (checked, broken) = broken_links(b);
        assert!(
            checked > 1000,
            "only {checked} links found in {}",
            b.base_url
        );
        eprintln!(
            "{}: {checked} internal links, {} broken",
            b.base_url,
            broken.len()
        );
        report.extend(broken.into_iter().map(|l| format!("[{}] {l}", b.base_url)));
    }
    eprintln!("link check took {:.1} s", started.elapsed().as_secs_f64());
    assert!(
        report.is_empty(),
        "{} broken internal links:\n{}",
        report.len(),
        report.join("\n")
    );
}

#[test]
fn the_link_checker_finds_broken_links() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::write(
        dir.join("index.html"),
        r##"<a href="/p/a/#x">ok</a> <a href="/p/a/#nope">bad anchor</a> <a href="a/">ok</a>
<a href="/p/missing/">missing</a> <a href="/a/">outside the base path</a> <a href="/p/a">no slash</a>
<a href="https://elsewhere.org/">external</a> <a href="mailto:x@y.z">mail</a> <img src="../../x.png">"##,
    )
    .unwrap();
    std::fs::write(dir.join("a/index.html"), r#"<h2 id="x">X</h2>"#).unwrap();
    let b = Built {
        dir,
        base_url: "https://e.org/p/",
    };
    let (checked, broken) = broken_links(&b);
    assert_eq!(checked, 7, "{broken:?}");
    let reasons: Vec<String> = broken
        .iter()
        .map(|l| {
            l.rsplit_once(" (")
                .unwrap()
                .1
                .trim_end_matches(')')
                .to_string()
        })
        .collect();
    let missing = format!("no file {}", b.dir.join("missing/index.html").display());
    assert_eq!(
        reasons,
        [
            "no id=\"nope\" in the target page",
            &missing,
            "outside the base path /p/",
            "a folder without a trailing slash",
            "goes above the site root",
        ]
    );
}

// --------------------------------------------------------------------------- accessibility

/// Serves `dir` at `prefix` (`""` or `/haven-site`) on 127.0.0.1 with the `_headers` CSP:
/// pretty URLs, `404.html` for anything missing. Returns the port; the server lives until the
/// test process ends.
fn serve(dir: PathBuf, prefix: String) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().unwrap().port();
    let csp = haven::output::headers::CONTENT_SECURITY_POLICY;
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            let prefix = prefix.clone();
            std::thread::spawn(move || respond(stream, &dir, &prefix, csp));
        }
    });
    port
}

fn respond(mut stream: TcpStream, dir: &Path, prefix: &str, csp: &str) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line.trim().is_empty() => break,
            Ok(_) => {}
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    let path = percent_decode(path.split('?').next().unwrap_or("/"));
    let file = path
        .strip_prefix(prefix)
        .filter(|p| p.starts_with('/') && !p.contains(".."))
        .map(|p| {
            let f = dir.join(p.trim_start_matches('/'));
            if p.ends_with('/') {
                f.join("index.html")
            } else {
                f
            }
        })
        .filter(|f| f.is_file());
    let (status, file) = match file {
        Some(f) => ("200 OK", f),
        None => ("404 Not Found", dir.join("404.html")),
    };
    let body = std::fs::read(&file).unwrap_or_default();
    let kind = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("xml") => "application/xml",
        _ => "application/octet-stream",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nContent-Security-Policy: {csp}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

/// Pages to check: (name, path below the base path, a JavaScript condition to wait for).
const PAGES: &[(&str, &str, &str)] = &[
    ("home", "/", "true"),
    ("section", "/articles/", "true"),
    (
        "article with a prominent crisis notice",
        "/articles/helping-someone-who-mentions-suicide/",
        "document.querySelector('.crisis-notice-prominent[data-haven=crisis-notice]')",
    ),
    ("taxonomy list", "/tags/", "true"),
    ("taxonomy term", "/tags/anxiety/", "true"),
    (
        "search with a crisis word",
        "/search/?q=suicide",
        "document.getElementById('search').dataset.ready === 'true' && !document.getElementById('search-crisis').hidden",
    ),
    (
        "search with results",
        "/search/?q=sleep",
        "document.getElementById('search').dataset.ready === 'true' && document.querySelectorAll('.search-result').length > 0",
    ),
    ("Get Help", "/get-help/", "true"),
    (
        "404",
        "/no-such-page/",
        "document.title.includes('not found')",
    ),
];

const AXE_RUN: &str = r#"(async () => {
  const r = await axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"] },
    resultTypes: ["violations"],
  });
  return JSON.stringify({
    violations: r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({ target: n.target.join(" "), summary: n.failureSummary })),
    })),
    csp: window.__cspViolations || [],
  });
})()"#;

#[test]
fn axe_finds_no_violations_in_light_and_dark_mode() {
    let axe = std::fs::read_to_string(tools().join("node_modules/axe-core/axe.min.js"))
        .expect("axe.min.js");
    let started = Instant::now();
    let mut browser = chromium::Browser::start();
    // Record Content-Security-Policy violations from the first script on.
    browser.call("Page.enable", json!({}));
    browser.call(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"}),
    );
    let problems = Mutex::new(Vec::new());
    let mut runs = 0;
    for b in builds() {
        let port = serve(b.dir.clone(), b.base_path().to_string());
        for scheme in ["light", "dark"] {
            browser.emulate_color_scheme(scheme);
            for (name, path, ready) in PAGES {
                let url = format!("http://127.0.0.1:{port}{}{path}", b.base_path());
                browser.navigate(&url);
                browser.wait_for(ready, &format!("{name} ({url}) to be ready"));
                if browser.eval("typeof axe") != json!("object") {
                    browser.eval(&axe);
                }
                let result = browser.eval(AXE_RUN);
                let result: serde_json::Value =
                    serde_json::from_str(result.as_str().expect("axe result")).unwrap();
                runs += 1;
                let mut problems = problems.lock().unwrap();
                for v in result["violations"].as_array().unwrap() {
                    let nodes: Vec<String> = v["nodes"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|n| {
                            format!(
                                "      {}\n        {}",
                                n["target"].as_str().unwrap_or(""),
                                n["summary"]
                                    .as_str()
                                    .unwrap_or("")
                                    .replace('\n', "\n        ")
                            )
                        })
                        .collect();
                    problems.push(format!(
                        "{name}, {scheme} mode, {url}\n  {} ({}): {} — {}\n{}",
                        v["id"].as_str().unwrap_or(""),
                        v["impact"].as_str().unwrap_or(""),
                        v["help"].as_str().unwrap_or(""),
                        v["helpUrl"].as_str().unwrap_or(""),
                        nodes.join("\n")
                    ));
                }
                for c in result["csp"].as_array().unwrap() {
                    problems.push(format!(
                        "{name}, {scheme} mode, {url}\n  Content-Security-Policy violation: {c}"
                    ));
                }
            }
        }
    }
    eprintln!(
        "axe: {runs} page checks in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let problems = problems.into_inner().unwrap();
    assert!(
        problems.is_empty(),
        "axe-core found {} problems:\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

/// The search page itself: crisis words put the Get Help page first, every query word must
/// match, `?q=` is read, and the result count is announced in a polite live region.
#[test]
fn search_page_puts_get_help_first_for_crisis_words() {
    let b = &builds()[1];
    let port = serve(b.dir.clone(), b.base_path().to_string());
    let mut browser = chromium::Browser::start();
    let results = |browser: &mut chromium::Browser, q: &str| -> (Vec<String>, String, bool) {
        browser.navigate(&format!(
            "http://127.0.0.1:{port}{}/search/?q={q}",
            b.base_path()
        ));
        browser.wait_for(
            "document.getElementById('search').dataset.ready === 'true'",
            "the search index",
        );
        let urls = browser.eval(
            "JSON.stringify([...document.querySelectorAll('.search-result a')].map(a => a.getAttribute('href')))",
        );
        let urls: Vec<String> = serde_json::from_str(urls.as_str().unwrap()).unwrap();
        let status = browser
            .eval("document.getElementById('search-status').textContent")
            .as_str()
            .unwrap()
            .to_string();
        let crisis =
            browser.eval("!document.getElementById('search-crisis').hidden") == json!(true);
        (urls, status, crisis)
    };
    let help = format!("{}/get-help/", b.base_path());
    for q in [
        "suicide",
        "kill%20myself",
        "Crisis",
        "self-harm",
        "suicidal%20thoughts",
    ] {
        let (urls, status, crisis) = results(&mut browser, q);
        assert_eq!(urls.first(), Some(&help), "{q}: {urls:?}");
        assert!(crisis, "{q}: no crisis box");
        assert!(
            status.contains("Get Help page is listed first"),
            "{q}: {status}"
        );
        assert_eq!(
            urls.iter().filter(|u| **u == help).count(),
            1,
            "{q}: {urls:?}"
        );
    }
    let (urls, status, crisis) = results(&mut browser, "sleep");
    assert!(!crisis);
    assert!(
        urls.first()
            .is_some_and(|u| u.contains("/articles/sleep-and-mood/")),
        "{urls:?}"
    );
    assert_eq!(status, format!("{} results for “sleep”.", urls.len()));
    let (urls, status, _) = results(&mut browser, "sleep%20zzzqqq");
    assert!(urls.is_empty(), "every word must match: {urls:?}");
    assert!(status.starts_with("No results"), "{status}");
    assert_eq!(
        browser.eval("document.getElementById('search-status').getAttribute('aria-live')"),
        json!("polite")
    );
    // Without JavaScript the page explains itself and offers links; the header box is a form.
    let html = std::fs::read_to_string(b.dir.join("search/index.html")).unwrap();
    assert!(html.contains("id=\"search-nojs\""));
    assert!(html.contains(&format!("href=\"{help}\"")));
    let home = std::fs::read_to_string(b.dir.join("index.html")).unwrap();
    assert!(home.contains(&format!(
        "<form class=\"site-search\" action=\"{}/search/\" method=\"get\" role=\"search\"",
        b.base_path()
    )));
}
