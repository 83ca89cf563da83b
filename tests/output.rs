//! Deploy files checked by the web's own tools: the sitemap against the sitemaps.org XSD and the
//! Atom feeds with `xmllint`, JSON-LD with serde_json; robots.txt, `_redirects` and `_headers`
//! by their contents. Sites are built with the real binary.

mod common;
use common::{Fixture, run};
use haven::output::sitemap::{SitemapUrl, split};
use regex::Regex;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const BASE: &str = "https://me.github.io/lib/";
const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sitemap.xsd");

/// Runs `xmllint --noout ARGS FILE`; a problem fails the test with xmllint's own message.
#[track_caller]
fn xmllint(args: &[&str], file: &Path) {
    let out = Command::new("xmllint")
        .arg("--noout")
        .args(args)
        .arg(file)
        .output()
        .expect("run xmllint (install libxml2-utils)");
    assert!(
        out.status.success(),
        "xmllint {} {}:\n{}",
        args.join(" "),
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The fixture site built under a path prefix.
fn built_under_subpath(f: &Fixture) {
    f.haven(&["build", "--base-url", BASE]).assert_ok();
}

/// `<loc>` → `<lastmod>` of a `<urlset>`.
fn sitemap_entries(xml: &str) -> BTreeMap<String, Option<String>> {
    let re = Regex::new(r"<url>\s*<loc>([^<]*)</loc>\s*(?:<lastmod>([^<]*)</lastmod>)?").unwrap();
    re.captures_iter(xml)
        .map(|c| (c[1].to_string(), c.get(2).map(|m| m.as_str().to_string())))
        .collect()
}

/// Text of the first `<name>` element in `xml`.
fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let start = xml.find(&format!("<{name}>"))? + name.len() + 2;
    let end = xml[start..].find(&format!("</{name}>"))?;
    Some(&xml[start..start + end])
}

fn entries(feed: &str) -> Vec<&str> {
    feed.split("<entry>")
        .skip(1)
        .map(|e| e.split("</entry>").next().unwrap())
        .collect()
}

/// The JSON of every `<script type="application/ld+json">` block of a page.
fn json_ld_blocks(html: &str) -> Vec<Value> {
    html.split("<script type=\"application/ld+json\">")
        .skip(1)
        .map(|rest| {
            let json = rest.split("</script>").next().unwrap();
            serde_json::from_str(json).unwrap_or_else(|e| panic!("invalid JSON-LD ({e}):\n{json}"))
        })
        .collect()
}

fn graph_node<'a>(ld: &'a Value, kind: &str) -> &'a Value {
    ld["@graph"]
        .as_array()
        .expect("@graph")
        .iter()
        .find(|n| n["@type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {ld}"))
}

#[test]
fn sitemap_validates_and_lists_every_page_with_the_base_path() {
    let f = Fixture::new();
    built_under_subpath(&f);
    xmllint(&["--schema", SCHEMA], &f.path("public/sitemap.xml"));
    let entries = sitemap_entries(&f.read("public/sitemap.xml"));
    let expected: BTreeMap<String, Option<String>> = [
        ("", None),
        ("about/", None),
        ("articles/", None),
        ("articles/grounding/", Some("2026-02-01")),
        // reviewed (2026-03-02) is later than date (2026-03-01).
        ("articles/sleep/", Some("2026-03-02")),
        ("categories/", None),
        ("categories/everyday-wellbeing/", None),
        ("get-help/", None),
        ("tags/", None),
        ("tags/anxiety/", None),
        ("tags/mood/", None),
        ("tags/sleep/", None),
    ]
    .into_iter()
    .map(|(p, d)| (format!("{BASE}{p}"), d.map(str::to_string)))
    .collect();
    assert_eq!(entries, expected);
    let xml = f.read("public/sitemap.xml");
    // Not listed: later listing pages, aliases, the 404 page.
    for absent in ["page/2", "old/grounding", "404"] {
        assert!(!xml.contains(absent), "{absent} in sitemap:\n{xml}");
    }
    // Sorted and identical on every build.
    let keys: Vec<_> = entries.keys().cloned().collect();
    let in_file: Vec<_> = Regex::new(r"<loc>([^<]*)</loc>")
        .unwrap()
        .captures_iter(&xml)
        .map(|c| c[1].to_string())
        .collect();
    assert_eq!(in_file, keys);
    built_under_subpath(&f);
    assert_eq!(f.read("public/sitemap.xml"), xml);
}

#[test]
fn sitemap_lastmod_is_the_latest_of_updated_reviewed_and_date() {
    let f = Fixture::new();
    f.write(
        "content/articles/grounding.md",
        &common::GROUNDING.replace("date: 2026-02-01", "date: 2026-02-01\nupdated: 2026-05-20"),
    );
    f.write(
        "content/about.md",
        "---\ntitle: \"About\"\nupdated: 2026-01-15\n---\nAbout us.\n",
    );
    f.build().assert_ok();
    let entries = sitemap_entries(&f.read("public/sitemap.xml"));
    let lastmod = |p: &str| entries[&format!("https://test.example{p}")].clone();
    assert_eq!(
        lastmod("/articles/grounding/").as_deref(),
        Some("2026-05-20")
    );
    assert_eq!(lastmod("/articles/sleep/").as_deref(), Some("2026-03-02"));
    assert_eq!(lastmod("/about/").as_deref(), Some("2026-01-15"));
    assert_eq!(lastmod("/"), None);
}

#[test]
fn sitemap_becomes_an_index_above_the_limit() {
    let urls: Vec<SitemapUrl> = (1..=7)
        .map(|i| SitemapUrl {
            loc: format!("https://e.org/p/a{i}/?x=1&y=2"),
            lastmod: Some(format!("2026-01-0{i}").parse().unwrap()),
        })
        .collect();
    let permalink = |p: &str| format!("https://e.org/p{p}");

    let single = split(&urls[..3], 3, permalink);
    assert_eq!(single.len(), 1);
    assert_eq!(single[0].0, "sitemap.xml");
    assert!(String::from_utf8_lossy(&single[0].1).contains("<urlset"));

    let files = split(&urls, 3, permalink);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "sitemap.xml",
            "sitemap1.xml",
            "sitemap2.xml",
            "sitemap3.xml"
        ]
    );
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    for part in &names[1..] {
        xmllint(&["--schema", SCHEMA], &dir.path().join(part));
    }
    let part3 = String::from_utf8(files[3].1.clone()).unwrap();
    assert_eq!(sitemap_entries(&part3).len(), 1);
    assert!(part3.contains("a7/?x=1&amp;y=2"), "{part3}");

    let index_path = dir.path().join("sitemap.xml");
    xmllint(&[], &index_path);
    let index = std::fs::read_to_string(index_path).unwrap();
    assert!(index.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    let re =
        Regex::new(r"<sitemap>\s*<loc>([^<]*)</loc>\s*<lastmod>([^<]*)</lastmod>\s*</sitemap>")
            .unwrap();
    let parts: Vec<(String, String)> = re
        .captures_iter(&index)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect();
    assert_eq!(
        parts,
        [
            (
                "https://e.org/p/sitemap1.xml".to_string(),
                "2026-01-03".to_string()
            ),
            (
                "https://e.org/p/sitemap2.xml".to_string(),
                "2026-01-06".to_string()
            ),
            (
                "https://e.org/p/sitemap3.xml".to_string(),
                "2026-01-07".to_string()
            ),
        ]
    );
}

#[test]
fn robots_txt_points_at_the_sitemap() {
    let f = Fixture::new();
    built_under_subpath(&f);
    assert_eq!(
        f.read("public/robots.txt"),
        format!("User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n")
    );
}

#[test]
fn atom_feeds_parse_and_have_every_required_element() {
    let f = Fixture::new();
    f.write(
        "content/articles/grounding.md",
        &common::GROUNDING.replace("date: 2026-02-01", "date: 2026-02-01\nupdated: 2026-04-10"),
    );
    built_under_subpath(&f);
    for feed in [
        "atom.xml",
        "articles/atom.xml",
        "tags/sleep/atom.xml",
        "tags/anxiety/atom.xml",
    ] {
        let path = f.path("public").join(feed);
        xmllint(&[], &path);
        let xml = f.read(&format!("public/{feed}"));
        assert!(
            xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""),
            "{xml}"
        );
        let head = xml.split("<entry>").next().unwrap();
        let self_url = format!("{BASE}{feed}");
        assert_eq!(element(head, "id"), Some(self_url.as_str()), "{feed}");
        assert!(
            element(head, "title").is_some_and(|t| !t.is_empty()),
            "{feed}"
        );
        assert!(head.contains(&format!(
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"{self_url}\"/>"
        )));
        assert!(head.contains(
            "<link rel=\"alternate\" type=\"text/html\" href=\"https://me.github.io/lib/"
        ));
        assert_eq!(element(head, "author"), Some("<name>Test Team</name>"));
        let entries = entries(&xml);
        assert!(!entries.is_empty(), "{feed}");
        let newest = entries
            .iter()
            .map(|e| element(e, "updated").expect("entry updated"))
            .max();
        assert_eq!(
            element(head, "updated"),
            newest,
            "{feed}: feed updated = newest entry"
        );
        for e in entries {
            let id = element(e, "id").expect("entry id");
            assert!(id.starts_with(&format!("{BASE}articles/")), "{id}");
            assert!(element(e, "title").is_some());
            assert!(e.contains(&format!(
                "<link rel=\"alternate\" type=\"text/html\" href=\"{id}\"/>"
            )));
            assert!(element(e, "author").is_some());
            assert!(e.contains("<summary type=\"html\">&lt;p&gt;"), "{e}");
        }
    }
    let all = f.read("public/atom.xml");
    assert_eq!(element(&all, "updated"), Some("2026-04-10T00:00:00Z"));
    let entries = entries(&all);
    assert_eq!(entries.len(), 2);
    // Newest first, dates from front matter.
    let sleep = entries[0];
    assert_eq!(
        element(sleep, "id"),
        Some("https://me.github.io/lib/articles/sleep/")
    );
    assert_eq!(element(sleep, "title"), Some("Sleep and mood"));
    assert_eq!(element(sleep, "published"), Some("2026-03-01T00:00:00Z"));
    assert_eq!(element(sleep, "updated"), Some("2026-03-01T00:00:00Z"));
    assert_eq!(element(sleep, "author"), Some("<name>Ada Writer</name>"));
    assert!(sleep.contains("<category term=\"sleep\"/>"));
    let grounding = entries[1];
    assert_eq!(
        element(grounding, "published"),
        Some("2026-02-01T00:00:00Z")
    );
    assert_eq!(element(grounding, "updated"), Some("2026-04-10T00:00:00Z"));
    // The tag feed holds only its tag's articles.
    assert_eq!(
        self::entries(&f.read("public/tags/anxiety/atom.xml")).len(),
        1
    );
    // Stable: a rebuild (at another time) writes the same bytes.
    built_under_subpath(&f);
    assert_eq!(f.read("public/atom.xml"), all);
}

#[test]
fn feeds_escape_titles_and_are_linked_from_pages() {
    let f = Fixture::new();
    f.write(
        "content/articles/sleep.md",
        &common::ARTICLE.replace(
            "title: \"Sleep and mood\"",
            "title: 'Sleep & <mood> \"quoted\" </script>'",
        ),
    );
    f.build().assert_ok();
    xmllint(&[], &f.path("public/atom.xml"));
    let feed = f.read("public/atom.xml");
    assert!(
        feed.contains("<title>Sleep &amp; &lt;mood&gt; &quot;quoted&quot; &lt;/script&gt;</title>"),
        "{feed}"
    );
    let home = f.read("public/index.html");
    assert!(home.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Test Library\" href=\"/atom.xml\">"));
    let section = f.read("public/articles/index.html");
    assert!(section.contains("href=\"/articles/atom.xml\""), "{section}");
    let tag = f.read("public/tags/sleep/index.html");
    assert!(tag.contains("href=\"/tags/sleep/atom.xml\""), "{tag}");
    // Every linked feed exists.
    let href = Regex::new(r#"type="application/atom\+xml"[^>]*href="/([^"]+)""#).unwrap();
    for page in [
        "public/index.html",
        "public/articles/index.html",
        "public/articles/grounding/index.html",
        "public/tags/sleep/index.html",
    ] {
        for c in href.captures_iter(&f.read(page)) {
            assert!(
                f.path("public").join(&c[1]).is_file(),
                "{page} links to missing {}",
                &c[1]
            );
        }
    }
}

#[test]
fn redirects_file_has_one_line_per_alias() {
    let f = Fixture::new();
    f.write(
        "content/articles/sleep.md",
        &common::ARTICLE.replace(
            "tags: [sleep, mood]",
            "tags: [sleep, mood]\naliases: [old-sleep, /old/sleep.html]",
        ),
    );
    built_under_subpath(&f);
    assert_eq!(
        f.read("public/_redirects"),
        "/old-sleep/ /lib/articles/sleep/ 301\n/old/grounding/ /lib/articles/grounding/ 301\n/old/sleep.html /lib/articles/sleep/ 301\n"
    );
}

#[test]
fn headers_file_sets_security_headers_the_theme_satisfies() {
    let f = Fixture::new();
    f.build().assert_ok();
    let headers = f.read("public/_headers");
    assert!(headers.starts_with("/*\n"), "{headers}");
    for line in [
        "  X-Content-Type-Options: nosniff\n",
        "  Referrer-Policy: strict-origin-when-cross-origin\n",
        "  Permissions-Policy: camera=(), microphone=(), geolocation=(), interest-cohort=()\n",
        "  Content-Security-Policy: default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'\n",
    ] {
        assert!(headers.contains(line), "missing {line:?} in:\n{headers}");
    }
    // Cache-Control only for the content-hashed CSS and JS, one exact path each: Cloudflare
    // comma-joins overlapping rules' values, so no rule may match them twice.
    let hashed = Regex::new(r"^/(css|js)/[a-z]+\.[0-9a-f]{8}\.(css|js)$").unwrap();
    let mut rule = "";
    let mut immutable = Vec::new();
    for line in headers.lines() {
        if line.starts_with('/') {
            rule = line;
        } else if let Some(v) = line.strip_prefix("  Cache-Control: ") {
            assert_eq!(
                v, "public, max-age=31536000, immutable",
                "{rule} in:\n{headers}"
            );
            assert!(
                hashed.is_match(rule),
                "{rule} is not a hashed file:\n{headers}"
            );
            assert!(
                f.path(&format!("public{rule}")).is_file(),
                "{rule} not built"
            );
            immutable.push(rule);
        }
    }
    assert_eq!(immutable.len(), 2, "style.css and search.js:\n{headers}");
    // The CSP holds for the calm theme: no inline scripts (JSON-LD data blocks and scripts
    // loaded from the site aside) or styles.
    let inline = Regex::new(
        r#"(?i)<style|\sstyle=|\son[a-z]+=|<script(?: type="application/ld\+json"| src="/js/)?"#,
    )
    .unwrap();
    for e in walkdir::WalkDir::new(f.path("public")) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "html") {
            let html = std::fs::read_to_string(e.path()).unwrap();
            for m in inline.find_iter(&html) {
                assert!(
                    m.as_str() == "<script type=\"application/ld+json\""
                        || m.as_str() == "<script src=\"/js/",
                    "inline code in {}: {}",
                    e.path().display(),
                    m.as_str()
                );
            }
        }
    }
}

#[test]
fn a_site_file_replaces_a_generated_one_only_when_site_yaml_says_so() {
    let f = Fixture::new();
    f.build().assert_ok();
    let generated = f.read("public/robots.txt");
    let not_found = f.read("public/404.html");
    f.write("static/robots.txt", "User-agent: *\nDisallow: /\n");
    f.write("static/404.html", "<p>Not here.</p>\n");
    f.build().assert_error(&[
        "error[output-collision]: two things want to write 404.html: the 404 page Haven generates (template 404.html) and the file static/404.html",
        "error[output-collision]: two things want to write robots.txt: the robots.txt Haven generates and the file static/robots.txt",
        "--> static/robots.txt",
        "add `replace_generated: [robots.txt]` to site.yaml",
    ]);
    assert_eq!(f.read("public/robots.txt"), generated);

    f.write(
        "site.yaml",
        &format!(
            "{}replace_generated: [robots.txt, 404.html]\n",
            common::SITE_YAML
        ),
    );
    f.build().assert_ok();
    assert_eq!(f.read("public/robots.txt"), "User-agent: *\nDisallow: /\n");
    assert_eq!(f.read("public/404.html"), "<p>Not here.</p>\n");
    assert_ne!(not_found, f.read("public/404.html"));

    // Only files Haven generates, and only with a static file to take their place.
    f.write(
        "site.yaml",
        &format!(
            "{}replace_generated:\n  - robots.txt\n  - about/index.html\n  - _headers\n",
            common::SITE_YAML
        ),
    );
    std::fs::remove_file(f.path("static/404.html")).unwrap();
    let lines = common::SITE_YAML.lines().count();
    f.build().assert_error(&[
        "error[invalid-replace]: `replace_generated` lists `about/index.html`, which Haven does not generate for this site",
        &format!("site.yaml:{}:5", lines + 3),
        "error[invalid-replace]: `replace_generated` lists `_headers`, but no static file replaces it",
        &format!("site.yaml:{}:5", lines + 4),
    ]);
}

#[test]
fn json_ld_has_the_fields_and_the_front_matter_dates() {
    let f = Fixture::new();
    f.write(
        "content/articles/sleep.md",
        &common::ARTICLE.replace(
            "reviewed: 2026-03-02",
            "reviewed: 2026-03-02\nupdated: 2026-03-05",
        ),
    );
    built_under_subpath(&f);
    let html = f.read("public/articles/sleep/index.html");
    let blocks = json_ld_blocks(&html);
    assert_eq!(blocks.len(), 1);
    let ld = &blocks[0];
    assert_eq!(ld["@context"], "https://schema.org");
    let page = graph_node(ld, "MedicalWebPage");
    let url = format!("{BASE}articles/sleep/");
    assert_eq!(page["name"], "Sleep and mood");
    assert_eq!(page["description"], "How sleep and mood affect each other.");
    assert_eq!(page["url"], url.as_str());
    assert_eq!(page["datePublished"], "2026-03-01");
    assert_eq!(page["dateModified"], "2026-03-05");
    assert_eq!(page["lastReviewed"], "2026-03-02");
    assert_eq!(page["reviewedBy"]["@type"], "Person");
    assert_eq!(page["reviewedBy"]["name"], "Dr. Sam Reviewer");
    assert_eq!(page["reviewedBy"]["honorificSuffix"], "PhD");
    assert_eq!(
        page["author"],
        serde_json::json!({"@type": "Person", "name": "Ada Writer"})
    );
    assert_eq!(page["publisher"]["@type"], "Organization");
    assert_eq!(page["publisher"]["name"], "Test Library");
    assert_eq!(page["inLanguage"], "en");
    let about: Vec<&str> = page["about"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(about, ["Everyday wellbeing", "sleep", "mood"]);
    let crumbs = graph_node(ld, "BreadcrumbList")["itemListElement"]
        .as_array()
        .unwrap();
    let trail: Vec<(i64, &str, &str)> = crumbs
        .iter()
        .map(|c| {
            (
                c["position"].as_i64().unwrap(),
                c["name"].as_str().unwrap(),
                c["item"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        trail,
        [
            (1, "Home", BASE),
            (2, "Articles", "https://me.github.io/lib/articles/"),
            (3, "Sleep and mood", url.as_str()),
        ]
    );
    // An article without a review or update: those fields are left out or fall back to `date`.
    let grounding = json_ld_blocks(&f.read("public/articles/grounding/index.html"));
    let g = graph_node(&grounding[0], "MedicalWebPage");
    assert_eq!(g["dateModified"], "2026-02-01");
    assert!(
        g.get("lastReviewed").is_none() && g.get("reviewedBy").is_none(),
        "{g}"
    );

    let home = json_ld_blocks(&f.read("public/index.html"));
    assert_eq!(home.len(), 1);
    assert_eq!(home[0]["@type"], "WebSite");
    assert_eq!(home[0]["name"], "Test Library");
    assert_eq!(home[0]["url"], BASE);
    assert!(json_ld_blocks(&f.read("public/about/index.html")).is_empty());
}

#[test]
fn json_ld_cannot_be_broken_out_of() {
    let f = Fixture::new();
    let title = r#"Sleep </script><script>alert(1)</script> "quoted" & <!-- more"#;
    f.write(
        "content/articles/sleep.md",
        &common::ARTICLE.replace("title: \"Sleep and mood\"", &format!("title: '{title}'")),
    );
    f.build().assert_ok();
    let html = f.read("public/articles/sleep/index.html");
    let blocks = json_ld_blocks(&html);
    assert_eq!(blocks.len(), 1);
    assert_eq!(html.matches("</script>").count(), blocks.len(), "{html}");
    assert_eq!(html.matches("<script").count(), blocks.len(), "{html}");
    assert!(!html.contains("alert(1)</script>"));
    assert_eq!(graph_node(&blocks[0], "MedicalWebPage")["name"], title);
}

/// The example site in this repository, at the root and under a subpath.
#[test]
fn example_site_sitemap_feeds_and_json_ld_are_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for base in [None, Some("https://example.github.io/haven-site/")] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let mut args = vec!["build", "--output", out.to_str().unwrap()];
        if let Some(b) = base {
            args.extend(["--base-url", b]);
        }
        run(root, &args).assert_ok();
        xmllint(&["--schema", SCHEMA], &out.join("sitemap.xml"));
        let prefix = base.unwrap_or("https://haven-example.org/");
        let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
        let urls = sitemap_entries(&sitemap);
        assert!(urls.len() > 20, "{sitemap}");
        for loc in urls.keys() {
            assert!(loc.starts_with(prefix), "{loc}");
            let rel = &loc[prefix.len()..];
            assert!(
                out.join(rel).join("index.html").is_file(),
                "sitemap lists missing page {loc}"
            );
        }
        let mut feeds = 0;
        for e in walkdir::WalkDir::new(&out) {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy();
            if name == "atom.xml" {
                xmllint(&[], e.path());
                let xml = std::fs::read_to_string(e.path()).unwrap();
                assert!(element(&xml, "id").is_some_and(|id| id.starts_with(prefix)));
                for entry in entries(&xml) {
                    for required in ["id", "title", "updated"] {
                        assert!(
                            element(entry, required).is_some(),
                            "{}: {entry}",
                            e.path().display()
                        );
                    }
                }
                feeds += 1;
            } else if name == "index.html" {
                let html = std::fs::read_to_string(e.path()).unwrap();
                let blocks = json_ld_blocks(&html);
                // Every `</script>` closes a JSON-LD block or a script loaded from the site.
                let external = html.matches("<script src=").count();
                assert_eq!(html.matches("</script>").count(), blocks.len() + external);
                for b in &blocks {
                    let s = b.to_string();
                    assert!(s.contains(prefix) || !s.contains("https://"), "{s}");
                }
            }
        }
        assert!(feeds >= 3, "only {feeds} feeds");
        let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
        assert!(robots.contains(&format!("Sitemap: {prefix}sitemap.xml")));
    }
}
