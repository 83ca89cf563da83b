//! The safety layer: `haven check` diagnostics (each code with a positive and a negative case),
//! its JSON output and exit codes, and what articles show readers.

mod common;
use common::{ARTICLE, Fixture};
use serde_json::Value;

fn check_json(f: &Fixture, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["check", "--format", "json", "--today", "2026-06-01"];
    args.extend_from_slice(extra);
    let r = f.haven(&args);
    let v: Value = serde_json::from_str(&r.stdout())
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout(), r.stderr()));
    (r.code(), v)
}

fn codes(v: &Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn with_body(body: &str, front_extra: &str) -> String {
    ARTICLE.replace(
        "tags: [sleep, mood]\n---\nSleep and mood are linked.",
        &format!("tags: [sleep, mood]\n{front_extra}---\n{body}"),
    )
}

#[test]
fn clean_fixture_passes_with_exit_code_zero() {
    let f = Fixture::new();
    let (code, v) = check_json(&f, &["--deny-warnings"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(v["summary"]["warnings"], 0);
    assert_eq!(v["summary"]["passed"], true);
    let articles = v["summary"]["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 2);
    let sleep = articles
        .iter()
        .find(|a| a["file"] == "content/articles/sleep.md")
        .unwrap();
    assert_eq!(sleep["crisis_level"], "standard");
    assert_eq!(sleep["review_age_days"], 91);
    assert!(sleep["grade"].is_number());
}

#[test]
fn json_diagnostics_have_every_field() {
    let f = Fixture::new();
    f.write(
        "content/articles/sleep.md",
        &with_body("I drank alcohol most nights last year.", ""),
    );
    let (code, v) = check_json(&f, &[]);
    assert_eq!(code, 0, "warnings alone pass without --deny-warnings");
    let d = &v["diagnostics"][0];
    for key in [
        "code",
        "severity",
        "file",
        "line",
        "column",
        "message",
        "suggestion",
    ] {
        assert!(d.get(key).is_some(), "missing {key} in {d}");
    }
    assert_eq!(d["code"], "undeclared-topic");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["file"], "content/articles/sleep.md");
    assert_eq!(d["line"], 11);
    assert_eq!(d["column"], 9);
    assert!(
        d["suggestion"]
            .as_str()
            .unwrap()
            .contains("`substance-use`")
    );
    let (code, _) = check_json(&f, &["--deny-warnings"]);
    assert_eq!(code, 1);
}

#[test]
fn an_undeclared_high_risk_topic_is_an_error_that_stops_the_build() {
    let f = Fixture::new();
    f.write(
        "content/articles/sleep.md",
        &with_body("Last winter he took his own life.", ""),
    );
    let (code, v) = check_json(&f, &[]);
    assert_eq!(code, 1, "{v:#}");
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "undeclared-topic");
    assert_eq!(d["severity"], "error");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(11), Some(16))
    );
    assert!(d["message"].as_str().unwrap().contains("took his own life"));
    assert!(d["suggestion"].as_str().unwrap().contains("`suicide`"));
    f.build().assert_error(&[
        "error[undeclared-topic]",
        "content/articles/sleep.md:11:16",
        "add `suicide` to `content_warnings`",
    ]);
    assert!(!f.path("public").exists(), "a refused build writes nothing");
    // Declared: it builds.
    f.write(
        "content/articles/sleep.md",
        &with_body(
            "Last winter he took his own life.",
            "content_warnings: [suicide]\n",
        ),
    );
    f.build().assert_ok();
    // A site can lower the level per topic.
    f.write(
        "content/articles/sleep.md",
        &with_body("Last winter he took his own life.", ""),
    );
    f.write(
        "site.yaml",
        &common::SITE_YAML.replace(
            "      terms: [\"suicid*\", \"kill myself\"]",
            "      terms: [\"suicid*\", \"kill myself\"]\n      undeclared: warning",
        ),
    );
    let (code, v) = check_json(&f, &[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["diagnostics"][0]["severity"], "warning");
}

#[test]
fn undeclared_topic_positive_and_negative() {
    let f = Fixture::new();
    // Declared: no warning.
    f.write(
        "content/articles/sleep.md",
        &with_body(
            "Thoughts of suicide can pass.",
            "content_warnings: [suicide]\n",
        ),
    );
    assert!(!codes(&check_json(&f, &[]).1).contains(&"undeclared-topic".to_string()));
    // False-positive traps: a URL, inline code, a code block, a link target.
    f.write(
        "content/articles/sleep.md",
        &with_body(
            "See https://example.org/suicide-prevention and `alcohol`.\n\n```\nsuicide\n```\n\n[a page](https://x.org/alcohol-help)",
            "",
        ),
    );
    let (_, v) = check_json(&f, &[]);
    assert!(codes(&v).is_empty(), "{v:#}");
    // Inflected form in prose is caught.
    f.write(
        "content/articles/sleep.md",
        &with_body("He stopped drinking alcohol.", ""),
    );
    let (_, v) = check_json(&f, &[]);
    assert_eq!(codes(&v), ["undeclared-topic"]);
    assert!(
        v["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("substance use")
    );
}

#[test]
fn unknown_topic_is_an_error_in_check_and_build() {
    let f = Fixture::new();
    f.write(
        "content/articles/sleep.md",
        &with_body("Text.", "content_warnings: [suicde]\n"),
    );
    let (code, v) = check_json(&f, &[]);
    assert_eq!(code, 1);
    assert!(codes(&v).contains(&"unknown-topic".to_string()));
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "unknown-topic")
        .unwrap();
    assert_eq!(d["line"], 10);
    let s = d["suggestion"].as_str().unwrap();
    assert!(
        s.contains("did you mean `suicide`") && s.contains("substance-use"),
        "{s}"
    );
    f.build()
        .assert_error(&["error[unknown-topic]", "content/articles/sleep.md:10:1"]);
    // Negative: a known key is fine.
    f.write(
        "content/articles/sleep.md",
        &with_body("Text.", "content_warnings: [suicide]\n"),
    );
    assert_eq!(check_json(&f, &[]).0, 0);
}

#[test]
fn unsafe_phrase_positive_negative_and_allowed_quote() {
    let f = Fixture::new();
    f.write(
        "content/articles/sleep.md",
        &with_body(
            "Her uncle committed suicide in 1990.",
            "content_warnings: [suicide]\n",
        ),
    );
    let (_, v) = check_json(&f, &[]);
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "unsafe-phrase")
        .expect("unsafe-phrase");
    assert!(
        d["suggestion"]
            .as_str()
            .unwrap()
            .contains("died by suicide")
    );
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(12), Some(11))
    );
    // Recommended language passes.
    f.write(
        "content/articles/sleep.md",
        &with_body(
            "Her uncle died by suicide in 1990.",
            "content_warnings: [suicide]\n",
        ),
    );
    assert!(codes(&check_json(&f, &[]).1).is_empty());
    // A quotation can be allowed explicitly.
    f.write(
        "content/articles/sleep.md",
        &with_body(
            "<!-- haven:allow unsafe-phrase -->\n> \"He committed suicide,\" the old report said.\n\nWe say died by suicide.",
            "content_warnings: [suicide]\n",
        ),
    );
    assert!(codes(&check_json(&f, &[]).1).is_empty());
    // safe_messaging: error makes it fail the build.
    f.write(
        "content/articles/sleep.md",
        &with_body(
            "Her uncle committed suicide.",
            "content_warnings: [suicide]\n",
        ),
    );
    f.write(
        "site.yaml",
        &common::SITE_YAML.replace("  disclaimer:", "  safe_messaging: error\n  disclaimer:"),
    );
    f.build()
        .assert_error(&["error[unsafe-phrase/committed-suicide]", "died by suicide"]);
}

#[test]
fn stale_and_missing_reviews() {
    let f = Fixture::new();
    // Reviewed 2026-03-02; stale a year later.
    let (_, v) = check_json(&f, &[]);
    assert!(!codes(&v).contains(&"stale-review".to_string()));
    let r = f.haven(&["check", "--format", "json", "--today", "2027-06-01"]);
    let v: Value = serde_json::from_str(&r.stdout()).unwrap();
    assert!(codes(&v).contains(&"stale-review".to_string()), "{v:#}");
    // grounding.md has no reviewer: fine until the site requires one.
    assert!(!codes(&v).contains(&"missing-review".to_string()));
    f.write(
        "site.yaml",
        &common::SITE_YAML.replace("require_reviewer: false", "require_reviewer: true"),
    );
    let (_, v) = check_json(&f, &[]);
    let missing: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "missing-review")
        .collect();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["file"], "content/articles/grounding.md");
}

#[test]
fn readability_positive_and_negative() {
    let f = Fixture::new();
    let dense = "Notwithstanding considerable interindividual heterogeneity, psychophysiological dysregulation consistently demonstrates multidimensional associations with circadian misalignment, necessitating comprehensive individualized therapeutic interventions incorporating pharmacological considerations.";
    f.write("content/articles/sleep.md", &with_body(dense, ""));
    let (_, v) = check_json(&f, &[]);
    assert!(codes(&v).contains(&"readability".to_string()), "{v:#}");
    f.write(
        "content/articles/sleep.md",
        &with_body("Sleep helps. Rest when you can. Be kind to yourself.", ""),
    );
    assert!(!codes(&check_json(&f, &[]).1).contains(&"readability".to_string()));
    // The text table shows grades.
    let r = f.haven(&["check", "--today", "2026-06-01"]);
    assert!(
        r.stdout().contains("grade / ease") && r.stdout().contains("articles/sleep.md"),
        "{}",
        r.stdout()
    );
}

#[test]
fn a_site_without_crisis_resources_cannot_build() {
    let f = Fixture::new();
    let yaml = common::SITE_YAML;
    let start = yaml.find("  regions:").unwrap();
    let end = yaml.find("  topics:").unwrap();
    f.write("site.yaml", &format!("{}{}", &yaml[..start], &yaml[end..]));
    f.build()
        .assert_error(&["error[no-crisis-resources]", "site.yaml"]);
    let (code, v) = check_json(&f, &[]);
    assert_eq!(code, 1);
    assert!(codes(&v).contains(&"no-crisis-resources".to_string()));
    f.write(
        "site.yaml",
        &yaml.replace("help_page: get-help", "help_page: \"\""),
    );
    f.build().assert_error(&["error[missing-help-page]"]);
}

#[test]
fn articles_show_warnings_crisis_notices_and_the_help_link() {
    let f = Fixture::new();
    f.write(
        "content/articles/hard.md",
        &ARTICLE
            .replace("title: \"Sleep and mood\"", "title: \"Hard days\"")
            .replace(
                "tags: [sleep, mood]",
                "content_warnings: [suicide, substance-use]",
            )
            .replace(
                "Sleep and mood are linked.",
                "Thoughts of suicide and alcohol use can be linked.",
            ),
    );
    f.build().assert_ok();
    let hard = f.read("public/articles/hard/index.html");
    // Content warning before the body, naming topics in natural language.
    let warning = hard
        .find("data-haven=\"content-warning\"")
        .expect("content warning");
    let body = hard.find("Thoughts of suicide").expect("body");
    assert!(warning < body);
    assert!(hard.contains("suicide and substance use"), "natural list");
    // High-risk topic → prominent notice, before and after the body, with working links.
    assert_eq!(hard.matches("data-haven=\"crisis-notice\"").count(), 2);
    assert!(hard.contains("href=\"tel:988\""));
    assert!(hard.contains("href=\"sms:988\""));
    assert!(hard.contains("https://988lifeline.org/chat/"));
    // Byline, disclaimer, disclosure.
    assert!(hard.contains("Dr. Sam Reviewer, PhD"));
    assert!(hard.contains("Not a substitute for professional care."));
    assert!(hard.contains("Run by the Test Team."));
    // A standard article: one compact notice, no content warning.
    let sleep = f.read("public/articles/sleep/index.html");
    assert_eq!(sleep.matches("data-haven=\"crisis-notice\"").count(), 1);
    assert!(!sleep.contains("data-haven=\"content-warning\""));
    assert!(sleep.contains("tel:988"));
    // Every page links to the help page in the header.
    for page in [
        "index.html",
        "about/index.html",
        "articles/index.html",
        "tags/index.html",
        "404.html",
    ] {
        let html = f.read(&format!("public/{page}"));
        let header_end = html.find("</header>").unwrap_or(0);
        assert!(html[..header_end].contains("href=\"/get-help/\""), "{page}");
    }
    // The Get Help page lists every region with tel:/sms: links.
    let help = f.read("public/get-help/index.html");
    assert!(
        help.contains("United States")
            && help.contains("tel:911")
            && help.contains("tel:988")
            && help.contains("sms:988")
    );
}

#[test]
fn a_theme_that_drops_the_crisis_notice_fails_the_build() {
    let f = Fixture::new();
    f.write(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}<article>{{ page.content | safe }}</article>{% endblock content %}\n",
    );
    f.build().assert_error(&[
        "error[missing-safety-slot]",
        "templates/article.html",
        "crisis notice",
    ]);
}

#[test]
fn the_example_site_passes_check_with_deny_warnings() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = common::run(root, &["check", "--deny-warnings", "--today", "2026-11-26"]);
    assert_eq!(r.code(), 0, "{}\n{}", r.stdout(), r.stderr());
}

#[test]
fn every_phone_and_text_link_on_the_example_site_is_dialable() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    common::run(root, &["build", "--output", out.to_str().unwrap()]).assert_ok();
    let help = std::fs::read_to_string(out.join("get-help/index.html")).unwrap();
    // Ireland's emergency number is written "112 or 999": its link dials the first.
    assert!(help.contains("href=\"tel:112\""), "no tel:112 link");
    for page in [
        "get-help/index.html",
        "articles/helping-someone-who-mentions-suicide/index.html",
    ] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        for scheme in ["tel:", "sms:"] {
            for part in html.split(&format!("href=\"{scheme}")).skip(1) {
                let target = &part[..part.find('"').unwrap()];
                let number = target.split('?').next().unwrap();
                assert!(
                    !number.is_empty()
                        && number
                            .chars()
                            .enumerate()
                            .all(|(i, c)| c.is_ascii_digit() || (i == 0 && c == '+')),
                    "{page}: {scheme}{target} is not dialable"
                );
            }
        }
    }
}

/// `haven check` loads the site without making HTML; its findings must be those of a build.
#[test]
fn a_checks_only_load_finds_what_a_full_load_finds() {
    use haven::site::{LoadOptions, Site};
    let f = Fixture::new();
    f.write(
        "content/articles/old.md",
        &common::ARTICLE
            .replace("Sleep and mood\"", "Old\"")
            .replace("reviewed: 2026-03-02", "reviewed: 2020-01-01")
            .replace(
                "Sleep and mood are linked.",
                "He committed suicide. It felt like a cry for help.",
            ),
    );
    let load = |checks_only| {
        Site::load(&LoadOptions {
            root: f.root().to_path_buf(),
            checks_only,
            today: Some("2026-11-27".parse().unwrap()),
            ..Default::default()
        })
        .expect("loads")
    };
    let (full, checks) = (load(false), load(true));
    let report = |site: &Site| format!("{:?}", (&site.warnings, haven::check::check_site(site)));
    assert_eq!(report(&checks), report(&full));
    assert!(report(&full).contains("unsafe-phrase") && report(&full).contains("stale-review"));
    assert!(full.pages.iter().any(|p| !p.rendered.html.is_empty()));
    assert!(checks.pages.iter().all(|p| p.rendered.html.is_empty()));
}

#[test]
fn the_text_report_is_an_aligned_table_of_articles() {
    let f = Fixture::new();
    let r = f.haven(&["check", "--today", "2026-06-01"]);
    assert_eq!(r.code(), 0, "{}\n{}", r.stdout(), r.stderr());
    let out = r.stdout();
    let lines: Vec<&str> = out.lines().collect();
    let header = lines[0];
    assert!(header.starts_with("article  "), "{out}");
    let column = |name: &str| header.find(name).unwrap_or_else(|| panic!("{name}: {out}"));
    let (topics, notice, age, grade) = (
        column("topics"),
        column("crisis notice"),
        column("review age"),
        column("grade / ease"),
    );
    // One row per article, every cell starting under its heading, no trailing spaces.
    let rows: Vec<&str> = lines[1..]
        .iter()
        .copied()
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(rows.len(), 2, "{out}");
    for row in &rows {
        assert!(row.starts_with("articles/"), "{row}");
        for at in [topics, notice, age, grade] {
            assert!(
                row[..at].ends_with("  ") && !row[at..].starts_with(' '),
                "{row}"
            );
        }
        assert_eq!(row.trim_end(), *row);
    }
    assert!(rows.iter().any(|r| r.starts_with("articles/sleep.md")));
    assert!(
        lines
            .last()
            .is_some_and(|l| l.starts_with("Check passed: 2 articles"))
    );
}
