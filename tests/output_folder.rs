//! The output folder: a build killed at any moment (`kill -9`) leaves the previous site or the
//! new one, complete, never a missing or half-written folder; a build that fills the disk
//! removes what it wrote; Haven replaces only a folder holding nothing but what it wrote; and
//! every file and folder gets the mode web servers expect.

mod common;
use common::{Fixture, snapshot};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

type Tree = BTreeMap<PathBuf, Vec<u8>>;

/// `haven build` of the fixture, with the test-only environment `env` (see docs/security.md).
fn build_with(f: &Fixture, env: &[(&str, &str)]) -> ExitStatus {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_haven"));
    cmd.arg("build")
        .arg("--root")
        .arg(f.root())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.status().expect("run haven")
}

/// Two versions of the fixture that differ on every page (the title) and in their files
/// (an article only B has, with a tag of its own).
fn set_version(f: &Fixture, b: bool) {
    let title = if b { "Test Library B" } else { "Test Library" };
    f.write(
        "site.yaml",
        &common::SITE_YAML.replace("\"Test Library\"", &format!("\"{title}\"")),
    );
    let extra = f.path("content/articles/extra.md");
    if b {
        f.write(
            "content/articles/extra.md",
            &common::ARTICLE
                .replace("Sleep and mood", "Extra")
                .replace("tags: [sleep, mood]", "tags: [extra-only]"),
        );
    } else if extra.exists() {
        std::fs::remove_file(extra).unwrap();
    }
}

/// The complete site of each version, built into folders of their own.
fn expected_sites(f: &Fixture) -> (Tree, Tree) {
    let mut sites = Vec::new();
    for (b, dir) in [(false, "expected-a"), (true, "expected-b")] {
        set_version(f, b);
        f.haven(&["build", "--output", f.path(dir).to_str().unwrap()])
            .assert_ok();
        sites.push(snapshot(&f.path(dir)));
    }
    let b = sites.pop().unwrap();
    let a = sites.pop().unwrap();
    assert_ne!(a, b);
    (a, b)
}

/// What Haven keeps beside `public/` (hidden folders and the index).
fn beside_public(f: &Fixture) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(f.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect();
    names.sort();
    names
}

/// Waits for the process a build starts to remove a replaced site.
fn settled(f: &Fixture) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while beside_public(f).iter().any(|n| n.contains("haven-old-"))
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    beside_public(f)
}

#[cfg(unix)]
fn killed(status: ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    status.signal() == Some(9)
}

/// Stops a rebuild (A → B) at each named step and after some files, then a first build, and
/// checks what is left each time; `two_renames` swaps without the atomic exchange (and stops
/// only around the swap: the steps before it are the same).
#[cfg(unix)]
fn stop_at_every_step(two_renames: bool) {
    let f = Fixture::new();
    let (a, b) = expected_sites(&f);
    let mut env = vec![];
    if two_renames {
        env.push(("HAVEN_TEST_NO_EXCHANGE", "1"));
    }
    set_version(&f, false);
    f.build().assert_ok();
    f.build().assert_ok();
    assert_eq!(snapshot(&f.path("public")), a);
    // The steps before the swap are the same either way.
    let steps: &[&str] = if two_renames {
        &[
            "index-saved",
            "swap:new-named",
            "swap:old-moved",
            "swap:new-in-place",
            "spare-kept",
        ]
    } else {
        &[
            "recovered",
            "created",
            "write:1",
            "write:4",
            "write:15",
            "stale-removed",
            "marked",
            "index-saved",
            "swap:exchanged",
            "spare-kept",
        ]
    };
    for &step in steps {
        set_version(&f, true);
        let mut stopped = env.clone();
        stopped.push(("HAVEN_TEST_STOP", step));
        let status = build_with(&f, &stopped);
        assert!(killed(status), "{step}: not stopped ({status})");
        let left = snapshot(&f.path("public"));
        if two_renames && step == "swap:old-moved" {
            // The one instant without `public/`: the next build puts the new site, which was
            // complete, in place before anything else, even when it then fails.
            assert!(!f.path("public").exists(), "{step}");
            f.write("content/articles/broken.md", "no front matter\n");
            f.build()
                .assert_error(&["note: public/ was missing", "missing-front-matter"]);
            std::fs::remove_file(f.path("content/articles/broken.md")).unwrap();
            assert!(snapshot(&f.path("public")) == b, "{step}: not restored");
        } else {
            assert!(left == a || left == b, "{step}: public/ is neither site");
        }
        // The next builds go on from whatever the stopped one left.
        assert!(build_with(&f, &env).success(), "{step}");
        assert!(snapshot(&f.path("public")) == b, "{step}");
        assert_eq!(
            settled(&f),
            [".public.haven-index", ".public.haven-spare"],
            "{step}"
        );
        set_version(&f, false);
        assert!(build_with(&f, &env).success(), "{step}");
        assert!(snapshot(&f.path("public")) == a, "{step}");
    }

    if two_renames {
        return;
    }
    // A first build: stopped, it leaves no site or the whole of it.
    set_version(&f, true);
    for step in [
        "recovered",
        "created",
        "write:3",
        "stale-removed",
        "marked",
        "index-saved",
        "swap:renamed",
    ] {
        std::fs::remove_dir_all(f.path("public")).unwrap();
        for name in beside_public(&f) {
            let path = f.path(&name);
            if path.is_dir() {
                std::fs::remove_dir_all(path).unwrap();
            } else {
                std::fs::remove_file(path).unwrap();
            }
        }
        let mut stopped = env.clone();
        stopped.push(("HAVEN_TEST_STOP", step));
        assert!(killed(build_with(&f, &stopped)), "first build, {step}");
        let public = f.path("public");
        assert!(
            !public.exists() || snapshot(&public) == b,
            "first build, {step}"
        );
        assert!(build_with(&f, &env).success(), "first build, {step}");
        assert!(snapshot(&public) == b, "first build, {step}");
    }
}

#[cfg(unix)]
#[test]
fn a_build_stopped_at_any_step_leaves_the_previous_site_or_the_new_one() {
    stop_at_every_step(false);
}

#[cfg(unix)]
#[test]
fn without_an_atomic_exchange_the_next_build_puts_a_stopped_swap_right() {
    stop_at_every_step(true);
}

/// `kill -9` after delays spread over a whole build of a site of some 150 pages, each
/// build changing the site: `public/` is always one of the two sites, byte for byte.
#[cfg(unix)]
#[test]
fn kill_9_at_random_moments_leaves_a_complete_site() {
    let f = Fixture::new();
    for i in 0..100 {
        f.write(
            &format!("content/articles/generated-{i}.md"),
            &common::ARTICLE
                .replace("Sleep and mood", &format!("Sleep and mood, part {i}"))
                .replace(
                    "tags: [sleep, mood]",
                    &format!("tags: [sleep, part-{}]", i % 12),
                ),
        );
    }
    let (a, b) = expected_sites(&f);
    set_version(&f, false);
    f.build().assert_ok();
    // How long a build takes here, to spread the kills over one.
    set_version(&f, true);
    let start = std::time::Instant::now();
    f.build().assert_ok();
    let whole = start.elapsed();
    let mut version = true;
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let (mut stopped, mut finished) = (0, 0);
    for i in 0..16u32 {
        version = !version;
        set_version(&f, version);
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // Evenly over 0–110% of a build, each shifted by up to a twentieth at random.
        let at = whole.mul_f64(f64::from(i) / 16.0 * 1.1 + (seed % 1000) as f64 / 20_000.0);
        let mut child = Command::new(env!("CARGO_BIN_EXE_haven"))
            .args(["build", "--root"])
            .arg(f.root())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        let _ = child.kill();
        let status = child.wait().unwrap();
        if killed(status) {
            stopped += 1;
        } else {
            assert!(status.success());
            finished += 1;
        }
        let left = snapshot(&f.path("public"));
        assert!(
            left == a || left == b,
            "public/ is neither site after a kill at {at:?} ({i})"
        );
    }
    assert!(
        stopped >= 12,
        "{stopped} builds stopped, {finished} finished"
    );
    f.build().assert_ok();
    assert!(snapshot(&f.path("public")) == if version { b } else { a });
    assert_eq!(settled(&f), [".public.haven-index", ".public.haven-spare"]);
}

/// Checks a build that runs out of disk space: it fails with the system's message, leaves the
/// site as it was, and removes everything it wrote (and the spare it took), so the space is
/// free again. `fill` makes the next build need more room than there is.
fn assert_full_disk_cleanup(f: &Fixture, output: &Path, build: impl Fn() -> common::Run) {
    let before = snapshot(output);
    assert!(!before.is_empty());
    build().assert_error(&[
        "error[write]: cannot write",
        "No space left on device",
        "free some space on that disk",
    ]);
    assert_eq!(snapshot(output), before);
    let parent = output.parent().unwrap();
    let mut beside: Vec<String> = std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("haven-"))
        .collect();
    beside.sort();
    assert_eq!(beside, [".public.haven-index"], "{}", f.root().display());
}

#[test]
fn a_build_that_runs_out_of_disk_space_removes_what_it_wrote() {
    let f = Fixture::new();
    f.build().assert_ok();
    f.build().assert_ok();
    assert!(f.path(".public.haven-spare").is_dir());
    set_version(&f, true);
    assert_full_disk_cleanup(&f, &f.path("public"), || {
        let output = Command::new(env!("CARGO_BIN_EXE_haven"))
            .args(["build", "--root"])
            .arg(f.root())
            .env("NO_COLOR", "1")
            .env("HAVEN_TEST_DISK_FULL_AFTER", "5")
            .output()
            .unwrap();
        common::Run { output }
    });
    // And the next build, with room, is whole.
    f.build().assert_ok();
    assert!(f.read("public/articles/extra/index.html").contains("Extra"));
}

/// The same on a real full disk: a 2 MB tmpfs, mounted in a user namespace of its own.
#[cfg(target_os = "linux")]
#[test]
fn a_build_that_fills_a_real_disk_removes_what_it_wrote() {
    let probe = Command::new("unshare")
        .args(["-rm", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !probe {
        // No user namespaces here: the test above covers the same through the test hook.
        eprintln!("unshare -rm is not available; the full disk is simulated instead");
        return;
    }
    let f = Fixture::new();
    let mount = tempfile::tempdir().unwrap();
    let disk = mount.path().to_str().unwrap().to_string();
    // Every step inside one namespace (the mount ends with it): a build that fits, then one
    // with a 3 MB static file, which does not; the listings after each are printed.
    let script = format!(
        r#"set -e
mount -t tmpfs -o size=2m tmpfs "{disk}"
"{haven}" build --root "{root}" --output "{disk}/public" >/dev/null 2>&1
list() {{ (cd "{disk}" && find . -type f -exec sha256sum {{}} + | sort -k2); }}
echo BEFORE; list
head -c 3000000 /dev/zero > "{root}/static/big.bin"
status=0
NO_COLOR=1 "{haven}" build --root "{root}" --output "{disk}/public" 2>"{root}/stderr" >/dev/null || status=$?
echo "STATUS $status"
echo AFTER; list
echo ENTRIES; ls -A "{disk}"
"#,
        haven = env!("CARGO_BIN_EXE_haven"),
        root = f.root().display(),
    );
    f.write("static/.keep-folder", "");
    let out = Command::new("unshare")
        .args(["-rm", "sh", "-c", &script])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let part = |from: &str, to: &str| {
        let start = text.find(from).unwrap() + from.len();
        let end = text[start..].find(to).map_or(text.len(), |i| start + i);
        text[start..end].trim().to_string()
    };
    let before = part("BEFORE", "STATUS");
    let after = part("AFTER", "ENTRIES");
    assert!(before.contains("./public/index.html"), "{text}");
    assert!(before.contains("./.public.haven-index"), "{text}");
    assert_eq!(part("STATUS", "AFTER"), "1", "{text}");
    // The site is as it was, and nothing of the failed build is left.
    let site = |listing: &str| -> Vec<String> {
        listing
            .lines()
            .filter(|l| l.contains("./public/"))
            .map(String::from)
            .collect()
    };
    assert_eq!(site(&after), site(&before), "{text}");
    assert_eq!(
        part("ENTRIES", "\u{0}"),
        ".public.haven-index\npublic",
        "{text}"
    );
    let stderr = f.read("stderr");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_folder_with_haven_s_marker_and_other_files_is_left_alone() {
    let f = Fixture::new();
    // A folder someone marked by hand (or copied a built site into) and keeps files in.
    f.write("docs/.haven-output", "");
    f.write("docs/CNAME", "library.example.org\n");
    f.write("docs/drafts/notes.md", "mine");
    let before = snapshot(&f.path("docs"));
    let docs = f.path("docs");
    f.haven(&["build", "--output", docs.to_str().unwrap()])
        .assert_error(&[
            "refusing to replace",
            "it holds files that Haven has no record of writing there: CNAME, drafts/",
            "move the files you want published into static/",
            "if they are only what an earlier build wrote, delete",
        ]);
    assert_eq!(snapshot(&docs), before);
    // Made part of the site, the file is Haven's to write.
    std::fs::rename(f.path("docs/CNAME"), f.path("static-cname")).unwrap();
    f.write(
        "static/CNAME",
        &std::fs::read_to_string(f.path("static-cname")).unwrap(),
    );
    std::fs::remove_dir_all(f.path("docs/drafts")).unwrap();
    f.haven(&["build", "--output", docs.to_str().unwrap()])
        .assert_ok();
    assert_eq!(f.read("docs/CNAME"), "library.example.org\n");
}

#[cfg(unix)]
#[test]
fn copied_files_get_0644_and_folders_0755_whatever_the_source_or_umask() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::new();
    f.write("static/private/key.txt", "not so private");
    f.write("static/run.sh", "#!/bin/sh\n");
    f.write("content/articles/sleep-chart.png", "png");
    let set = |rel: &str, mode: u32| {
        std::fs::set_permissions(f.path(rel), std::fs::Permissions::from_mode(mode)).unwrap()
    };
    set("static/private/key.txt", 0o600);
    set("static/private", 0o700);
    set("static/run.sh", 0o755);
    set("content/articles/sleep-chart.png", 0o640);
    // A restrictive umask too: what is published must be readable by the web server.
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 077 && exec \"{}\" build --root \"{}\"",
            env!("CARGO_BIN_EXE_haven"),
            f.root().display()
        ))
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(f.path("public")) {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode() & 0o7777;
        let want = if entry.file_type().is_dir() {
            0o755
        } else {
            0o644
        };
        assert_eq!(mode, want, "{}", entry.path().display());
        checked += 1;
    }
    assert!(checked > 20);
    assert!(f.path("public/private/key.txt").is_file());
    assert!(f.path("public/run.sh").is_file());
    assert!(f.path("public/articles/sleep-chart.png").is_file());
}
