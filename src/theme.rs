//! Themes: where templates and theme static files come from.
//!
//! A theme lives in `themes/<name>/` under the site root; the default theme `calm` is also built
//! into the binary, so a site (or `haven init`) works with nothing but the `haven` executable.

use crate::diagnostics::Diagnostic;
use crate::site::{CopiedFile, CopiedFrom, FileSource};
use include_dir::{Dir, include_dir};
use std::path::{Path, PathBuf};

pub static EMBEDDED_CALM: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/calm");
pub const DEFAULT_THEME: &str = "calm";

#[derive(Debug, Clone)]
pub enum Theme {
    Disk { name: String, dir: PathBuf },
    Embedded,
}

/// A template's name (`article.html`), text, and the path shown in errors.
pub struct TemplateFile {
    pub name: String,
    pub text: String,
    pub display: PathBuf,
}

impl Theme {
    pub fn locate(root: &Path, name: &str) -> Result<Theme, Diagnostic> {
        let dir = root.join("themes").join(name);
        if dir.join("templates").is_dir() {
            return Ok(Theme::Disk {
                name: name.to_string(),
                dir,
            });
        }
        if name == DEFAULT_THEME {
            return Ok(Theme::Embedded);
        }
        let available: Vec<String> = std::fs::read_dir(root.join("themes"))
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.path().join("templates").is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let mut d = Diagnostic::error(
            "missing-theme",
            format!("theme `{name}` not found: there is no themes/{name}/templates/ folder"),
        )
        .in_file(crate::config::CONFIG_FILE);
        d = d.suggest(match crate::yaml::closest(name, &available) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("set `theme: {DEFAULT_THEME}` to use the built-in theme"),
        });
        Err(d)
    }

    pub fn name(&self) -> &str {
        match self {
            Theme::Disk { name, .. } => name,
            Theme::Embedded => DEFAULT_THEME,
        }
    }

    /// Display path of the theme folder.
    pub fn display_dir(&self) -> PathBuf {
        PathBuf::from("themes").join(self.name())
    }

    pub fn templates(&self) -> Result<Vec<TemplateFile>, Diagnostic> {
        match self {
            Theme::Disk { dir, .. } => read_templates(
                &dir.join("templates"),
                &self.display_dir().join("templates"),
            ),
            Theme::Embedded => {
                let mut out = Vec::new();
                if let Some(t) = EMBEDDED_CALM.get_dir("templates") {
                    collect_embedded(t, &mut out);
                }
                out.sort_by(|a, b| a.name.cmp(&b.name));
                Ok(out)
            }
        }
    }

    /// The theme's static files; symbolic links are followed inside the site's folder `root`
    /// only (see [`crate::walk`]).
    pub fn static_files(&self, root: &Path) -> Result<Vec<CopiedFile>, Vec<Diagnostic>> {
        match self {
            Theme::Disk { dir, .. } => {
                let static_dir = dir.join("static");
                if !static_dir.is_dir() {
                    return Ok(Vec::new());
                }
                let display = self.display_dir().join("static");
                let walk = crate::walk::Walk {
                    root,
                    display: &display,
                    keep: &|_, _| true,
                };
                Ok(walk
                    .files(&static_dir)?
                    .into_iter()
                    .map(|found| CopiedFile {
                        shown: display.join(&found.rel),
                        output: found.rel,
                        source: FileSource::Disk(found.path),
                        from: CopiedFrom::Theme,
                    })
                    .collect())
            }
            Theme::Embedded => {
                let mut out = Vec::new();
                if let Some(s) = EMBEDDED_CALM.get_dir("static") {
                    collect_embedded_files(s, &mut out);
                }
                out.sort_by(|a, b| a.output.cmp(&b.output));
                Ok(out)
            }
        }
    }
}

fn collect_embedded(dir: &Dir<'static>, out: &mut Vec<TemplateFile>) {
    for file in dir.files() {
        let Ok(name) = file.path().strip_prefix("templates") else {
            continue;
        };
        if let Some(text) = file.contents_utf8() {
            out.push(TemplateFile {
                name: name.to_string_lossy().replace('\\', "/"),
                text: text.to_string(),
                display: PathBuf::from("(built-in theme calm)").join(file.path()),
            });
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

fn collect_embedded_files(dir: &Dir<'static>, out: &mut Vec<CopiedFile>) {
    for file in dir.files() {
        if let Ok(rel) = file.path().strip_prefix("static") {
            let output = rel.to_string_lossy().replace('\\', "/");
            out.push(CopiedFile {
                shown: PathBuf::from("(built-in theme calm)/static").join(&output),
                output,
                source: FileSource::Embedded(file.contents()),
                from: CopiedFrom::Theme,
            });
        }
    }
    for d in dir.dirs() {
        collect_embedded_files(d, out);
    }
}

/// Reads `*.html` templates below `dir`, named by their path relative to it.
pub fn read_templates(dir: &Path, display: &Path) -> Result<Vec<TemplateFile>, Diagnostic> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            Diagnostic::error("io", format!("cannot read templates: {e}")).in_file(display)
        })?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || crate::content::is_ignored(&name) {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let shown = display.join(rel);
        let text = crate::content::read_text(entry.path(), &shown)?;
        out.push(TemplateFile {
            name: rel.to_string_lossy().replace('\\', "/"),
            text,
            display: shown,
        });
    }
    Ok(out)
}
