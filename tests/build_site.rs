//! Building real sites with the real binary: what ends up in `public/`.

mod common;
use common::{Fixture, run, snapshot};
use std::path::Path;

#[test]
fn fixture_site_has_every_kind_of_page() {
    let f = Fixture::new();
    let out = f.build();
    out.assert_ok();
    assert!(
        out.stdout()
            .contains("(2 articles, 2 sections, 2 taxonomies)"),
        "{}",
        out.stdout()
    );
    assert!(out.stdout().contains("→ "), "{}", out.stdout());
    for path in [
        "index.html",
        "about/index.html",
        "articles/index.html",
        "articles/page/2/index.html",
        "articles/sleep/index.html",
        "articles/grounding/index.html",
        "get-help/index.html",
        "tags/index.html",
        "tags/sleep/index.html",
        "categories/everyday-wellbeing/index.html",
        "404.html",
        "old/grounding/index.html",
        "search/index.html",
        "search-index.json",
    ] {
        assert!(f.path("public").join(path).is_file(), "missing {path}");
    }
    // CSS and JS carry a content hash in their names; pages link to those names.
    let css = hashed_asset(&f, "css", "style", "css");
    let js = hashed_asset(&f, "js", "search", "js");
    assert!(!f.path("public/css/style.css").exists());
    assert!(
        f.read("public/index.html")
            .contains(&format!("href=\"/{css}\""))
    );
    assert!(
        f.read("public/search/index.html")
            .contains(&format!("<script src=\"/{js}\" defer></script>"))
    );
    let sleep = f.read("public/articles/sleep/index.html");
    // Internal links written as source files become page URLs, anchors kept.
    assert!(
        sleep.contains("href=\"/articles/grounding/#breathe-slowly\""),
        "{sleep}"
    );
    assert!(sleep.contains("id=\"wind-down\""));
    let grounding = f.read("public/articles/grounding/index.html");
    assert!(grounding.contains("callout-tip"), "{grounding}");
    assert!(grounding.contains("<strong>five</strong>"));
    assert!(grounding.contains("href=\"/get-help/\""));
    let alias = f.read("public/old/grounding/index.html");
    assert!(alias.contains("url=https://test.example/articles/grounding/"));
    // Pagination: newest first, one per page.
    let page1 = f.read("public/articles/index.html");
    let page2 = f.read("public/articles/page/2/index.html");
    assert!(page1.contains("Sleep and mood") && !page1.contains(">Grounding<"));
    assert!(page2.contains("Grounding"));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let f = Fixture::new();
    f.write(
        "content/articles/draft.md",
        &common::ARTICLE.replace("tags: [sleep, mood]", "draft: true"),
    );
    f.build().assert_ok();
    assert!(!f.path("public/articles/draft").exists());
    f.haven(&["build", "--drafts"]).assert_ok();
    assert!(f.path("public/articles/draft/index.html").exists());
}

#[test]
fn bundle_files_are_copied_next_to_their_page() {
    let f = Fixture::new();
    f.write(
        "content/articles/night/index.md",
        &format!(
            "{}\n![A moon](moon.svg)\n",
            common::ARTICLE
                .replace("tags: [sleep, mood]", "slug: night")
                .replace("(grounding.md", "(../grounding.md")
        ),
    );
    f.write(
        "content/articles/night/moon.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    f.write("static/robots-extra.txt", "hello");
    f.build().assert_ok();
    assert!(f.path("public/articles/night/moon.svg").is_file());
    assert!(
        f.read("public/articles/night/index.html")
            .contains("src=\"moon.svg\"")
    );
    assert_eq!(f.read("public/robots-extra.txt"), "hello");
}

#[test]
fn bom_and_crlf_files_build_normally() {
    let f = Fixture::new();
    let crlf = format!("\u{feff}{}", common::ARTICLE.replace('\n', "\r\n"));
    f.write("content/articles/sleep.md", &crlf);
    f.build().assert_ok();
    let html = f.read("public/articles/sleep/index.html");
    assert!(html.contains("Sleep and mood are linked."));
    assert!(!html.contains('\r'));
}

#[test]
fn a_five_megabyte_article_builds() {
    let f = Fixture::new();
    let para = "Slow breathing can help your body settle when you feel on edge. ";
    let mut body = String::new();
    let mut n = 0;
    while body.len() < 5 * 1024 * 1024 {
        n += 1;
        body.push_str(&format!("## Part {n}\n\n{}\n\n", para.repeat(20)));
    }
    f.write(
        "content/articles/long.md",
        &format!(
            "{}{body}",
            common::ARTICLE.replace("title: \"Sleep and mood\"", "title: \"Long\"")
        ),
    );
    f.build().assert_ok();
    let html = f.read("public/articles/long/index.html");
    assert!(html.len() > 5 * 1024 * 1024);
    assert!(html.contains(&format!("id=\"part-{n}\"")));
}

#[test]
fn output_is_deterministic() {
    let f = Fixture::new();
    f.build().assert_ok();
    let first = snapshot(&f.path("public"));
    f.build().assert_ok();
    assert_eq!(snapshot(&f.path("public")), first);
}

#[test]
fn base_url_override_and_subpath() {
    let f = Fixture::new();
    f.haven(&["build", "--base-url", "https://me.github.io/lib/"])
        .assert_ok();
    let sleep = f.read("public/articles/sleep/index.html");
    assert!(
        sleep.contains("href=\"/lib/articles/grounding/#breathe-slowly\""),
        "{sleep}"
    );
    assert!(sleep.contains("https://me.github.io/lib/articles/sleep/"));
    let css = hashed_asset(&f, "css", "style", "css");
    assert!(sleep.contains(&format!("href=\"/lib/{css}\"")), "{sleep}");
    // The links every page has to the home page and the site feed carry the base path.
    for link in [
        "<a class=\"site-title\" href=\"/lib/\"",
        "<li><a href=\"/lib/\">Home</a></li>",
        "<p class=\"footer-meta\"><a href=\"/lib/\">",
        "type=\"application/atom+xml\" title=\"Test Library\" href=\"/lib/atom.xml\"",
    ] {
        assert!(sleep.contains(link), "{link}\n{sleep}");
    }
    let section = f.read("public/articles/index.html");
    assert!(
        section.contains("<li><a href=\"/lib/\">Home</a></li>"),
        "{section}"
    );
    // On the home page itself, the site title is marked as the current page.
    let home = f.read("public/index.html");
    assert!(
        home.contains("<a class=\"site-title\" href=\"/lib/\" aria-current=\"page\">"),
        "{home}"
    );
    assert!(
        !sleep.contains("aria-current=\"page\">Test Library"),
        "{sleep}"
    );
}

/// `dir/stem.XXXXXXXX.ext` in `public/`: the one fingerprinted file of that name.
fn hashed_asset(f: &Fixture, dir: &str, stem: &str, ext: &str) -> String {
    let names: Vec<String> = std::fs::read_dir(f.path("public").join(dir))
        .unwrap_or_else(|e| panic!("public/{dir}: {e}"))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.strip_prefix(&format!("{stem}."))
                .and_then(|r| r.strip_suffix(&format!(".{ext}")))
                .is_some_and(|h| h.len() == 8 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        })
        .collect();
    assert_eq!(names.len(), 1, "{dir}/{stem}.<hash>.{ext}: {names:?}");
    format!("{dir}/{}", names[0])
}

#[test]
fn custom_output_folder() {
    let f = Fixture::new();
    let out = f.path("site-out");
    f.haven(&["build", "--output", out.to_str().unwrap()])
        .assert_ok();
    assert!(out.join("index.html").is_file());
    assert!(!f.path("public").exists());
}

#[test]
fn example_site_builds_with_every_feature() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let r = run(root, &["build", "--output", out.to_str().unwrap()]);
    r.assert_ok();
    let read =
        |p: &str| std::fs::read_to_string(out.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    // A bundle with an image, an alias, callouts, a cta, internal links with anchors.
    assert!(
        out.join("articles/sleep-and-mood/night-routine.svg")
            .is_file()
    );
    assert!(read("old/grounding-techniques/index.html").contains("/articles/anxiety-grounding/"));
    let panic = read("articles/panic-attacks/index.html");
    assert!(panic.contains("/articles/anxiety-grounding/#the-5-4-3-2-1-exercise"));
    assert!(panic.contains("class=\"callout"));
    let site = snapshot(&out);
    let html: Vec<String> = site
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "html"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(html.len() > 30);
    assert!(html.iter().any(|h| h.contains("class=\"cta")));
    // No source links survive: every `.md` link was resolved.
    for h in &html {
        assert!(!h.contains(".md\""), "unresolved markdown link");
    }
}

#[test]
fn init_creates_a_site_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new-site");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_haven"))
        .arg("init")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("themes/calm/templates/article.html").is_file());
    run(&dir, &["build"]).assert_ok();
    // The starter article is a draft until its author publishes it.
    assert!(!dir.join("public/articles/your-first-article").exists());
    // Not over an existing site.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_haven"))
        .arg("init")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
}

#[test]
fn new_article_is_scaffolded_with_front_matter() {
    let f = Fixture::new();
    let r = f.haven(&["new", "article", "Coping with Change"]);
    r.assert_ok();
    let text = f.read("content/articles/coping-with-change.md");
    assert!(text.contains("title: \"Coping with Change\""));
    assert!(text.contains("author: \"Test Team\""));
    assert!(text.contains("draft: true"));
    f.haven(&["build", "--drafts"]).assert_ok();
    assert!(
        f.path("public/articles/coping-with-change/index.html")
            .exists()
    );
    f.haven(&["new", "article", "Coping with Change"])
        .assert_error(&["already exists"]);
    f.haven(&["new", "article", "X", "--section", "nope"])
        .assert_error(&["no section"]);
}

#[test]
fn schema_describes_front_matter() {
    let f = Fixture::new();
    let r = f.haven(&["schema", "front-matter"]);
    r.assert_ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    assert!(v["properties"]["content_warnings"].is_object());
    let r = f.haven(&["schema", "site"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    assert!(v["properties"]["safety"].is_object());
}

#[test]
fn previous_outputs_are_removed_after_the_new_site_is_in_place() {
    let f = Fixture::new();
    f.build().assert_ok();
    // One left behind by an interrupted build, and a folder that only looks like one.
    // (No process has a number above 2^22: the one that left it has ended.)
    f.write(".public.haven-old-4194305-2/.haven-output", "marker");
    f.write(".public.haven-old-4194305-2/index.html", "old");
    f.write(".public.haven-old-9-9/notes.txt", "not Haven's");
    f.build().assert_ok();
    assert!(f.path("public/index.html").is_file());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let leftovers = || {
        std::fs::read_dir(f.root())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("haven-old") || n.contains("haven-tmp"))
            .collect::<Vec<_>>()
    };
    while leftovers().len() > 1 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(leftovers(), [".public.haven-old-9-9"]);
    assert_eq!(f.read(".public.haven-old-9-9/notes.txt"), "not Haven's");
}

#[test]
fn changes_made_to_a_built_site_are_undone_by_the_build_that_reuses_it() {
    let f = Fixture::new();
    let pause = || std::thread::sleep(std::time::Duration::from_millis(120));
    // Four builds: the output and the spare each get a record in the index that the next
    // builds trust (files written long enough before it was saved).
    for _ in 0..4 {
        f.build().assert_ok();
        pause();
    }
    let index = f.read(".public.haven-index");
    assert_eq!(index.lines().filter(|l| l.starts_with("tree ")).count(), 2);
    let site = snapshot(&f.path("public"));
    // Someone edits the live site; the next build keeps it as the spare and the one after
    // reuses it.
    let home = f.read("public/index.html");
    let edited = home.replacen("<title>", "<TITLE>", 1);
    assert_ne!(edited, home);
    f.write("public/index.html", &edited);
    std::fs::remove_file(f.path("public/sitemap.xml")).unwrap();
    // Files Haven did not write are never swapped away: the build refuses, naming them, and
    // leaves the site as it is.
    f.write("public/extra.txt", "not part of the site");
    f.write("public/articles/new/index.html", "not part of the site");
    let edited_site = snapshot(&f.path("public"));
    f.build().assert_error(&[
        "error[write]: refusing to replace",
        "public: it holds files that Haven did not write there: articles/new/, extra.txt",
        "move the files you want published into static/",
    ]);
    assert_eq!(snapshot(&f.path("public")), edited_site);
    std::fs::remove_file(f.path("public/extra.txt")).unwrap();
    std::fs::remove_dir_all(f.path("public/articles/new")).unwrap();
    f.build().assert_ok();
    assert_eq!(snapshot(&f.path("public")), site);
    f.build().assert_ok();
    assert_eq!(snapshot(&f.path("public")), site);
}
