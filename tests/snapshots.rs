//! Snapshots of key rendered pages and a fingerprint of a whole small site's output.
//!
//! The output must stay byte-identical unless a change means to alter it (performance work in
//! particular). After an intended change, run
//! `HAVEN_UPDATE_SNAPSHOTS=1 cargo test --test snapshots` and review the diff of
//! `tests/snapshots/`.

mod common;
use common::{Fixture, snapshot};
use sha2::{Digest, Sha256};
use std::path::Path;

fn updating() -> bool {
    std::env::var_os("HAVEN_UPDATE_SNAPSHOTS").is_some()
}

#[track_caller]
fn assert_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if updating() {
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!("no snapshot {name}; run HAVEN_UPDATE_SNAPSHOTS=1 cargo test --test snapshots")
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map(|i| i + 1)
            .unwrap_or(expected.lines().count().min(actual.lines().count()) + 1);
        panic!(
            "{name} differs from the snapshot from line {line}:\n  expected: {:?}\n  actual:   {:?}\n(if intended: HAVEN_UPDATE_SNAPSHOTS=1 cargo test --test snapshots)",
            expected.lines().nth(line - 1).unwrap_or(""),
            actual.lines().nth(line - 1).unwrap_or("")
        );
    }
}

fn built_fixture() -> Fixture {
    let f = Fixture::new();
    f.write(
        "content/articles/hard.md",
        &common::ARTICLE
            .replace("title: \"Sleep and mood\"", "title: \"Hard days\"")
            .replace("tags: [sleep, mood]", "content_warnings: [suicide, substance-use]\nreferences: [\"A reference, 2024.\"]")
            .replace(
                "Sleep and mood are linked.",
                "Thoughts of suicide and alcohol use can be linked.\n\n> [!TIP]\n> Reach out early.\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\nA note[^1].\n\n[^1]: The note.",
            ),
    );
    f.build().assert_ok();
    f
}

#[test]
fn key_pages_match_their_snapshots() {
    let f = built_fixture();
    for (page, name) in [
        ("articles/hard/index.html", "article-prominent.html"),
        (
            "articles/grounding/index.html",
            "article-standard-shortcodes.html",
        ),
        ("articles/index.html", "section.html"),
        ("get-help/index.html", "help.html"),
        ("tags/sleep/index.html", "taxonomy-term.html"),
        ("index.html", "home.html"),
    ] {
        assert_snapshot(name, &f.read(&format!("public/{page}")));
    }
}

#[test]
fn a_small_sites_whole_output_is_unchanged() {
    let f = built_fixture();
    let files = snapshot(&f.path("public"));
    let mut listing = String::new();
    for (path, bytes) in &files {
        let digest = Sha256::digest(bytes);
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        listing.push_str(&format!("{hex}  {}\n", path.display()));
    }
    assert_snapshot("fixture-output.sha256", &listing);
}

#[test]
fn a_card_without_a_heading_level_gets_the_default() {
    let f = Fixture::new();
    // A site's own listing that shows the newest articles with the theme's card partial, once
    // with the level it documents as optional and once with it set.
    f.write(
        "templates/index.html",
        "{% extends \"base.html\" %}{% block content %}\
         {% for p in recent %}{% include \"partials/card.html\" %}{% endfor %}\
         {% set card_level = 2 %}{% for p in recent %}{% include \"partials/card.html\" %}{% endfor %}\
         {% endblock content %}",
    );
    f.build().assert_ok();
    let home = f.read("public/index.html");
    // The fixture's two articles, each listed twice.
    assert_eq!(
        home.matches("<h3 class=\"card-title\">").count(),
        2,
        "{home}"
    );
    assert_eq!(
        home.matches("<h2 class=\"card-title\">").count(),
        2,
        "{home}"
    );
}
