//! Templates: the Tera 2 environment of a site (theme + site overrides, Haven's functions and
//! filters), shortcode rendering for markdown, and turning Tera errors into diagnostics.

pub mod context;

use crate::config::Config;
use crate::deadline::{Deadline, Guarded, MAX_RENDERED_BYTES, Stopped};
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, ShortcodeError};
use crate::site::LoadOptions;
use crate::theme::{self, Theme};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tera::{Context, Kwargs, State, Tera};

/// The templates every theme must provide.
pub const REQUIRED: &[&str] = &[
    "base.html",
    "index.html",
    "section.html",
    "article.html",
    "page.html",
    "help.html",
    "taxonomy_list.html",
    "taxonomy_single.html",
    "404.html",
];

/// The optional template of the search page `/search/`.
pub const SEARCH_TEMPLATE: &str = "search.html";

pub struct Templates {
    tera: Tera,
    /// Template name → file path shown in errors.
    display: HashMap<String, PathBuf>,
    shortcodes: Vec<String>,
}

impl Templates {
    /// Loads the theme's templates, then the site's `templates/` over them, parsing each once.
    /// `assets` maps each copied file's name (`css/style.css`) to its output path (see
    /// [`fingerprint`]).
    pub fn load(
        root: &Path,
        theme: &Theme,
        config: &Config,
        urls: &HashMap<String, String>,
        assets: &BTreeMap<String, String>,
        options: &LoadOptions,
    ) -> Result<Templates, Vec<Diagnostic>> {
        let mut files: Vec<theme::TemplateFile> = theme.templates().map_err(|d| vec![d])?;
        let overrides = theme::read_templates(&root.join("templates"), Path::new("templates"))
            .map_err(|d| vec![d])?;
        for o in overrides {
            files.retain(|f| f.name != o.name);
            files.push(o);
        }
        let display: HashMap<String, PathBuf> = files
            .iter()
            .map(|f| (f.name.clone(), f.display.clone()))
            .collect();
        let missing: Vec<Diagnostic> = REQUIRED
            .iter()
            .filter(|name| !display.contains_key(**name))
            .map(|name| {
                Diagnostic::error(
                    "missing-template",
                    format!("the theme `{}` has no template `{name}`", theme.name()),
                )
                .in_file(theme.display_dir().join("templates"))
                .suggest(format!("add templates/{name} to the site or the theme"))
            })
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        register_functions(&mut tera, config, urls, assets);
        tera.global_context()
            .insert("site", &context::site_value(config, options, urls));
        // The search page is rendered only when search is on and the theme has `search.html`;
        // `search_url` is empty otherwise.
        let search_url = if config.search.enabled && display.contains_key(SEARCH_TEMPLATE) {
            format!("{}/search/", config.base_path())
        } else {
            String::new()
        };
        tera.global_context().insert("search_url", &search_url);
        if let Err(e) =
            tera.add_raw_templates(files.iter().map(|f| (f.name.as_str(), f.text.as_str())))
        {
            let texts: HashMap<&str, &str> = files
                .iter()
                .map(|f| (f.name.as_str(), f.text.as_str()))
                .collect();
            return Err(load_diagnostics(&e, &display, &texts));
        }
        let mut shortcodes: Vec<String> = display
            .keys()
            .filter_map(|n| n.strip_prefix("shortcodes/")?.strip_suffix(".html"))
            .map(str::to_string)
            .collect();
        shortcodes.sort();
        Ok(Templates {
            tera,
            display,
            shortcodes,
        })
    }

    /// Renders a template for `page` (a content file or a site path, for messages) within
    /// the build's `deadline`; errors name the template file and line.
    pub fn render(
        &self,
        name: &str,
        context: &Context,
        deadline: &Arc<Deadline>,
        page: &str,
    ) -> Result<String, Diagnostic> {
        let bytes = self.render_bytes(name, context, 0, deadline, page)?;
        // Tera writes UTF-8 only.
        Ok(String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// Renders a template as bytes into a buffer reserved for `expected_len` bytes: a page is
    /// mostly its body, and rendering into a buffer sized for the template alone copies the
    /// page each time the buffer grows. Errors as for [`Templates::render`].
    pub fn render_bytes(
        &self,
        name: &str,
        context: &Context,
        expected_len: usize,
        deadline: &Arc<Deadline>,
        page: &str,
    ) -> Result<Vec<u8>, Diagnostic> {
        let template = self.display_path(name);
        let _rendering = deadline.enter(&template, page);
        let mut out = Guarded::new(Vec::with_capacity(expected_len), deadline);
        match self.tera.render_to(name, context, &mut out) {
            Ok(()) => Ok(out.into_inner()),
            Err(_) if deadline.is_expired() => Err(deadline.diagnostic()),
            Err(_) if out.stopped == Some(Stopped::TooLarge) => Err(Diagnostic::error(
                "template-output-too-large",
                format!(
                    "the template {} wrote more than {} for {page}",
                    template.display(),
                    crate::limits::human_bytes(MAX_RENDERED_BYTES as u64)
                ),
            )
            .in_file(&template)
            .suggest("look in this template for a loop that prints far too much")),
            Err(e) => Err(tera_diagnostic(&e, &self.display, "template-error")),
        }
    }

    /// Whether the theme or the site has a template of this name.
    pub fn has(&self, name: &str) -> bool {
        self.display.contains_key(name)
    }

    pub fn display_path(&self, name: &str) -> PathBuf {
        self.display
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name))
    }

    /// What markdown sees of the site; `html: false` renders no HTML (checks only).
    pub fn markdown_env<'a>(
        &'a self,
        urls: &'a HashMap<String, String>,
        base_path: &'a str,
        html: bool,
        deadline: &'a Arc<Deadline>,
    ) -> MarkdownEnv<'a> {
        MarkdownEnv {
            templates: self,
            urls,
            base_path,
            html,
            deadline,
        }
    }
}

/// What markdown rendering sees of the site.
pub struct MarkdownEnv<'a> {
    templates: &'a Templates,
    urls: &'a HashMap<String, String>,
    base_path: &'a str,
    html: bool,
    deadline: &'a Arc<Deadline>,
}

impl markdown::Environment for MarkdownEnv<'_> {
    fn url_of(&self, content_path: &str) -> Option<String> {
        self.urls.get(content_path).cloned()
    }

    fn html(&self) -> bool {
        self.html
    }

    fn base_path(&self) -> &str {
        self.base_path
    }

    fn render_shortcode(
        &self,
        name: &str,
        args: &serde_json::Map<String, serde_json::Value>,
        body_html: &str,
        file: &Path,
    ) -> Result<String, ShortcodeError> {
        if !self.templates.shortcodes.iter().any(|s| s == name) {
            return Err(ShortcodeError::Unknown {
                known: self.templates.shortcodes.clone(),
            });
        }
        let mut ctx = Context::new();
        for (k, v) in args {
            ctx.insert(k.clone(), v);
        }
        ctx.insert_value("body", tera::Value::safe_string(body_html));
        let page = file.display().to_string();
        self.templates
            .render(
                &format!("shortcodes/{name}.html"),
                &ctx,
                self.deadline,
                &page,
            )
            .map_err(|d| {
                if d.code == "timeout" {
                    ShortcodeError::Stopped(d)
                } else {
                    ShortcodeError::Failed(d.to_string())
                }
            })
    }
}

/// The problems Tera found while loading the templates, each located: Tera reports several
/// unknown filters, functions or templates as one message of reports, and an `extends` that
/// fails without a position (found here in the template's text).
fn load_diagnostics(
    e: &tera::Error,
    display: &HashMap<String, PathBuf>,
    texts: &HashMap<&str, &str>,
) -> Vec<Diagnostic> {
    const CODE: &str = "template-syntax";
    let file = |name: &str| {
        display
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name))
    };
    match e.kind() {
        tera::ErrorKind::Msg(text) => {
            let reports = located_reports(text);
            if reports.is_empty() {
                return vec![tera_diagnostic(e, display, CODE)];
            }
            reports
                .into_iter()
                .map(|(message, name, line, column)| {
                    Diagnostic::error(CODE, message)
                        .in_file(file(&name))
                        .at(line, column)
                })
                .collect()
        }
        tera::ErrorKind::MissingParent { current: name, .. }
        | tera::ErrorKind::CircularExtend { tpl: name, .. }
        | tera::ErrorKind::CircularInclude { tpl: name, .. } => {
            let keyword = if matches!(e.kind(), tera::ErrorKind::CircularInclude { .. }) {
                "include"
            } else {
                "extends"
            };
            let mut d = tera_diagnostic(e, display, CODE).in_file(file(name));
            if let Some((line, column)) = texts.get(name.as_str()).and_then(|t| tag_at(t, keyword))
            {
                d = d.at(line, column);
            }
            vec![d]
        }
        _ => vec![tera_diagnostic(e, display, CODE)],
    }
}

/// `(message, template, line, column)` of each report in a message of Tera reports
/// (`error: Unknown filter `x`` then ` --> page.html:3:12`).
fn located_reports(text: &str) -> Vec<(String, String, usize, usize)> {
    let mut out = Vec::new();
    let mut message: Option<&str> = None;
    for line in text.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            message = Some(m);
        } else if let Some(location) = line.trim_start().strip_prefix("--> ")
            && let Some(m) = message.take()
        {
            let mut parts = location.rsplitn(3, ':');
            let column = parts.next().and_then(|c| c.trim().parse().ok());
            let line_no = parts.next().and_then(|l| l.trim().parse().ok());
            if let (Some(column), Some(line_no), Some(name)) = (column, line_no, parts.next()) {
                out.push((m.to_string(), name.to_string(), line_no, column));
            }
        }
    }
    out
}

/// 1-based line and column of the first `{% keyword` tag in a template.
fn tag_at(text: &str, keyword: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(i) = text[from..].find("{%") {
        let start = from + i;
        let rest = text[start + 2..].trim_start_matches('-').trim_start();
        if rest.starts_with(keyword) {
            return Some(crate::diagnostics::line_col(text, start));
        }
        from = start + 2;
    }
    None
}

/// A Tera error as a diagnostic pointing at the template file and line.
fn tera_diagnostic(e: &tera::Error, display: &HashMap<String, PathBuf>, code: &str) -> Diagnostic {
    let report = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    match report {
        Some(r) => {
            let file = display
                .get(r.filename())
                .cloned()
                .unwrap_or_else(|| PathBuf::from(r.filename()));
            let span = r.span();
            let mut message = r.message().to_string();
            if let Some(source) = std::error::Error::source(e) {
                message = format!("{message}: {source}");
            }
            Diagnostic::error(code, message)
                .in_file(file)
                .at(span.start_line, span.start_col + 1)
        }
        None => {
            let mut message = e.to_string();
            if let Some(source) = std::error::Error::source(e) {
                message = format!("{message}: {source}");
            }
            let mut d = Diagnostic::error(code, message);
            if let tera::ErrorKind::MissingParent { current, .. }
            | tera::ErrorKind::CircularExtend { tpl: current, .. } = e.kind()
                && let Some(f) = display.get(current)
            {
                d = d.in_file(f);
            }
            d
        }
    }
}

/// The output name of a copied file: CSS and JS get the first 8 hex digits of the SHA-256 of
/// their bytes before the extension (`css/style.css` → `css/style.3f9a1c2b.css`), so a host can
/// cache them forever; other files keep their names.
pub fn fingerprint(output_path: &str, bytes: &[u8]) -> String {
    let Some((dir, stem, ext)) = fingerprint_parts(output_path) else {
        return output_path.to_string();
    };
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("{dir}{stem}.{hash}.{ext}")
}

/// Whether [`fingerprint`] renames this file (CSS and JS).
pub fn is_fingerprinted(output_path: &str) -> bool {
    fingerprint_parts(output_path).is_some()
}

/// `css/style.css` → `("css/", "style", "css")` for CSS and JS files.
fn fingerprint_parts(output_path: &str) -> Option<(&str, &str, &str)> {
    let (dir, name) = match output_path.rsplit_once('/') {
        Some((d, n)) => (&output_path[..d.len() + 1], n),
        None => ("", output_path),
    };
    let (stem, ext) = name.rsplit_once('.')?;
    let code = ext.eq_ignore_ascii_case("css") || ext.eq_ignore_ascii_case("js");
    (!stem.is_empty() && code).then_some((dir, stem, ext))
}

fn register_functions(
    tera: &mut Tera,
    config: &Config,
    urls: &HashMap<String, String>,
    assets: &BTreeMap<String, String>,
) {
    let base_path = config.base_path().to_string();
    let urls = Arc::new(urls.clone());
    let bp = base_path.clone();
    tera.register_function("url_for", move |kwargs: Kwargs, _: &State| {
        let path: String = kwargs.must_get("path")?;
        url_for(&path, &urls, &bp).map_err(tera::Error::message)
    });
    let assets: Arc<HashMap<String, String>> = Arc::new(
        assets
            .iter()
            .map(|(name, output)| (name.clone(), format!("{base_path}/{output}")))
            .collect(),
    );
    tera.register_function("asset", move |kwargs: Kwargs, _: &State| {
        let path: String = kwargs.must_get("path")?;
        let key = path.trim_start_matches('/');
        assets.get(key).cloned().ok_or_else(|| {
            tera::Error::message(format!(
                "asset `{path}` not found in the theme's or the site's static/ folder"
            ))
        })
    });
    tera.register_filter("date", |value: &str, kwargs: Kwargs, _: &State| {
        let format: String = kwargs
            .get("format")?
            .unwrap_or_else(|| "%-d %B %Y".to_string());
        let date: jiff::civil::Date = value.parse().map_err(|e| {
            tera::Error::message(format!(
                "`date` filter: `{value}` is not a YYYY-MM-DD date: {e}"
            ))
        })?;
        Ok::<String, tera::Error>(date.strftime(&format).to_string())
    });
    tera.register_function("range", range);
    tera.register_filter("safe", safe);
    tera.register_filter(
        "join_natural",
        |value: Vec<String>, _: Kwargs, _: &State| {
            let items: Vec<&str> = value.iter().map(String::as_str).collect();
            crate::safety::join_natural(&items)
        },
    );
}

/// Tera's `range()`, which also stops a loop over it once the build's time limit has passed:
/// nested loops over ranges are the usual way a template runs for hours.
fn range(kwargs: Kwargs, _: &State) -> tera::TeraResult<Vec<i128>> {
    if Deadline::current_expired() {
        return Err(tera::Error::message("the build's time limit passed"));
    }
    // As Tera's own (which cannot be called from here).
    const MAX_RANGE_LEN: i128 = 100_000;
    let start = kwargs.get::<i128>("start")?.unwrap_or_default();
    let end = kwargs.must_get::<i128>("end")?;
    let step_by = kwargs.get::<i128>("step_by")?.unwrap_or(1);
    if start > end && step_by > 0 {
        return Err(tera::Error::message(
            "Function `range` was called with a `start` argument greater than the `end` one",
        ));
    }
    if step_by == 0 {
        return Err(tera::Error::message(
            "Function `range` was called with a `step_by` argument of 0",
        ));
    }
    let overflow =
        || tera::Error::message("Function `range` was called with arguments that overflow i128");
    let len = if step_by > 0 {
        let span = end.checked_sub(start).ok_or_else(overflow)?;
        span.checked_add(step_by - 1).ok_or_else(overflow)? / step_by
    } else if start <= end {
        0
    } else {
        let step = step_by.checked_neg().ok_or_else(overflow)?;
        let span = start.checked_sub(end).ok_or_else(overflow)?;
        span.checked_add(step - 1).ok_or_else(overflow)? / step
    };
    if len > MAX_RANGE_LEN {
        return Err(tera::Error::message(format!(
            "Function `range` would produce {len} elements, which exceeds the limit of {MAX_RANGE_LEN}"
        )));
    }
    Ok((0..len).map(|i| start + i * step_by).collect())
}

/// Tera's `safe` filter, marking a string in place instead of copying it: every page prints
/// its body (most of the page) with `| safe`.
fn safe(value: tera::Value, _: Kwargs, _: &State) -> tera::Value {
    if value.is_string() {
        value.mark_safe()
    } else {
        tera::Value::safe_string(&value.to_string())
    }
}

/// The URL for a content path (`articles/a.md#x`), site path (`/about/`) or external URL.
pub fn url_for(
    path: &str,
    urls: &HashMap<String, String>,
    base_path: &str,
) -> Result<String, String> {
    let has_scheme = path
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()));
    if has_scheme || path.starts_with("//") || path.starts_with('#') {
        return Ok(path.to_string());
    }
    if path.starts_with('/') {
        return Ok(format!("{base_path}{path}"));
    }
    let (file, anchor) = match path.split_once('#') {
        Some((f, a)) => (f, Some(a)),
        None => (path, None),
    };
    match urls.get(file) {
        Some(url) => Ok(match anchor {
            Some(a) => format!("{base_path}{url}#{a}"),
            None => format!("{base_path}{url}"),
        }),
        None => Err(format!(
            "url_for: no page or section `{file}` (give the markdown file's path relative to content/, e.g. `articles/sleep.md`)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    #[test]
    fn css_and_js_names_carry_a_content_hash() {
        let css = fingerprint("css/style.css", b"body{}");
        assert!(
            Regex::new(r"^css/style\.[0-9a-f]{8}\.css$")
                .unwrap()
                .is_match(&css),
            "{css}"
        );
        assert_eq!(css, fingerprint("css/style.css", b"body{}"));
        assert_ne!(css, fingerprint("css/style.css", b"body{color:red}"));
        assert_eq!(
            fingerprint("app.min.js", b""),
            "app.min.e3b0c442.js",
            "SHA-256 of nothing starts e3b0c442"
        );
        for kept in [
            "favicon.svg",
            "img/a.png",
            "fonts/x.woff2",
            "_headers",
            ".css",
        ] {
            assert_eq!(fingerprint(kept, b"x"), kept);
        }
    }

    #[test]
    fn safe_prints_what_tera_safe_prints() {
        let template = "{{ html | safe }}|{{ html }}|{{ safe_html | safe }}|{{ n | safe }}|\
                        {{ list | safe }}|{{ flag | safe }}|{{ html | safe | upper }}";
        let mut context = Context::new();
        context.insert("html", "<b>Tom & Jerry</b>");
        context.insert_value("safe_html", tera::Value::safe_string("<i>x</i>"));
        context.insert("n", &3.5);
        context.insert("list", &["<a>", "b"]);
        context.insert("flag", &true);
        let render = |ours: bool| {
            let mut tera = Tera::default();
            if ours {
                tera.register_function("range", range);
                tera.register_filter("safe", safe);
            }
            tera.add_raw_template("t.html", template).unwrap();
            tera.render("t.html", &context).unwrap()
        };
        assert_eq!(render(true), render(false));
        assert_eq!(
            render(true),
            "<b>Tom & Jerry</b>|&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;|<i>x</i>|3.5|\
             [\"<a>\", \"b\"]|true|<B>TOM & JERRY</B>"
        );
    }

    #[test]
    fn load_errors_are_located() {
        let report = "error: Unknown filter `nofilter`\n --> page.html:3:52\n  |\n3 | {{ x | nofilter }}\n\nerror: Unknown template `a.html`\n --> base.html:10:4\n";
        assert_eq!(
            located_reports(report),
            [
                (
                    "Unknown filter `nofilter`".to_string(),
                    "page.html".to_string(),
                    3,
                    52
                ),
                (
                    "Unknown template `a.html`".to_string(),
                    "base.html".to_string(),
                    10,
                    4
                )
            ]
        );
        assert_eq!(tag_at("a\n  {%- extends \"b\" %}", "extends"), Some((2, 3)));
        assert_eq!(tag_at("{% block a %}{% endblock %}", "extends"), None);
    }

    #[test]
    fn url_for_handles_every_kind_of_path() {
        let urls: HashMap<String, String> =
            [("articles/a.md".to_string(), "/articles/a/".to_string())].into();
        assert_eq!(
            url_for("articles/a.md", &urls, "/p").unwrap(),
            "/p/articles/a/"
        );
        assert_eq!(
            url_for("articles/a.md#x", &urls, "").unwrap(),
            "/articles/a/#x"
        );
        assert_eq!(url_for("/about/", &urls, "/p").unwrap(), "/p/about/");
        assert_eq!(
            url_for("https://x.org", &urls, "/p").unwrap(),
            "https://x.org"
        );
        assert_eq!(url_for("tel:988", &urls, "/p").unwrap(), "tel:988");
        assert!(url_for("nope.md", &urls, "").is_err());
    }
}
