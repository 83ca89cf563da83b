//! Bad input: each gets a clear error naming the file, line and column and what to do, exit
//! code 1, no panic, and the previously built `public/` stays byte-for-byte as it was.

mod common;
use common::{Fixture, snapshot};

/// Builds the fixture once, breaks it with `change`, builds again and checks the error.
fn assert_breaks(change: impl FnOnce(&Fixture), needles: &[&str]) {
    let f = Fixture::new();
    f.build().assert_ok();
    let before = snapshot(&f.path("public"));
    assert!(!before.is_empty());
    change(&f);
    f.build().assert_error(needles);
    assert_eq!(snapshot(&f.path("public")), before, "public/ changed");
    let leftovers: Vec<_> = std::fs::read_dir(f.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // The index of the output (`.public.haven-index`) describes it; it is no leftover.
        .filter(|n| n.contains("haven-") && n != ".public.haven-index")
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left: {leftovers:?}"
    );
}

#[test]
fn missing_site_yaml() {
    assert_breaks(
        |f| std::fs::remove_file(f.path("site.yaml")).unwrap(),
        &["error[missing-config]", "no site.yaml", "haven init"],
    );
}

#[test]
fn invalid_yaml_in_site_yaml() {
    assert_breaks(
        |f| f.write("site.yaml", "title: \"Unclosed\nbase_url: x\n"),
        &["error[invalid-yaml]", "site.yaml:"],
    );
}

#[test]
fn unknown_key_in_config() {
    assert_breaks(
        |f| {
            f.write(
                "site.yaml",
                &format!("{}\ntheem: calm\n", common::SITE_YAML),
            )
        },
        &[
            "error[unknown-field]",
            "unknown key `theem`",
            "site.yaml:",
            "did you mean `theme`?",
        ],
    );
}

#[test]
fn unknown_key_in_front_matter() {
    assert_breaks(
        |f| {
            f.write(
                "content/articles/sleep.md",
                &common::ARTICLE.replace("tags: [sleep, mood]", "tgas: [sleep, mood]"),
            )
        },
        &[
            "error[unknown-field]",
            "unknown key `tgas`",
            "content/articles/sleep.md:9:1",
            "did you mean `tags`?",
        ],
    );
}

#[test]
fn front_matter_not_closed() {
    assert_breaks(
        |f| {
            f.write(
                "content/articles/sleep.md",
                "---\ntitle: \"A\"\nNo closing line.\n",
            )
        },
        &[
            "error[unclosed-front-matter]",
            "content/articles/sleep.md:1:1",
            "`---`",
        ],
    );
}

#[test]
fn tabs_in_front_matter() {
    assert_breaks(
        |f| {
            f.write(
                "content/articles/sleep.md",
                &common::ARTICLE.replace("tags: [sleep, mood]", "tags:\n\t- sleep"),
            )
        },
        &[
            "error[invalid-yaml]",
            "content/articles/sleep.md:10:1",
            "tabs",
        ],
    );
}

#[test]
fn bad_indentation_in_front_matter() {
    assert_breaks(
        |f| {
            f.write(
                "content/articles/sleep.md",
                &common::ARTICLE.replace("author: \"Ada Writer\"", "  author: \"Ada Writer\""),
            )
        },
        &["error[invalid-yaml]", "content/articles/sleep.md:"],
    );
}

#[test]
fn title_of_the_wrong_type() {
    assert_breaks(
        |f| {
            f.write(
                "content/articles/sleep.md",
                &common::ARTICLE.replace("title: \"Sleep and mood\"", "title: [a]"),
            )
        },
        &[
            "error[invalid-type]",
            "title",
            "content/articles/sleep.md:2:",
        ],
    );
}

#[test]
fn tags_of_the_wrong_type() {
    assert_breaks(
        |f| {
            f.write(
                "content/articles/sleep.md",
                &common::ARTICLE.replace("tags: [sleep, mood]", "tags: 3"),
            )
        },
        &[
            "error[invalid-type]",
            "tags",
            "content/articles/sleep.md:9:",
        ],
    );
}

#[test]
fn impossible_date() {
    assert_breaks(
        |f| {
            f.write(
                "content/articles/sleep.md",
                &common::ARTICLE.replace("date: 2026-03-01", "date: 2025-02-30"),
            )
        },
        &["date", "content/articles/sleep.md:4:"],
    );
}

#[test]
fn duplicate_urls_name_both_files() {
    assert_breaks(
        |f| {
            f.write(
                "content/articles/sleep-again.md",
                &common::ARTICLE.replace("tags: [sleep, mood]", "slug: sleep"),
            )
        },
        &[
            "error[duplicate-url]",
            "content/articles/sleep.md",
            "content/articles/sleep-again.md",
            "/articles/sleep/",
        ],
    );
}

#[test]
fn link_to_missing_page() {
    assert_breaks(
        |f| {
            f.write(
                "content/articles/sleep.md",
                &format!("{}\nSee [this](missing-page.md).\n", common::ARTICLE),
            )
        },
        &[
            "error[broken-link]",
            "articles/missing-page.md",
            "content/articles/sleep.md:17:5",
        ],
    );
}

#[test]
fn link_to_missing_anchor() {
    assert_breaks(
        |f| {
            f.write(
                "content/articles/sleep.md",
                &common::ARTICLE.replace("#breathe-slowly", "#breathe-slow"),
            )
        },
        &[
            "error[broken-anchor]",
            "#breathe-slow",
            "content/articles/sleep.md:15:25",
            "did you mean `#breathe-slowly`?",
        ],
    );
}

#[test]
fn unknown_shortcode() {
    assert_breaks(
        |f| {
            f.write(
                "content/articles/sleep.md",
                &format!("{}\n{{{{ calout(kind=\"tip\") }}}}\n", common::ARTICLE),
            )
        },
        &[
            "error[unknown-shortcode]",
            "`calout`",
            "content/articles/sleep.md:17:1",
            "did you mean `callout`?",
        ],
    );
}

#[test]
fn template_syntax_error_names_template_and_line() {
    assert_breaks(
        |f| {
            f.write("templates/page.html", "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title \n{% endblock content %}\n")
        },
        &[
            "error[template-syntax]",
            "templates/page.html:4:1",
            "expected }}",
        ],
    );
}

#[test]
fn undefined_variable_names_template_and_line() {
    assert_breaks(
        |f| {
            f.write("templates/page.html", "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ page.titel }}</p>\n{% endblock content %}\n")
        },
        &["error[template-error]", "templates/page.html:3:", "titel"],
    );
}

#[test]
fn missing_theme() {
    assert_breaks(
        |f| f.write("site.yaml", &format!("{}theme: clam\n", common::SITE_YAML)),
        &["error[missing-theme]", "`clam`", "theme: calm"],
    );
}

#[test]
fn non_utf8_content_file() {
    assert_breaks(
        |f| {
            f.write_bytes(
                "content/articles/latin1.md",
                b"---\ntitle: \"Caf\xe9\"\n---\n",
            )
        },
        &[
            "error[invalid-utf8]",
            "content/articles/latin1.md:2:12",
            "UTF-8",
        ],
    );
}

#[test]
fn empty_file() {
    assert_breaks(
        |f| f.write("content/articles/empty.md", ""),
        &[
            "error[missing-front-matter]",
            "content/articles/empty.md:1:1",
            "empty",
        ],
    );
}

#[test]
fn yaml_alias_bomb_is_rejected() {
    let mut bomb =
        String::from("---\na: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
    for i in 1..9u8 {
        let (p, c) = ((b'a' + i - 1) as char, (b'a' + i) as char);
        bomb.push_str(&format!(
            "{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        ));
    }
    bomb.push_str("title: x\n---\n");
    assert_breaks(
        |f| f.write("content/articles/bomb.md", &bomb),
        &["content/articles/bomb.md"],
    );
}

#[test]
fn missing_required_article_fields() {
    assert_breaks(
        |f| {
            f.write(
                "content/articles/bare.md",
                "---\ntitle: \"Bare\"\n---\nText.\n",
            )
        },
        &[
            "error[missing-field]",
            "`description`",
            "`date`",
            "`author`",
            "content/articles/bare.md",
        ],
    );
}

#[test]
fn several_errors_are_all_reported() {
    let f = Fixture::new();
    f.write("content/articles/a.md", "---\ntitle: [a]\n---\n");
    f.write("content/articles/b.md", "---\ntitel: B\n---\n");
    f.write("content/articles/c.md", "");
    let run = f.build();
    run.assert_error(&[
        "content/articles/a.md:2:",
        "content/articles/b.md:2:1",
        "content/articles/c.md:1:1",
        "Failed with 3 errors",
    ]);
    assert!(!f.path("public").exists());
}

#[test]
fn refuses_to_overwrite_a_foreign_folder() {
    let f = Fixture::new();
    f.write("docs/notes.txt", "my notes");
    f.haven(&["build", "--output", f.path("docs").to_str().unwrap()])
        .assert_error(&["refusing to write the site", "did not create"]);
    assert_eq!(f.read("docs/notes.txt"), "my notes");
    for target in [".", "content", ".."] {
        let out = f.path(target);
        f.haven(&["build", "--output", out.to_str().unwrap()])
            .assert_error(&["refusing to write the site"]);
    }
    assert_eq!(f.read("content/articles/sleep.md"), common::ARTICLE);
}

/// Pages are written as they render; a page that fails late must still leave the previous
/// site whole and no temporary folder behind.
#[test]
fn an_error_found_while_rendering_pages() {
    assert_breaks(
        |f| {
            f.write(
                "templates/article.html",
                "{% extends \"base.html\" %}\n{% block content %}<article>{{ page.content | safe }}</article>{% endblock content %}\n",
            )
        },
        &["error[missing-safety-slot]", "templates/article.html"],
    );
}

#[test]
fn a_failed_rebuild_keeps_the_site_and_its_spare() {
    let f = Fixture::new();
    f.build().assert_ok();
    f.build().assert_ok();
    let spare = f.path(".public.haven-spare");
    assert!(spare.join("index.html").is_file());
    let live = snapshot(&f.path("public"));
    f.write("content/articles/broken.md", "---\ntitle: [a\n---\n");
    f.build().assert_error(&["content/articles/broken.md:2:"]);
    assert_eq!(snapshot(&f.path("public")), live);
    assert!(spare.join("index.html").is_file());
    let mut names: Vec<String> = std::fs::read_dir(f.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') || n == "public")
        .collect();
    names.sort();
    assert_eq!(
        names,
        [".public.haven-index", ".public.haven-spare", "public"]
    );
    std::fs::remove_file(f.path("content/articles/broken.md")).unwrap();
    f.build().assert_ok();
    assert_eq!(snapshot(&f.path("public")), live);
}

#[test]
fn a_failed_first_build_creates_no_folder() {
    let f = Fixture::new();
    f.write("content/articles/broken.md", "---\ntitle: [a\n---\n");
    let out = f.path("site/out/public");
    f.haven(&["build", "--output", &out.to_string_lossy()])
        .assert_error(&["content/articles/broken.md:2:"]);
    assert!(!f.path("site").exists());
}
