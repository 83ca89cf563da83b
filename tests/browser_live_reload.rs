//! A reader's view of the live preview, in headless Chromium: an edit appears without touching
//! the browser; broken front matter shows an overlay; fixing it removes the overlay.

#[path = "common/chromium.rs"]
mod chromium;
mod common;

use common::Fixture;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn edits_appear_and_errors_overlay_in_the_browser() {
    let f = Fixture::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["serve", "--port", "0", "--root"])
        .arg(f.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("haven serve");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let url = loop {
        let line = lines.next().expect("serve output").expect("line");
        if let Some(u) = line.strip_prefix("Serving at ") {
            break u.to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});

    let mut browser = chromium::Browser::start();
    browser.navigate(&format!("{url}articles/sleep/"));
    browser.wait_for(
        "document.body.innerText.includes('Sleep and mood are linked.')",
        "the article",
    );
    // Mark this page load so we can tell the page really reloaded by itself.
    browser.eval("window.__before_edit = true");

    f.write(
        "content/articles/sleep.md",
        &common::ARTICLE.replace("Sleep and mood are linked.", "Rest and mood move together."),
    );
    browser.wait_for(
        "document.body.innerText.includes('Rest and mood move together.') && !window.__before_edit",
        "the edited text after a reload",
    );

    f.write("content/articles/sleep.md", "---\ntitle: [broken\n---\n");
    browser.wait_for(
        "document.querySelector('[role=alertdialog]') && document.querySelector('[role=alertdialog]').innerText.includes('sleep.md')",
        "the error overlay naming the file",
    );
    // The last good page is still underneath.
    assert_eq!(
        browser.eval("document.body.innerText.includes('Rest and mood move together.')"),
        serde_json::json!(true)
    );

    f.write("content/articles/sleep.md", common::ARTICLE);
    browser.wait_for(
        "!document.querySelector('[role=alertdialog]') && document.body.innerText.includes('Sleep and mood are linked.')",
        "the overlay to clear and the fixed page to show",
    );
    let _ = child.kill();
    let _ = child.wait();
}
