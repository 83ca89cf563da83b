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

/// Like [`assert_breaks`] with the output three folders down (`deep/a/b/public`), so that a
/// path escaping it would land inside the fixture: after the failed build every file of the
/// fixture, the output and its spare included, is byte for byte as it was.
fn assert_confined(change: impl FnOnce(&Fixture), needles: &[&str]) {
    let f = Fixture::new();
    let out = f.path("deep/a/b/public");
    let out_arg = out.to_str().unwrap().to_string();
    f.haven(&["build", "--output", &out_arg]).assert_ok();
    let site = snapshot(&out);
    change(&f);
    let everything = snapshot(f.root());
    f.haven(&["build", "--output", &out_arg])
        .assert_error(needles);
    assert_eq!(snapshot(&out), site, "the output changed");
    let after = snapshot(f.root());
    let added: Vec<_> = after
        .keys()
        .filter(|k| !everything.contains_key(*k))
        .collect();
    assert!(added.is_empty(), "written by the failed build: {added:?}");
    assert!(after == everything, "a file of the fixture changed");
}

const HELP_PAGE_LINE: &str = "site.yaml:6:3";

#[test]
fn a_help_page_path_that_leaves_the_output() {
    assert_confined(
        |f| {
            f.write(
                "site.yaml",
                &common::SITE_YAML.replace(
                    "help_page: get-help",
                    "help_page: \"../../../escaped-help\"",
                ),
            )
        },
        &[
            "error[invalid-path]: `safety.help_page` `../../../escaped-help` cannot name a page of the site: it has a `..` segment",
            HELP_PAGE_LINE,
            "use a path on the site",
        ],
    );
}

#[test]
fn help_page_paths_with_drive_letters_backslashes_or_nul() {
    let cases = [
        ("\"C:/Windows/help\"", "colon"),
        ("\"..\\\\..\\\\help\"", "backslash"),
        ("\"help\\0page\"", "control character"),
    ];
    assert_confined(
        |f| {
            for (value, problem) in cases {
                f.write(
                    "site.yaml",
                    &common::SITE_YAML
                        .replace("help_page: get-help", &format!("help_page: {value}")),
                );
                let before = snapshot(f.root());
                f.build().assert_error(&[
                    "error[invalid-path]: `safety.help_page`",
                    problem,
                    HELP_PAGE_LINE,
                ]);
                assert!(snapshot(f.root()) == before, "{value}");
            }
        },
        &[
            "error[invalid-path]: `safety.help_page`",
            "control character",
        ],
    );
}

#[test]
fn an_alias_that_leaves_the_output() {
    assert_confined(
        |f| {
            f.write(
                "content/articles/grounding.md",
                &common::GROUNDING.replace("\"/old/grounding/\"", "\"../../../../escaped\""),
            )
        },
        &[
            "error[invalid-path]: the alias `../../../../escaped` cannot name a page of the site: it has a `..` segment",
            "content/articles/grounding.md:7:",
        ],
    );
}

#[test]
fn aliases_that_are_urls_windows_paths_or_queries() {
    assert_confined(
        |f| {
            f.write(
                "content/articles/grounding.md",
                &common::GROUNDING.replace(
                    "aliases: [\"/old/grounding/\"]",
                    "aliases:\n  - /fine/\n  - \"https://example.org/old/\"\n  - \"..\\\\..\\\\x\"\n  - \"/old/?p=12\"\n  - \"/a\\tb/\"",
                ),
            )
        },
        &[
            "the alias `https://example.org/old/` cannot name a page of the site: it has a colon",
            "content/articles/grounding.md:9:5",
            "the alias `..\\..\\x` cannot name a page of the site: it has a backslash",
            "content/articles/grounding.md:10:5",
            "the alias `/old/?p=12` cannot name a page of the site: it has the character `?`",
            "content/articles/grounding.md:11:5",
            "a control character",
            "content/articles/grounding.md:12:5",
        ],
    );
}

#[test]
fn a_theme_name_that_leaves_the_themes_folder() {
    let line = common::SITE_YAML.lines().count() + 1;
    assert_confined(
        |f| {
            f.write(
                "site.yaml",
                &format!("{}theme: \"../../elsewhere\"\n", common::SITE_YAML),
            )
        },
        &[
            "error[invalid-path]: `theme` `../../elsewhere` cannot name a theme",
            &format!("site.yaml:{line}:1"),
        ],
    );
}

#[cfg(unix)]
#[test]
fn static_and_content_file_names_that_are_not_plain_paths() {
    assert_confined(
        |f| {
            f.write("static/x\\..\\..\\escaped.txt", "x");
            f.write("content/articles/C:evil.png", "x");
        },
        &[
            "error[invalid-path]: the name of static/x\\..\\..\\escaped.txt cannot be a path of the site: it has a backslash",
            "--> static/x\\..\\..\\escaped.txt",
            "error[invalid-path]: the name of content/articles/C:evil.png cannot be a path of the site: it has a colon",
        ],
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_out_of_the_site() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("id_rsa"), "secret").unwrap();
    std::fs::create_dir(outside.path().join("photos")).unwrap();
    std::fs::write(outside.path().join("photos/a.png"), "png").unwrap();
    let target = outside.path().to_path_buf();
    assert_confined(
        |f| {
            std::fs::create_dir_all(f.path("static")).unwrap();
            std::os::unix::fs::symlink(target.join("id_rsa"), f.path("static/key")).unwrap();
        },
        &[
            "error[unsafe-link]: static/key is a symbolic link to",
            "id_rsa, outside the site's folder",
            "--> static/key",
            "copy the file into the site instead",
        ],
    );
    assert_confined(
        |f| {
            std::os::unix::fs::symlink(target.join("photos"), f.path("content/articles/photos"))
                .unwrap();
            std::os::unix::fs::symlink("../../nowhere", f.path("content/gone.png")).unwrap();
        },
        &[
            "error[unsafe-link]: content/articles/photos is a symbolic link to",
            "photos, outside the site's folder",
            "error[unsafe-link]: content/gone.png is a symbolic link to ../../nowhere, which does not exist",
        ],
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_inside_the_site_are_followed() {
    let f = Fixture::new();
    f.write("shared/logo.svg", "<svg/>");
    std::fs::create_dir_all(f.path("static")).unwrap();
    std::os::unix::fs::symlink("../shared/logo.svg", f.path("static/logo.svg")).unwrap();
    std::os::unix::fs::symlink("../shared", f.path("static/shared")).unwrap();
    f.build().assert_ok();
    assert_eq!(f.read("public/logo.svg"), "<svg/>");
    assert_eq!(f.read("public/shared/logo.svg"), "<svg/>");
    assert!(!f.path("public/logo.svg").is_symlink());
}

#[test]
fn slugs_folders_and_tags_without_letters_or_digits() {
    assert_confined(
        |f| {
            f.write(
                "content/articles/sleep.md",
                &common::ARTICLE.replace(
                    "tags: [sleep, mood]",
                    "tags: [sleep, \"!!!\"]\nslug: \"???\"",
                ),
            );
            f.write("content/***/_index.md", "---\ntitle: \"Stars\"\n---\n");
        },
        &[
            "error[invalid-path]: the slug `???` has no letters or digits to make a URL from",
            "content/articles/sleep.md:10",
            "error[invalid-path]: the folder content/*** has no letters or digits in its name",
            "error[invalid-path]: the tag `!!!` has no letters or digits to make a URL from",
            "content/articles/sleep.md:9",
        ],
    );
}

#[test]
fn an_alias_too_long_for_a_file_name() {
    let long = "a".repeat(300);
    assert_confined(
        |f| {
            f.write(
                "content/articles/grounding.md",
                &common::GROUNDING.replace("/old/grounding/", &format!("/old/{long}/")),
            )
        },
        &[
            "is longer than the 255 bytes a file name can have",
            "grounding.md:7:",
        ],
    );
}

#[test]
fn an_alias_naming_another_page_s_file() {
    for alias in [
        "/articles/sleep/index.html",
        "/articles/sleep/",
        "articles/sleep",
    ] {
        assert_confined(
            |f| {
                f.write(
                    "content/articles/grounding.md",
                    &common::GROUNDING.replace("/old/grounding/", alias),
                )
            },
            &[
                &format!(
                    "error[duplicate-url]: two things want to write articles/sleep/index.html (the URL /articles/sleep/): the page content/articles/sleep.md and the alias `{alias}` in content/articles/grounding.md:7"
                ),
                "--> content/articles/grounding.md:7",
                "remove the alias or change it",
            ],
        );
    }
}

#[test]
fn an_alias_naming_the_home_page() {
    assert_confined(
        |f| {
            f.write(
                "content/articles/grounding.md",
                &common::GROUNDING.replace("\"/old/grounding/\"", "\"/\""),
            )
        },
        &[
            "two things want to write index.html (the URL /): the home page content/_index.md and the alias `/` in content/articles/grounding.md:7",
        ],
    );
}

#[test]
fn an_alias_where_a_generated_file_is() {
    assert_confined(
        |f| {
            f.write(
                "content/articles/grounding.md",
                &common::GROUNDING.replace("/old/grounding/", "/sitemap.xml"),
            )
        },
        &[
            "error[output-collision]: two things want to write sitemap.xml: the sitemap Haven generates and the alias `/sitemap.xml` in content/articles/grounding.md:7, which needs a folder there",
            "--> content/articles/grounding.md:7",
        ],
    );
}

#[test]
fn content_files_named_like_generated_ones() {
    assert_confined(
        |f| {
            f.write("content/sitemap.xml", "<urlset/>");
            f.write("content/404.html", "<p>lost</p>");
        },
        &[
            "error[output-collision]: two things want to write 404.html: the 404 page Haven generates (template 404.html) and the file content/404.html",
            "error[output-collision]: two things want to write sitemap.xml: the sitemap Haven generates and the file content/sitemap.xml",
            "--> content/sitemap.xml",
            "move it to static/sitemap.xml and add `replace_generated: [sitemap.xml]`",
        ],
    );
}

#[test]
fn static_files_named_like_generated_ones() {
    assert_confined(
        |f| {
            for name in [
                "atom.xml",
                "search-index.json",
                "_headers",
                "_redirects",
                "robots.txt",
            ] {
                f.write(&format!("static/{name}"), "mine");
            }
        },
        &[
            "two things want to write atom.xml: an Atom feed Haven generates and the file static/atom.xml",
            "two things want to write search-index.json: the search index Haven generates and the file static/search-index.json",
            "two things want to write _headers: the _headers file Haven generates and the file static/_headers",
            "two things want to write _redirects: the _redirects file Haven generates for aliases and the file static/_redirects",
            "two things want to write robots.txt: the robots.txt Haven generates and the file static/robots.txt",
            "Failed with 5 errors",
        ],
    );
}

#[test]
fn a_file_where_a_page_needs_a_folder() {
    assert_confined(
        |f| {
            f.write("static/articles", "a file");
            f.write("content/articles/sleep/index.html", "<p>a copy</p>");
        },
        &[
            "error[output-collision]: two things want to write articles: the file static/articles and the section content/articles/_index.md, which needs a folder there",
            "--> static/articles",
            "error[output-collision]: two things want to write articles/sleep/index.html: the page content/articles/sleep.md and the file content/articles/sleep/index.html",
            "--> content/articles/sleep/index.html",
            "rename or remove the file",
        ],
    );
}

#[test]
fn a_page_where_a_tag_page_is() {
    assert_confined(
        |f| {
            f.write(
                "content/tags/sleep.md",
                "---\ntitle: \"Sleep\"\n---\nText.\n",
            )
        },
        &[
            "two things want to write tags/sleep/index.html (the URL /tags/sleep/): the page content/tags/sleep.md and the page of the tag `sleep` (from content/articles/sleep.md:9)",
        ],
    );
}

#[test]
fn the_same_alias_on_two_pages() {
    assert_confined(
        |f| {
            f.write(
                "content/articles/sleep.md",
                &common::ARTICLE.replace("tags: [sleep, mood]", "aliases: [\"/old/grounding/\"]"),
            )
        },
        &[
            "two things want to write old/grounding/index.html (the URL /old/grounding/): the alias `/old/grounding/` in content/articles/grounding.md:7 and the alias `/old/grounding/` in content/articles/sleep.md:9",
        ],
    );
}
