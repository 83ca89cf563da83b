//! The search index and page, and content-hashed CSS/JS, on fixture sites built with the real
//! binary (and, for serve mode, through the library as `haven serve` loads a site).

mod common;
use common::Fixture;
use haven::build::render_site;
use haven::site::{LoadOptions, Site};
use regex::Regex;
use serde_json::Value;

fn index(f: &Fixture) -> Vec<Value> {
    serde_json::from_str(&f.read("public/search-index.json")).expect("search-index.json is JSON")
}

#[test]
fn index_lists_every_page_with_headings_text_and_topics() {
    let f = Fixture::new();
    f.write(
        "content/articles/crisis.md",
        "---\ntitle: \"When it feels like too much\"\ndescription: \"Support in a crisis.\"\ndate: 2026-01-10\nauthor: \"A\"\ncontent_warnings: [suicide, substance-use]\n---\nYou matter.\n\n## Reach out\n\nCall someone.\n\n### Tonight\n\nStay with a friend.\n",
    );
    f.haven(&["build", "--base-url", "https://me.github.io/lib/"])
        .assert_ok();
    let entries = index(&f);
    let urls: Vec<&str> = entries.iter().map(|e| e["url"].as_str().unwrap()).collect();
    // Articles, stand-alone pages and Get Help, in content order; no listings.
    assert_eq!(
        urls,
        [
            "/lib/about/",
            "/lib/articles/crisis/",
            "/lib/articles/grounding/",
            "/lib/articles/sleep/",
            "/lib/get-help/",
        ]
    );
    let crisis = &entries[1];
    assert_eq!(crisis["title"], "When it feels like too much");
    assert_eq!(crisis["description"], "Support in a crisis.");
    assert_eq!(
        crisis["headings"],
        serde_json::json!(["Reach out", "Tonight"])
    );
    assert_eq!(
        crisis["topics"],
        serde_json::json!(["suicide", "substance use"])
    );
    let body = crisis["body"].as_str().unwrap();
    assert!(body.starts_with("You matter."), "{body}");
    assert!(body.contains("Stay with a friend."), "{body}");
    for e in &entries {
        for key in ["title", "url", "description", "headings", "body", "topics"] {
            assert!(e.get(key).is_some(), "{key} missing in {e}");
        }
    }
    let help = &entries[4];
    assert_eq!(help["title"], "Get help now");
    // Identical on every build.
    let first = f.read("public/search-index.json");
    f.haven(&["build", "--base-url", "https://me.github.io/lib/"])
        .assert_ok();
    assert_eq!(f.read("public/search-index.json"), first);
}

#[test]
fn body_text_is_trimmed_on_a_word_boundary() {
    let f = Fixture::new();
    f.write(
        "site.yaml",
        &format!("{}search:\n  body_length: 24\n", common::SITE_YAML),
    );
    f.write(
        "content/about.md",
        "---\ntitle: \"About\"\n---\nWe write plain words for hard days, every week.\n",
    );
    f.build().assert_ok();
    let about = &index(&f)[0];
    assert_eq!(about["body"], "We write plain words for");
}

#[test]
fn search_page_and_header_box_work_as_links_without_javascript() {
    let f = Fixture::new();
    f.haven(&["build", "--base-url", "https://me.github.io/lib/"])
        .assert_ok();
    let page = f.read("public/search/index.html");
    let js =
        Regex::new(r#"<script src="/lib/js/search\.[0-9a-f]{8}\.js" defer></script>"#).unwrap();
    assert!(js.is_match(&page), "{page}");
    assert_eq!(
        page.matches("<script").count(),
        1,
        "no inline scripts: {page}"
    );
    assert!(page.contains("data-index=\"/lib/search-index.json\""));
    assert!(page.contains("data-help-url=\"/lib/get-help/\""));
    let words = Regex::new(r#"data-crisis-words="([^"]*)""#).unwrap();
    let words = &words.captures(&page).expect("data-crisis-words")[1];
    let words: Vec<&str> = words.split('|').collect();
    // The fixed words, then the site's high-risk topic terms; not its other topics' terms.
    for w in [
        "crisis",
        "emergency",
        "help",
        "suicide",
        "suicid*",
        "kill myself",
    ] {
        assert!(words.contains(&w), "{w} not in {words:?}");
    }
    assert!(!words.contains(&"alcohol*"), "{words:?}");
    assert!(page.contains("aria-live=\"polite\""));
    assert!(page.contains("<meta name=\"robots\" content=\"noindex\">"));
    // Without JavaScript: a message, the sections and taxonomies, Get Help.
    assert!(page.contains("id=\"search-nojs\""));
    for link in [
        "/lib/articles/",
        "/lib/tags/",
        "/lib/categories/",
        "/lib/get-help/",
    ] {
        assert!(page.contains(&format!("href=\"{link}\"")), "{link}");
    }
    // Every other page has the header box: a plain GET form to the search page.
    let home = f.read("public/index.html");
    assert!(home.contains(
        "<form class=\"site-search\" action=\"/lib/search/\" method=\"get\" role=\"search\""
    ));
    assert!(home.contains("<input id=\"site-search-q\" name=\"q\" type=\"search\">"));
    assert!(home.contains("<label class=\"visually-hidden\" for=\"site-search-q\">"));
    assert!(
        !page.contains("class=\"site-search\""),
        "no second box on the page"
    );
    // Not in the sitemap.
    assert!(!f.read("public/sitemap.xml").contains("/search/"));
}

#[test]
fn search_can_be_turned_off() {
    let f = Fixture::new();
    f.write(
        "site.yaml",
        &format!("{}search:\n  enabled: false\n", common::SITE_YAML),
    );
    f.build().assert_ok();
    assert!(!f.path("public/search-index.json").exists());
    assert!(!f.path("public/search").exists());
    assert!(!f.read("public/index.html").contains("site-search"));
}

#[test]
fn a_theme_without_search_html_gets_no_search_page() {
    let f = Fixture::new();
    // The calm theme, copied without search.html.
    let calm = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/calm");
    for e in walkdir::WalkDir::new(&calm) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(&calm).unwrap();
        if e.file_type().is_file() && rel != std::path::Path::new("templates/search.html") {
            f.write_bytes(
                &format!("themes/plain/{}", rel.display()),
                &std::fs::read(e.path()).unwrap(),
            );
        }
    }
    f.write(
        "site.yaml",
        &common::SITE_YAML.replace(
            "title: \"Test Library\"",
            "title: \"Test Library\"\ntheme: plain",
        ),
    );
    f.build().assert_ok();
    assert!(!f.path("public/search").exists());
    assert!(!f.read("public/index.html").contains("site-search"));
    // The index is still written for other uses.
    assert!(f.path("public/search-index.json").is_file());
}

#[test]
fn a_site_page_at_search_wins() {
    let f = Fixture::new();
    f.build().assert_ok();
    assert!(f.path("public/search/index.html").is_file());
    f.write(
        "content/search.md",
        "---\ntitle: \"Find things\"\n---\nOur own search page.\n",
    );
    f.build().assert_ok();
    assert!(
        f.read("public/search/index.html")
            .contains("Our own search page.")
    );
}

#[test]
fn css_and_js_get_content_hashes_and_the_headers_cache_them_forever() {
    let f = Fixture::new();
    // The site's stylesheet replaces the theme's; its own script and image are copied too.
    f.write("static/css/style.css", "body { color: black; }\n");
    f.write("static/js/extra.js", "console.log('hi');\n");
    f.write("static/img/logo.png", "png");
    // Files of a page bundle keep their names: markdown links to them.
    f.write(
        "content/articles/night/index.md",
        "---\ntitle: \"Night\"\ndescription: \"D.\"\ndate: 2026-01-01\nauthor: \"A\"\n---\n[script](widget.js)\n",
    );
    f.write("content/articles/night/widget.js", "1;\n");
    f.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<p data-test=\"{{ asset(path=\"js/extra.js\") }} {{ asset(path=\"img/logo.png\") }}\"></p>{% endblock content %}",
    );
    f.build().assert_ok();
    let hashed = Regex::new(r"^[0-9a-f]{8}$").unwrap();
    let name = |dir: &str, stem: &str, ext: &str| -> String {
        let found: Vec<String> = std::fs::read_dir(f.path("public").join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| {
                n.strip_prefix(&format!("{stem}."))
                    .and_then(|r| r.strip_suffix(&format!(".{ext}")))
                    .is_some_and(|h| hashed.is_match(h))
            })
            .collect();
        assert_eq!(found.len(), 1, "{dir}/{stem}.*.{ext}: {found:?}");
        format!("{dir}/{}", found[0])
    };
    let css = name("css", "style", "css");
    let extra = name("js", "extra", "js");
    let search = name("js", "search", "js");
    // The hash is of the bytes written.
    assert_eq!(
        std::fs::read_to_string(f.path("public").join(&css)).unwrap(),
        "body { color: black; }\n"
    );
    assert_eq!(
        haven::render::fingerprint("css/style.css", b"body { color: black; }\n"),
        css
    );
    for plain in ["css/style.css", "js/extra.js", "js/search.js"] {
        assert!(!f.path("public").join(plain).exists(), "{plain}");
    }
    assert!(f.path("public/img/logo.png").is_file());
    assert!(f.path("public/favicon.svg").is_file());
    assert!(f.path("public/articles/night/widget.js").is_file());
    let about = f.read("public/about/index.html");
    assert!(about.contains(&format!("href=\"/{css}\"")), "{about}");
    assert!(
        about.contains(&format!("data-test=\"/{extra} /img/logo.png\"")),
        "{about}"
    );
    // _headers: one immutable rule per hashed file, no other Cache-Control.
    let headers = f.read("public/_headers");
    let mut rules = Vec::new();
    let mut rule = "";
    for line in headers.lines() {
        if line.starts_with('/') {
            rule = line;
        } else if let Some(v) = line.strip_prefix("  Cache-Control: ") {
            assert_eq!(v, "public, max-age=31536000, immutable", "{headers}");
            rules.push(rule.to_string());
        }
    }
    let mut expected = vec![format!("/{css}"), format!("/{extra}"), format!("/{search}")];
    expected.sort();
    assert_eq!(rules, expected, "{headers}");
    // A changed stylesheet gets a new name.
    f.write("static/css/style.css", "body { color: navy; }\n");
    f.build().assert_ok();
    assert_ne!(name("css", "style", "css"), css);
}

#[test]
fn serve_mode_keeps_plain_names_for_live_stylesheet_swaps() {
    let f = Fixture::new();
    let options = LoadOptions {
        root: f.root().to_path_buf(),
        drafts: false,
        base_url: Some("http://127.0.0.1:1111/".into()),
        serve: true,
        today: None,
        checks_only: false,
        deadline: Default::default(),
    };
    let site = Site::load(&options).expect("loads");
    let (output, _) = render_site(&site).expect("renders");
    assert!(output.files.contains_key("css/style.css"));
    assert!(output.files.contains_key("js/search.js"));
    let home = output.files["index.html"].bytes().unwrap();
    assert!(String::from_utf8_lossy(&home).contains("href=\"/css/style.css\""));
    let headers =
        String::from_utf8(output.files["_headers"].bytes().unwrap().into_owned()).unwrap();
    assert!(!headers.contains("immutable"), "{headers}");
}
