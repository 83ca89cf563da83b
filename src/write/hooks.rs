//! Failure injection for Haven's own tests of the output folder, through environment
//! variables that are for tests only (docs/security.md lists them; a user has no reason to
//! set them):
//!
//! - `HAVEN_TEST_STOP=STEP` kills the process (SIGKILL, so nothing is cleaned up) when the
//!   writer reaches `STEP`: one of [`STEPS`], or `write:N` just before the N-th file is
//!   written. The kill tests stop a build at each of them and check what is left.
//! - `HAVEN_TEST_DISK_FULL_AFTER=N` fails every file written after the first N with "No space
//!   left on device", as a full disk does.
//! - `HAVEN_TEST_NO_EXCHANGE=1` swaps a new site into place with two renames, as on file
//!   systems without an atomic exchange.
//!
//! Read once per process; a build without them pays one check of a flag per file.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The named steps where `HAVEN_TEST_STOP` can stop a build, in the order a build passes them
/// (the `swap:` ones depend on the way the site is swapped in).
pub const STEPS: &[&str] = &[
    "recovered",
    "created",
    "stale-removed",
    "marked",
    "index-saved",
    // First build: the only rename.
    "swap:renamed",
    // An atomic exchange.
    "swap:exchanged",
    // Two renames: the new site named complete, the old one moved aside (the gap), and done.
    "swap:new-named",
    "swap:old-moved",
    "swap:new-in-place",
    "spare-kept",
];

struct Hooks {
    stop: Option<String>,
    stop_at_write: Option<usize>,
    full_after: Option<usize>,
    no_exchange: bool,
    active: bool,
    writes: AtomicUsize,
}

fn hooks() -> &'static Hooks {
    static HOOKS: OnceLock<Hooks> = OnceLock::new();
    HOOKS.get_or_init(|| {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let stop = var("HAVEN_TEST_STOP");
        let stop_at_write = stop
            .as_deref()
            .and_then(|s| s.strip_prefix("write:"))
            .and_then(|n| n.parse().ok());
        let full_after = var("HAVEN_TEST_DISK_FULL_AFTER").and_then(|n| n.parse().ok());
        Hooks {
            active: stop_at_write.is_some() || full_after.is_some(),
            stop,
            stop_at_write,
            full_after,
            no_exchange: var("HAVEN_TEST_NO_EXCHANGE").is_some(),
            writes: AtomicUsize::new(0),
        }
    })
}

/// Stops the process here if a test asked for it (see the module's documentation).
pub fn step(name: &str) {
    debug_assert!(STEPS.contains(&name), "an unlisted step: {name}");
    if hooks().stop.as_deref() == Some(name) {
        kill();
    }
}

/// Called before each file is written: stops the process or fails the write if a test asked.
pub fn before_write() -> std::io::Result<()> {
    let hooks = hooks();
    if !hooks.active {
        return Ok(());
    }
    let n = hooks.writes.fetch_add(1, Ordering::SeqCst) + 1;
    if hooks.stop_at_write == Some(n) {
        kill();
    }
    match hooks.full_after {
        Some(limit) if n > limit => Err(disk_full()),
        _ => Ok(()),
    }
}

/// Whether a test asked for the swap without an atomic exchange.
pub fn no_exchange() -> bool {
    hooks().no_exchange
}

#[cfg(unix)]
fn disk_full() -> std::io::Error {
    std::io::Error::from_raw_os_error(rustix::io::Errno::NOSPC.raw_os_error())
}

#[cfg(not(unix))]
fn disk_full() -> std::io::Error {
    std::io::Error::from(std::io::ErrorKind::StorageFull)
}

/// Ends the process as `kill -9` does: no destructor, no clean-up.
fn kill() -> ! {
    #[cfg(unix)]
    {
        let _ =
            rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::KILL);
    }
    std::process::abort()
}
