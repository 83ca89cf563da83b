//! Hostile content: size and nesting bombs get a located error from both `haven build` and
//! `haven check` (exit code 1, no panic, no crash), quickly, and the previously built `public/`
//! stays byte-for-byte as it was.

mod common;
use common::{ARTICLE, Fixture, snapshot};
use std::time::{Duration, Instant};

/// Builds the fixture, breaks it with `change`, and checks that `build` and `check` both fail
/// with every needle in their messages, within `seconds`, leaving `public/` as it was.
fn assert_rejected(change: impl FnOnce(&Fixture), needles: &[&str]) {
    let f = Fixture::new();
    f.build().assert_ok();
    let before = snapshot(&f.path("public"));
    change(&f);
    for command in ["build", "check"] {
        let start = Instant::now();
        let run = f.haven(&[command]);
        run.assert_error(needles);
        // Far above the time these take (well under a second each), far below what the
        // unguarded inputs took (minutes, or a crash after exhausting memory).
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{command} took {:?}",
            start.elapsed()
        );
    }
    assert_eq!(snapshot(&f.path("public")), before, "public/ changed");
}

fn article_with(front_extra: &str, body: &str) -> String {
    ARTICLE.replace(
        "tags: [sleep, mood]\n---\nSleep and mood are linked.",
        &format!("tags: [sleep, mood]\n{front_extra}---\n{body}"),
    )
}

#[test]
fn too_many_tags() {
    let tags: Vec<String> = (0..101).map(|i| format!("t{i}")).collect();
    assert_rejected(
        |f| {
            f.write(
                "content/articles/sleep.md",
                &ARTICLE.replace("[sleep, mood]", &format!("[{}]", tags.join(", "))),
            )
        },
        &[
            "error[too-many-items]",
            "`tags` has 101 items; a page may have at most 100",
            "content/articles/sleep.md:9:1",
        ],
    );
}

/// 100,000 tags grew the process to 11 GB before it aborted.
#[test]
fn a_hundred_thousand_tags() {
    let tags: Vec<String> = (0..100_000).map(|i| format!("t{i}")).collect();
    assert_rejected(
        |f| {
            f.write(
                "content/articles/sleep.md",
                &ARTICLE.replace("[sleep, mood]", &format!("[{}]", tags.join(", "))),
            )
        },
        &[
            "error[front-matter-too-large]",
            "content/articles/sleep.md:2:1",
        ],
    );
}

#[test]
fn too_many_aliases_and_long_lists_under_extra() {
    let aliases: Vec<String> = (0..101).map(|i| format!("/old/{i}/")).collect();
    assert_rejected(
        |f| {
            f.write(
                "content/articles/sleep.md",
                &article_with(&format!("aliases: [{}]\n", aliases.join(", ")), "Text.\n"),
            )
        },
        &[
            "error[too-many-items]",
            "`aliases` has 101 items",
            "content/articles/sleep.md:10:1",
        ],
    );
    let items = vec!["1"; 1001].join(", ");
    assert_rejected(
        |f| {
            f.write(
                "content/articles/sleep.md",
                &article_with(&format!("extra:\n  data: [{items}]\n"), "Text.\n"),
            )
        },
        &[
            "error[too-many-items]",
            "a list under `extra` has 1001 items",
            "content/articles/sleep.md:10:1",
        ],
    );
}

/// 10,000 nested block shortcodes overflowed the stack.
#[test]
fn deeply_nested_shortcodes() {
    let body = format!(
        "Intro.\n\n{}Deep.\n{}",
        "{% callout(kind=\"tip\") %}\n".repeat(10_000),
        "{% end %}\n".repeat(10_000)
    );
    assert_rejected(
        |f| f.write("content/articles/sleep.md", &article_with("", &body)),
        &[
            "error[shortcode-syntax]",
            "nested 33 levels deep; at most 32 are allowed",
            // The 33rd opening line: the body starts on line 11.
            "content/articles/sleep.md:45:1",
        ],
    );
}

/// Front matter nested 100,000 deep took 45 s, and the message blamed aliases.
#[test]
fn deeply_nested_front_matter() {
    let deep = format!("extra: {}1{}\n", "[".repeat(100_000), "]".repeat(100_000));
    assert_rejected(
        |f| f.write("content/articles/sleep.md", &article_with(&deep, "Text.\n")),
        &[
            "error[yaml-too-deep]",
            "more than 64 levels deep",
            "content/articles/sleep.md:10:",
        ],
    );
    let f = Fixture::new();
    f.write("content/articles/sleep.md", &article_with(&deep, "Text.\n"));
    let run = f.build();
    assert!(!run.stderr().contains("alias"), "{}", run.stderr());
}

#[test]
fn deeply_nested_site_yaml() {
    let deep = format!("extra: {}\n", "{a: ".repeat(50_000));
    assert_rejected(
        |f| f.write("site.yaml", &format!("{}{deep}", common::SITE_YAML)),
        &["error[yaml-too-deep]", "site.yaml:32:"],
    );
    // The source line is shown cut short, and no caret points past it.
    let f = Fixture::new();
    f.write("site.yaml", &format!("{}{deep}", common::SITE_YAML));
    let err = f.build().stderr();
    assert!(err.lines().all(|l| l.chars().count() < 200), "{err}");
}

#[test]
fn oversized_site_yaml() {
    let filler = format!("# {}\n", "x".repeat(100)).repeat(11_000);
    assert_rejected(
        |f| f.write("site.yaml", &format!("{}{filler}", common::SITE_YAML)),
        &[
            "error[file-too-large]",
            "site.yaml:1:1",
            "site.yaml is 1.1 MiB (the limit is 1.0 MiB)",
        ],
    );
}

#[test]
fn oversized_content_file() {
    let body = "A sentence of the article. ".repeat(17 * 1024 * 1024 / 27 + 1);
    assert_rejected(
        |f| f.write("content/articles/sleep.md", &article_with("", &body)),
        &[
            "error[file-too-large]",
            "content/articles/sleep.md:1:1",
            "(the limit is 16.0 MiB)",
        ],
    );
}

/// Bytes of every file below `dir`.
fn total_bytes(dir: &std::path::Path) -> usize {
    snapshot(dir).values().map(Vec::len).sum()
}

/// The tag pages and feeds of a page grow with its number of tags, not with its square: each
/// tag's feed lists at most 20 of the page's tags (and always that tag), the site's feed all.
#[test]
fn tag_output_grows_linearly_with_tags_per_page() {
    let site_with = |n: usize| {
        let f = Fixture::new();
        let tags: Vec<String> = (0..n).map(|i| format!("t{i}")).collect();
        f.write(
            "content/articles/sleep.md",
            &ARTICLE.replace("[sleep, mood]", &format!("[{}]", tags.join(", "))),
        );
        f.build().assert_ok();
        f
    };
    let (small, large) = (site_with(50), site_with(100));
    let (a, b) = (
        total_bytes(&small.path("public/tags")),
        total_bytes(&large.path("public/tags")),
    );
    // Twice the tags: about twice the bytes (the square would be four times).
    assert!(b < a * 23 / 10, "50 tags: {a} bytes, 100 tags: {b} bytes");

    let categories = |xml: &str| xml.matches("<category term=").count();
    let feed = large.read("public/tags/t99/atom.xml");
    assert_eq!(categories(&feed), 21, "{feed}");
    assert!(feed.contains("<category term=\"t99\"/>"));
    assert!(feed.contains("<category term=\"t19\"/>"));
    assert!(!feed.contains("<category term=\"t20\"/>"));
    assert_eq!(categories(&large.read("public/tags/t5/atom.xml")), 20);
    // The site's feed lists both articles with all their tags (100 and `anxiety`).
    assert_eq!(categories(&large.read("public/atom.xml")), 101);
}

/// A paragraph of megabytes without a full stop scored "reading grade 817885.5": the grade is
/// capped and the warning says why it is so high.
#[test]
fn a_paragraph_without_sentence_ends_gets_an_explained_grade() {
    let f = Fixture::new();
    let endless = "and then we walked on ".repeat(100_000);
    f.write("content/articles/sleep.md", &article_with("", &endless));
    let run = f.haven(&["check", "--format", "json", "--today", "2026-06-01"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout()).expect("JSON");
    let warning = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "readability")
        .unwrap_or_else(|| panic!("{v:#}"));
    let message = warning["message"].as_str().unwrap();
    assert!(
        message.starts_with("reading grade 20.0 or more is above the site's maximum of 8")
            && message
                .contains("500008 words in 4 sentences, so most sentence ends were not found"),
        "{message}"
    );
    assert!(
        warning["suggestion"]
            .as_str()
            .unwrap()
            .contains("full stop")
    );
    let sleep = v["summary"]["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["file"] == "content/articles/sleep.md")
        .unwrap();
    assert_eq!(sleep["grade"], 20.0);
    assert_eq!(sleep["reading_ease"], 0.0);
}

/// 50,000 errors printed 11 MB: the terminal gets the first of each code and file and a count
/// of the rest; `haven check --format json` still lists every one. (1,000 errors here: the
/// same cut, in a fraction of the time.)
#[test]
fn thousands_of_errors_print_a_sample_and_a_count() {
    let f = Fixture::new();
    let links: String = (0..50)
        .map(|i| format!("[x](missing-{i}.md)\n\n"))
        .collect();
    for n in 0..20 {
        f.write(
            &format!("content/articles/bulk-{n:03}.md"),
            &article_with("", &links),
        );
    }
    for command in ["build", "check"] {
        let run = f.haven(&[command]);
        run.assert_error(&[
            "error[broken-link]",
            "note: 950 more not shown (950 error[broken-link]); `haven check --format json` lists every one.",
        ]);
        let err = run.stderr();
        assert_eq!(err.matches("error[broken-link]:").count(), 50, "{command}");
        assert!(err.len() < 64 * 1024, "{command}: {} bytes", err.len());
    }
    // One file's problems do not crowd out the others'.
    let run = f.build();
    assert_eq!(
        run.stderr()
            .matches("--> content/articles/bulk-000.md")
            .count(),
        10
    );
    let run = f.haven(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout()).expect("JSON");
    assert_eq!(v["summary"]["errors"], 1_000);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 1_000);
}

/// 20,000 shortcodes on one page took 4 s and 100,000 would have taken minutes: each call's
/// output was put in place by searching the whole page again.
#[test]
fn shortcode_heavy_pages_build_in_time_linear_in_their_size() {
    let f = Fixture::new();
    f.build().assert_ok();
    let body = "{% callout(kind=\"tip\") %}\nStep.\n{% end %}\n".repeat(20_000);
    f.write("content/articles/sleep.md", &article_with("", &body));
    let start = Instant::now();
    f.build().assert_ok();
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    let html = f.read("public/articles/sleep/index.html");
    assert_eq!(html.matches("<p>Step.</p>").count(), 20_000);
    assert!(!html.contains("haven:sc:"));
}

/// Broken links and anchors by the thousand: each "did you mean" compared the name with every
/// page or heading, and each message listed every heading of the page (10,000 broken anchors
/// to a page with 2,000 headings: minutes, and hundreds of megabytes of messages).
#[test]
fn thousands_of_broken_anchors_are_reported_quickly() {
    let f = Fixture::new();
    let headings: String = (0..2_000).map(|i| format!("## Part {i}\n\n")).collect();
    let links: String = (0..10_000)
        .map(|i| format!("[x](#nowhere-{i})\n"))
        .collect();
    f.write(
        "content/articles/sleep.md",
        &article_with("", &format!("{headings}{links}")),
    );
    let start = Instant::now();
    let run = f.haven(&["check", "--format", "json"]);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(run.code(), 1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout()).expect("JSON");
    let anchors: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "broken-anchor")
        .collect();
    assert_eq!(anchors.len(), 10_000);
    let last = anchors[9_999]["suggestion"].as_str().unwrap();
    assert!(
        last.starts_with("its headings are: #part-0, #part-1") && last.ends_with("and 1981 more"),
        "{last}"
    );
    f.build()
        .assert_error(&["error[broken-anchor]", "note: 9990 more not shown"]);
}
