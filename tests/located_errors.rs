//! Problems found in site.yaml after it parses, and in templates while they load, name the
//! file, line and column, in `haven build` and `haven check` alike.

mod common;
use common::{Fixture, SITE_YAML};

fn both_fail(f: &Fixture, needles: &[&str]) {
    for command in ["build", "check"] {
        f.haven(&[command]).assert_error(needles);
    }
}

#[test]
fn site_yaml_values_that_parse_but_are_wrong() {
    let f = Fixture::new();
    f.write(
        "site.yaml",
        &SITE_YAML.replace("default_region: US", "default_region: UK"),
    );
    both_fail(
        &f,
        &[
            "error[no-crisis-resources]",
            "`safety.default_region` is `UK`",
            "site.yaml:8:3",
        ],
    );
    f.write(
        "site.yaml",
        &SITE_YAML.replace(
            "          call: \"988\"\n          text: \"988\"\n          chat: \"https://988lifeline.org/chat/\"\n",
            "",
        ),
    );
    both_fail(
        &f,
        &[
            "error[no-crisis-resources]",
            "has no way to reach it",
            "site.yaml:14:11",
        ],
    );
    f.write(
        "site.yaml",
        &SITE_YAML.replace("help_page: get-help", "help_page: \"/\""),
    );
    both_fail(&f, &["error[missing-help-page]", "site.yaml:6:3"]);
    f.write(
        "site.yaml",
        &SITE_YAML.replace(
            "base_url: \"https://test.example/\"",
            "base_url: \"test.example\"",
        ),
    );
    both_fail(&f, &["error[invalid-base-url]", "site.yaml:2:1"]);
    f.write("site.yaml", &format!("{SITE_YAML}theme: clam\n"));
    both_fail(&f, &["error[missing-theme]", "site.yaml:32:1"]);
}

#[test]
fn template_load_errors() {
    let f = Fixture::new();
    f.write("templates/page.html", "\n{% extends \"nope.html\" %}\n");
    both_fail(
        &f,
        &[
            "error[template-syntax]",
            "inheriting from 'nope.html'",
            "templates/page.html:2:1",
        ],
    );
    f.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{% include \"partials/nope.html\" %}\n  {{ page.title | nofilter }}\n{% endblock content %}\n",
    );
    both_fail(
        &f,
        &[
            "error[template-syntax]: Unknown template `partials/nope.html`",
            "templates/page.html:3:",
            "error[template-syntax]: Unknown filter `nofilter`",
            "templates/page.html:4:",
        ],
    );
}
