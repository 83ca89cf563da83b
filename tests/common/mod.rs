//! Shared helpers for integration tests: fixture sites on disk and running the real binary.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const SITE_YAML: &str = r#"title: "Test Library"
base_url: "https://test.example/"
description: "A test site."
author: "Test Team"
safety:
  help_page: get-help
  notice: "Support is available 24/7."
  default_region: US
  regions:
    US:
      name: "United States"
      emergency: "911"
      resources:
        - name: "988 Suicide & Crisis Lifeline"
          call: "988"
          text: "988"
          chat: "https://988lifeline.org/chat/"
          hours: "24/7"
  topics:
    suicide:
      label: "suicide"
      high_risk: true
      terms: ["suicid*", "kill myself"]
    substance-use:
      label: "substance use"
      terms: ["alcohol*", "overdos*"]
  disclaimer: "Not a substitute for professional care."
  disclosure: "Run by the Test Team."
review:
  max_age_days: 365
  require_reviewer: false
"#;

pub const ARTICLE: &str = "---
title: \"Sleep and mood\"
description: \"How sleep and mood affect each other.\"
date: 2026-03-01
author: \"Ada Writer\"
reviewed_by: \"Dr. Sam Reviewer, PhD\"
reviewed: 2026-03-02
category: \"Everyday wellbeing\"
tags: [sleep, mood]
---
Sleep and mood are linked.

## Wind down

Try a calm routine. See [grounding](grounding.md#breathe-slowly).
";

pub const GROUNDING: &str = "---
title: \"Grounding\"
description: \"Simple ways to come back to the present.\"
date: 2026-02-01
author: \"Ada Writer\"
tags: [anxiety]
aliases: [\"/old/grounding/\"]
---
Grounding helps.

## Breathe slowly

In and out.

{% callout(kind=\"tip\", title=\"Try this\") %}
Name **five** things you can see.
{% end %}

{{ cta(heading=\"Need to talk?\", text=\"Free and confidential.\", link=\"get-help.md\") }}
";

/// A small valid site in a temporary folder.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        let f = Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        f.write("site.yaml", SITE_YAML);
        f.write("content/_index.md", "---\ntitle: \"Home\"\n---\nWelcome.\n");
        f.write(
            "content/about.md",
            "---\ntitle: \"About\"\n---\nAbout us.\n",
        );
        f.write(
            "content/articles/_index.md",
            "---\ntitle: \"Articles\"\ndescription: \"All articles.\"\nsort_by: date\npaginate_by: 1\n---\n",
        );
        f.write("content/articles/sleep.md", ARTICLE);
        f.write("content/articles/grounding.md", GROUNDING);
        f
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// Runs `haven ARGS --root <fixture>`.
    pub fn haven(&self, args: &[&str]) -> Run {
        run(self.root(), args)
    }

    pub fn build(&self) -> Run {
        self.haven(&["build"])
    }
}

pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert_eq!(
            self.code(),
            0,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
    /// Exit code 1 and every `needle` in stderr.
    #[track_caller]
    pub fn assert_error(&self, needles: &[&str]) -> &Self {
        let err = self.stderr();
        assert_eq!(self.code(), 1, "stdout:\n{}\nstderr:\n{err}", self.stdout());
        for n in needles {
            assert!(err.contains(n), "expected {n:?} in stderr:\n{err}");
        }
        assert!(!err.contains("panicked"), "{err}");
        self
    }
}

pub fn run(root: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(args)
        .arg("--root")
        .arg(root)
        .env("NO_COLOR", "1")
        .output()
        .expect("run haven");
    Run { output }
}

/// Every file below `dir` with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for e in walkdir::WalkDir::new(dir) {
        let e = e.expect("walk");
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).expect("prefix").to_path_buf();
            out.insert(rel, std::fs::read(e.path()).expect("read"));
        }
    }
    out
}
