//! `haven check` fails wherever `haven build` fails: a CI job that runs only `check` must not
//! pass a site that cannot be built. Each case runs both commands on the same broken site.

mod common;
use common::{ARTICLE, Fixture};

/// `build` and `check` both exit with 1 and print every needle.
fn both_fail(f: &Fixture, needles: &[&str]) {
    for command in ["build", "check"] {
        f.haven(&[command]).assert_error(needles);
    }
    // The JSON report names it too.
    let run = f.haven(&["check", "--format", "json"]);
    assert_eq!(run.code(), 1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout()).expect("JSON");
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    let code = needles[0]
        .trim_start_matches("error[")
        .trim_end_matches(']');
    assert!(codes.contains(&code), "{codes:?}");
}

#[test]
fn a_theme_without_the_crisis_notice() {
    let f = Fixture::new();
    f.write(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}<article>{{ page.content | safe }}</article>{% endblock content %}\n",
    );
    both_fail(
        &f,
        &[
            "error[missing-safety-slot]",
            "the crisis notice",
            "templates/article.html:1:1",
        ],
    );
}

#[test]
fn a_theme_without_the_content_warning() {
    let f = Fixture::new();
    f.write(
        "content/articles/sleep.md",
        &ARTICLE.replace(
            "tags: [sleep, mood]",
            "tags: [sleep, mood]\ncontent_warnings: [suicide]",
        ),
    );
    f.write(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}<div data-haven=\"crisis-notice\"></div>{{ page.content | safe }}{% endblock content %}\n",
    );
    both_fail(&f, &["error[missing-safety-slot]", "the content warning"]);
}

/// The article's own text cannot stand in for the notice the template must print.
#[test]
fn a_notice_in_the_article_text_does_not_count() {
    let f = Fixture::new();
    f.write(
        "content/articles/sleep.md",
        &ARTICLE.replace(
            "Sleep and mood are linked.",
            "<div data-haven=\"crisis-notice\">Not from the theme.</div>\n\nSleep and mood are linked.",
        ),
    );
    f.write(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}<article>{{ page.content | safe }}</article>{% endblock content %}\n",
    );
    both_fail(&f, &["error[missing-safety-slot]", "the crisis notice"]);
}

#[test]
fn a_template_error_that_only_rendering_finds() {
    let f = Fixture::new();
    f.write(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<div data-haven=\"crisis-notice\"></div>\n{{ page.extra.missing | upper }}\n{% endblock content %}\n",
    );
    both_fail(&f, &["error[template-error]", "templates/article.html:4:"]);
}

#[test]
fn template_errors_in_listing_and_special_pages() {
    for (template, text) in [
        ("taxonomy_single.html", "{{ term.nope.deeper }}"),
        ("section.html", "{{ section.nope.deeper }}"),
        ("404.html", "{{ nope.deeper }}"),
    ] {
        let f = Fixture::new();
        f.write(&format!("templates/{template}"), &format!("\n\n{text}\n"));
        both_fail(
            &f,
            &["error[template-error]", &format!("templates/{template}:3:")],
        );
    }
}

/// A theme whose errors depend on a page's data: only the page with the data fails, in both.
#[test]
fn a_data_dependent_template_error_on_one_page() {
    let f = Fixture::new();
    f.write(
        "content/articles/sleep.md",
        &ARTICLE.replace(
            "tags: [sleep, mood]",
            "tags: [sleep, mood]\nextra:\n  rating: 5",
        ),
    );
    f.write(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<div data-haven=\"crisis-notice\"></div>\n{% if page.extra.rating %}{{ page.extra.rating | upper }}{% endif %}\n{% endblock content %}\n",
    );
    both_fail(&f, &["error[template-error]", "templates/article.html:4:"]);
}
