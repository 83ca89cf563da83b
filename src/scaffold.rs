//! `haven init` and `haven new`: starting points for sites and articles.
//!
//! Everything a new site needs (the `calm` theme, a starter `site.yaml` with real crisis lines,
//! a few content files) is built into the binary.

use crate::diagnostics::Diagnostic;
use crate::theme::EMBEDDED_CALM;
use include_dir::Dir;
use std::path::{Path, PathBuf};

const STARTER_CONFIG: &str = include_str!("../site.yaml");

const STARTER_FILES: &[(&str, &str)] = &[
    (
        "content/_index.md",
        "---\ntitle: \"Welcome\"\n---\nPlain-language articles about mental health, checked by clinicians.\n",
    ),
    (
        "content/articles/_index.md",
        "---\ntitle: \"Articles\"\ndescription: \"Everything we have written so far.\"\nsort_by: date\npaginate_by: 10\n---\n",
    ),
    (
        "content/get-help.md",
        "---\ntitle: \"Get help now\"\n---\nIf you are struggling right now, you do not have to cope alone. These services are free and confidential.\n",
    ),
    (
        "content/about.md",
        "---\ntitle: \"About us\"\n---\nWho we are, how we write, and how clinicians review every article.\n",
    ),
];

fn io_error(path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error("io", format!("cannot write {}: {e}", path.display())).in_file(path)
}

/// Creates a new site in `dir`, which must not exist or be empty.
pub fn init(dir: &Path) -> Result<(), Diagnostic> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| io_error(dir, e))?
            .next()
            .is_none();
        if !empty {
            return Err(Diagnostic::error(
                "not-empty",
                format!("{} already exists and is not empty", dir.display()),
            )
            .suggest("choose a new folder name; Haven never overwrites existing files"));
        }
    }
    let write = |rel: &str, bytes: &[u8]| -> Result<(), Diagnostic> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| io_error(&path, e))
    };
    write("site.yaml", STARTER_CONFIG.as_bytes())?;
    for (rel, text) in STARTER_FILES {
        write(rel, text.as_bytes())?;
    }
    let article = article_text(
        "Your first article",
        "Your Name",
        jiff::civil::date(2026, 1, 1),
    );
    write("content/articles/your-first-article.md", article.as_bytes())?;
    copy_embedded(&EMBEDDED_CALM, Path::new("themes/calm"), &write)?;
    write("static/.gitkeep", b"")?;
    Ok(())
}

type WriteFile<'a> = &'a dyn Fn(&str, &[u8]) -> Result<(), Diagnostic>;

fn copy_embedded(
    dir: &Dir<'static>,
    target: &Path,
    write: WriteFile<'_>,
) -> Result<(), Diagnostic> {
    for file in dir.files() {
        let rel = target.join(file.path());
        write(&rel.to_string_lossy(), file.contents())?;
    }
    for d in dir.dirs() {
        copy_embedded(d, target, write)?;
    }
    Ok(())
}

/// Front matter and a short outline for a new article.
pub fn article_text(title: &str, author: &str, today: jiff::civil::Date) -> String {
    let title_yaml = serde_json::to_string(title).unwrap_or_else(|_| "\"\"".to_string());
    let author_yaml = serde_json::to_string(author).unwrap_or_else(|_| "\"\"".to_string());
    format!(
        "---\n\
title: {title_yaml}\n\
description: \"One or two plain sentences: what will the reader learn?\"\n\
date: {today}\n\
updated: {today}\n\
author: {author_yaml}\n\
# The clinical reviewer and the date of their review (both needed to publish on most sites):\n\
# reviewed_by: \"Name, credentials\"\n\
# reviewed: {today}\n\
category: \"\"\n\
tags: []\n\
# Topic keys from site.yaml (safety.topics) that this article discusses:\n\
content_warnings: []\n\
crisis_notice: standard\n\
references: []\n\
draft: true\n\
---\n\
Start with one short paragraph that says who this article is for.\n\
\n\
## What it is\n\
\n\
## What can help\n\
\n\
## When to get more support\n"
    )
}

/// Creates `content/<section>/<slug>.md` and returns its path.
pub fn new_article(
    root: &Path,
    title: &str,
    section: &str,
    today: jiff::civil::Date,
) -> Result<PathBuf, Diagnostic> {
    let config = crate::site::load_config(&crate::site::LoadOptions {
        root: root.to_path_buf(),
        ..Default::default()
    })
    .map_err(|mut problems| problems.swap_remove(0))?;
    let section = section.trim_matches('/');
    let section_dir = root.join("content").join(section);
    if !section_dir.join("_index.md").is_file() {
        return Err(Diagnostic::error(
            "unknown-section",
            format!("there is no section content/{section}/ (with an _index.md)"),
        )
        .suggest("pass an existing section with --section, e.g. --section articles"));
    }
    let slug = crate::markdown::slugify(title);
    if slug.is_empty() {
        return Err(Diagnostic::error(
            "invalid-title",
            "the title needs at least one letter or digit",
        ));
    }
    let path = section_dir.join(format!("{slug}.md"));
    if path.exists() {
        return Err(
            Diagnostic::error("exists", format!("{} already exists", path.display()))
                .suggest("choose another title, or edit the existing file"),
        );
    }
    let author = if config.author.is_empty() {
        "Your Name"
    } else {
        &config.author
    };
    std::fs::write(&path, article_text(title, author, today)).map_err(|e| io_error(&path, e))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_template_parses_as_front_matter() {
        let text = article_text(
            "Coping with \"change\"",
            "A: B",
            jiff::civil::date(2026, 11, 26),
        );
        let split = crate::content::front_matter::split(&text, Path::new("a.md")).unwrap();
        let front = crate::content::front_matter::parse_page(&split, Path::new("a.md")).unwrap();
        assert_eq!(front.title, "Coping with \"change\"");
        assert_eq!(front.author.as_deref(), Some("A: B"));
        assert_eq!(front.date, Some(jiff::civil::date(2026, 11, 26)));
        assert!(front.draft);
    }
}
