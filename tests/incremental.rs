//! Incremental rebuilds in the live preview must always equal a clean build of the same files.
//! Random edit sequences (seeded, so failures reproduce) are applied one by one; after each, the
//! preview's output is compared file by file with a fresh `haven build` of the same folder.

mod common;
use common::Fixture;
use haven::build::{Output, render_site};
use haven::check::check_site;
use haven::preview::{Preview, Rebuilt};
use haven::site::{LoadOptions, Reuse, Site};
use haven::watch::Changes;
use std::collections::BTreeMap;

/// A tiny deterministic generator (xorshift64*), so no dependency is needed for randomness.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn article(title: &str, date: &str, tags: &[&str], body: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndescription: \"About {title}.\"\ndate: {date}\nauthor: \"A\"\ntags: [{}]\n---\n{body}\n",
        tags.join(", ")
    )
}

/// Options to load the fixture's site as `haven serve` does by default.
fn load_options(f: &Fixture) -> LoadOptions {
    LoadOptions {
        root: f.root().to_path_buf(),
        ..Default::default()
    }
}

fn bytes(output: &Output) -> BTreeMap<String, Vec<u8>> {
    output
        .files
        .iter()
        .map(|(k, v)| (k.to_string(), v.bytes().expect("read").into_owned()))
        .collect()
}

fn assert_same_as_clean(f: &Fixture, preview: &Preview, step: &str) {
    let site = Site::load(&preview.options).unwrap_or_else(|e| panic!("{step}: {e:?}"));
    let (clean, _) = render_site(&site).unwrap_or_else(|e| panic!("{step}: {e:?}"));
    let (a, b) = (bytes(&preview.output), bytes(&clean));
    let only_a: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "{step}: extra {only_a:?}, missing {only_b:?}"
    );
    for (k, v) in &a {
        assert!(
            v == &b[k],
            "{step}: {k} differs from a clean build ({})",
            f.root().display()
        );
    }
    assert_eq!(
        format!("{:?}", preview.site.warnings),
        format!("{:?}", site.warnings),
        "{step}: the load warnings differ from a clean load"
    );
    // Checks made while loading are reused for unchanged pages: they must match too.
    assert_eq!(
        format!("{:?}", check_site(&preview.site)),
        format!("{:?}", check_site(&site)),
        "{step}: the safety checks differ from a clean load"
    );
}

const TITLES: &[&str] = &["Alpha", "Bravo", "Charlie", "Delta", "Echo"];
const TAGS: &[&str] = &["sleep", "mood", "calm", "focus"];

#[test]
fn random_edits_match_clean_builds() {
    let f = Fixture::new();
    for (i, t) in TITLES.iter().enumerate() {
        f.write(
            &format!("content/articles/{}.md", t.to_lowercase()),
            &article(
                t,
                &format!("2026-0{}-1{i}", i + 1),
                &[TAGS[i % 4]],
                "First paragraph.\n\n## Part one\n\nText.",
            ),
        );
    }
    let options = load_options(&f);
    let mut preview = Preview::new(options).expect("initial build");
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut incremental = 0;
    for step in 0..60 {
        let pick = TITLES[rng.below(TITLES.len())];
        let rel = format!("articles/{}.md", pick.to_lowercase());
        let path = format!("content/{rel}");
        let mut changes = Changes::default();
        let kind = rng.below(10);
        let exists = f.path(&path).exists();
        let date = format!("2026-{:02}-{:02}", 1 + rng.below(9), 10 + rng.below(18));
        let tags: Vec<&str> = (0..rng.below(3))
            .map(|_| TAGS[rng.below(TAGS.len())])
            .collect();
        let mut tags_dedup = tags.clone();
        tags_dedup.sort();
        tags_dedup.dedup();
        match kind {
            // Body edits: the common case while writing.
            0..=2 => {
                let body = format!(
                    "Paragraph {}.\n\n## Part {}\n\nMore text {step}.",
                    rng.next() % 100,
                    rng.below(3)
                );
                f.write(&path, &article(pick, &date, &tags_dedup, &body));
            }
            // Title change.
            3 => f.write(
                &path,
                &article(&format!("{pick} {step}"), &date, &tags_dedup, "Renamed."),
            ),
            // Delete (or recreate when gone).
            4 => {
                if exists {
                    std::fs::remove_file(f.path(&path)).unwrap();
                } else {
                    f.write(&path, &article(pick, &date, &tags_dedup, "Back again."));
                }
            }
            // A link to another page's heading.
            5 => f.write(
                &path,
                &article(
                    pick,
                    &date,
                    &tags_dedup,
                    "See [sleep](sleep.md#wind-down).\n\n## Part one",
                ),
            ),
            // Section settings.
            6 => {
                let per = 1 + rng.below(3);
                f.write(
                    "content/articles/_index.md",
                    &format!("---\ntitle: \"Articles\"\nsort_by: date\npaginate_by: {per}\n---\nIntro {step}.\n"),
                );
                changes.content.insert("articles/_index.md".into());
            }
            // Only the date: order changes.
            7 => f.write(&path, &article(pick, &date, &tags_dedup, "Same body.")),
            // Only the text after the first paragraph; the front matter stays byte for byte.
            8 => match std::fs::read_to_string(f.path(&path)) {
                Ok(current) => f.write(&path, &format!("{current}\nA later paragraph {step}.\n")),
                Err(_) => f.write(&path, &article(pick, &date, &tags_dedup, "New.")),
            },
            // Only the clinical review date: the sitemap's lastmod moves, summaries do not.
            _ => match std::fs::read_to_string(f.path(&path)) {
                Ok(current) => {
                    let without: Vec<&str> = current
                        .lines()
                        .filter(|l| !l.starts_with("reviewed:"))
                        .collect();
                    let updated = without.join("\n").replacen(
                        "---\n",
                        &format!("---\nreviewed: 2027-{:02}-01\n", 1 + rng.below(9)),
                        1,
                    );
                    f.write(&path, &format!("{updated}\n"));
                }
                Err(_) => f.write(&path, &article(pick, &date, &tags_dedup, "New.")),
            },
        }
        changes.content.insert(rel.clone());
        match preview.apply(&changes) {
            Ok(Rebuilt::Incremental { .. }) => incremental += 1,
            Ok(Rebuilt::Full) => {}
            Err(e) => panic!("step {step} ({kind}): {e:?}"),
        }
        assert_same_as_clean(
            &f,
            &preview,
            &format!("step {step} (edit kind {kind} on {rel})"),
        );
    }
    assert!(
        incremental > 20,
        "only {incremental} of 60 rebuilds were incremental"
    );
}

#[test]
fn a_broken_edit_keeps_the_last_good_site() {
    let f = Fixture::new();
    let options = load_options(&f);
    let mut preview = Preview::new(options).expect("initial build");
    let before = bytes(&preview.output);
    f.write("content/articles/sleep.md", "---\ntitle: [broken\n---\n");
    let mut changes = Changes::default();
    changes.content.insert("articles/sleep.md".into());
    let errors = preview.apply(&changes).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|d| d.file.as_ref().is_some_and(|p| p.ends_with("sleep.md")))
    );
    assert_eq!(bytes(&preview.output), before);
    f.write("content/articles/sleep.md", common::ARTICLE);
    preview.apply(&changes).expect("fixed");
    assert_same_as_clean(&f, &preview, "after fix");
}

#[test]
fn an_editors_temporary_file_does_not_force_a_full_rebuild() {
    let f = Fixture::new();
    let options = load_options(&f);
    let mut preview = Preview::new(options).expect("initial build");
    // sed -i and some editors write a temporary file and rename it over the original; both
    // paths arrive in one batch, the temporary one already gone.
    f.write(
        "content/articles/sleep.md",
        &common::ARTICLE.replace("are linked", "are tied"),
    );
    let mut changes = Changes::default();
    changes.content.insert("articles/sleep.md".into());
    changes.content.insert("articles/sedX1b2c3".into());
    assert!(matches!(
        preview.apply(&changes),
        Ok(Rebuilt::Incremental { .. })
    ));
    assert_same_as_clean(&f, &preview, "after a temp-file save");
    // A deleted folder arrives as the folder's path only.
    f.write(
        "content/articles/extra/index.md",
        &common::ARTICLE
            .replace("Sleep and mood", "Extra")
            .replace("(grounding.md", "(../grounding.md"),
    );
    let mut changes = Changes::default();
    changes.content.insert("articles/extra".into());
    assert_eq!(preview.apply(&changes), Ok(Rebuilt::Full));
    std::fs::remove_dir_all(f.path("content/articles/extra")).unwrap();
    assert_eq!(preview.apply(&changes), Ok(Rebuilt::Full));
    assert_same_as_clean(&f, &preview, "after deleting a folder");
}

#[test]
fn checks_are_reused_for_unchanged_pages_and_redone_on_another_day() {
    let f = Fixture::new();
    let day = |d: &str| d.parse::<jiff::civil::Date>().expect("a date");
    let options = |today: &str| LoadOptions {
        root: f.root().to_path_buf(),
        today: Some(day(today)),
        ..Default::default()
    };
    let first = Site::load(&options("2026-06-01")).expect("loads");
    assert!(
        first.pages.iter().all(|p| p.rendered.prose.is_empty()),
        "prose is dropped once checked"
    );
    let stale = |site: &Site| {
        check_site(site)
            .diagnostics
            .iter()
            .filter(|d| d.code == "stale-review")
            .count()
    };
    assert_eq!(stale(&first), 0);

    f.write(
        "content/articles/grounding.md",
        &common::GROUNDING.replace("Grounding helps.", "Grounding helps a lot."),
    );
    let changed = ["articles/grounding.md".to_string()].into_iter().collect();
    let reuse = |previous| Reuse {
        previous,
        changed: &changed,
        rediscover: false,
    };
    let second = Site::reload(&options("2026-06-01"), Some(&reuse(&first))).expect("reloads");
    // (The generated Get Help page has no file and nothing to check.)
    let files = |site: &Site| {
        site.pages
            .iter()
            .filter(|p| !p.source.text.is_empty())
            .cloned()
            .collect::<Vec<_>>()
    };
    for (a, b) in files(&first).iter().zip(&files(&second)) {
        let edited = b.content_path() == "articles/grounding.md";
        assert_eq!(
            std::sync::Arc::ptr_eq(&a.checks, &b.checks),
            !edited,
            "{}",
            b.content_path()
        );
    }

    // A year later the same files have stale reviews: nothing may be reused.
    let later = Site::reload(&options("2027-06-01"), Some(&reuse(&second))).expect("reloads");
    assert!(
        files(&second)
            .iter()
            .zip(&files(&later))
            .all(|(a, b)| !std::sync::Arc::ptr_eq(&a.checks, &b.checks))
    );
    assert_eq!(stale(&later), 1, "{:?}", check_site(&later));
}

#[test]
fn body_edits_patch_the_site_and_other_edits_do_not() {
    let f = Fixture::new();
    let options = load_options(&f);
    let site = Site::load(&options).expect("loads");
    let changed: std::collections::HashSet<String> =
        ["articles/sleep.md".to_string()].into_iter().collect();

    // Same front matter, new body (with a new heading others could link to).
    f.write(
        "content/articles/sleep.md",
        &format!("{}\n## Another part\n\nMore.\n", common::ARTICLE),
    );
    let patched = site
        .with_body_edits(&changed)
        .expect("a body edit patches the site");
    let clean = Site::load(&options).expect("loads");
    let (a, b) = (
        render_site(&patched).expect("renders"),
        render_site(&clean).expect("renders"),
    );
    assert_eq!(bytes(&a.0), bytes(&b.0));
    assert_eq!(
        format!("{:?}", check_site(&patched)),
        format!("{:?}", check_site(&clean))
    );

    // A front matter change, a broken file, or a heading another page links to removed: the
    // whole site is assembled again (and reports the problem).
    let cases = [
        (
            "articles/sleep.md",
            common::ARTICLE.replace("Sleep and mood\"", "Sleep, mood\""),
        ),
        (
            "articles/sleep.md",
            common::ARTICLE.replace("title:", "tilte:"),
        ),
        (
            "articles/grounding.md",
            common::GROUNDING.replace("## Breathe slowly", "Breathe slowly"),
        ),
    ];
    for (path, text) in cases {
        f.write("content/articles/sleep.md", common::ARTICLE);
        f.write("content/articles/grounding.md", common::GROUNDING);
        f.write(&format!("content/{path}"), &text);
        let changed = [path.to_string()].into_iter().collect();
        assert!(site.with_body_edits(&changed).is_none(), "{text}");
    }
}

#[test]
fn a_loaded_site_keeps_front_matter_not_bodies() {
    let f = Fixture::new();
    let options = load_options(&f);
    let site = Site::load(&options).expect("loads");
    let from_files: Vec<_> = site
        .pages
        .iter()
        .filter(|p| !p.source.text.is_empty())
        .collect();
    assert_eq!(from_files.len(), 3, "about, sleep and grounding");
    for p in &from_files {
        assert!(!p.source.body_kept, "{}", p.content_path());
        assert!(
            p.source.text.starts_with("---\n") && p.source.text.ends_with("---\n"),
            "{}: {:?}",
            p.content_path(),
            p.source.text
        );
        assert!(!p.rendered.html.is_empty(), "{}", p.content_path());
    }

    // A body edit patched into the model is rendered from the new text, then dropped too.
    f.write(
        "content/articles/grounding.md",
        &common::GROUNDING.replace("Grounding helps.", "Grounding helps a lot."),
    );
    let changed = ["articles/grounding.md".to_string()].into_iter().collect();
    let edited = site.with_body_edits(&changed).expect("a body-only edit");
    let grounding = edited
        .pages
        .iter()
        .find(|p| p.content_path() == "articles/grounding.md")
        .expect("the page");
    assert!(grounding.rendered.html.contains("Grounding helps a lot."));
    assert!(!grounding.source.body_kept);
    assert_eq!(grounding.source.text.len(), grounding.source.body_offset);
}
