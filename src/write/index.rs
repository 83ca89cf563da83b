//! The index of an output tree: the folders and files a build left in it, each with the
//! identity the file system gives it (inode, change time, size) and each generated file's
//! content hash. It is kept beside the output (`.public.haven-index`) for the build that reuses
//! the tree as its spare, two builds later: that build then knows the tree's folders without
//! listing ten thousand of them, and its unchanged files without reading them back.
//!
//! The index is only a hint. A folder's recorded entries are trusted only while the folder's
//! inode, change time and size are the recorded ones (creating, removing or renaming an entry
//! changes its folder's change time), a file's hash only while the file's are (writing a file
//! changes its own); anything else is listed or read as if there were no index. As in git's
//! index, an entry changed in the clock tick in which it was recorded could change again
//! without its change time moving, so entries changed shortly before the recording are never
//! trusted.

use rayon::prelude::*;
use std::io::Write as _;
use std::path::Path;

/// Changes this close before a recording (nanoseconds) are not trusted: file systems stamp
/// changes with a clock that ticks every few milliseconds.
pub(super) const RACY_NANOS: i64 = 50_000_000;

/// Version 2: records are also read to tell the files Haven wrote in the output from others,
/// and every file recorded has Haven's mode (version 1 trees may not).
const HEADER: &str = "haven-index 2\n";

/// An entry's state as the file system reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    ino: u64,
    /// Change time, nanoseconds since the Unix epoch.
    changed: i64,
    pub size: u64,
}

impl Stamp {
    /// The stamp of `meta` (from `symlink_metadata` or an open file); `None` where the platform
    /// has no inode numbers.
    #[cfg(unix)]
    pub fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        Some(Stamp {
            ino: meta.ino(),
            changed: meta
                .ctime()
                .checked_mul(1_000_000_000)?
                .checked_add(meta.ctime_nsec())?,
            size: meta.size(),
        })
    }

    #[cfg(not(unix))]
    pub fn of(_: &std::fs::Metadata) -> Option<Stamp> {
        None
    }

    /// The stamp of the entry at `path`, not following a symbolic link.
    pub fn at(path: &Path) -> Option<Stamp> {
        std::fs::symlink_metadata(path)
            .ok()
            .and_then(|m| Stamp::of(&m))
    }
}

/// A generated file as it was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    pub stamp: Stamp,
    pub hash: u128,
}

/// The content hash recorded for generated files.
pub fn content_hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// Identifies a tree across renames: its root folder's device and inode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeId {
    dev: u64,
    ino: u64,
}

impl TreeId {
    #[cfg(unix)]
    pub fn of(dir: &Path) -> Option<TreeId> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::symlink_metadata(dir).ok()?;
        meta.is_dir().then(|| TreeId {
            dev: meta.dev(),
            ino: meta.ino(),
        })
    }

    #[cfg(not(unix))]
    pub fn of(_: &Path) -> Option<TreeId> {
        None
    }
}

/// One tree's record.
#[derive(Debug, Default)]
pub struct Record {
    /// Folders below the root (relative paths), with their stamps.
    pub dirs: Vec<(String, Stamp)>,
    /// Files, with the fingerprint of those Haven generated.
    pub files: Vec<(String, Option<Fingerprint>)>,
    /// Changes at or after this time (nanoseconds since the epoch) are not trusted.
    since: i64,
}

impl Record {
    /// A record whose stamps are taken from now on: call before taking them. `written` is the
    /// stamp of a file just written in the tree: its change time is "now" as the tree's file
    /// system tells time. On most that is to the nanosecond, but some keep whole seconds or
    /// two (FAT, some network shares), and a change within the same tick as the recording must
    /// not be trusted either.
    pub fn starting_now(written: Option<Stamp>) -> Record {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_nanos()).ok())
            .unwrap_or(0);
        let since = now.saturating_sub(RACY_NANOS);
        Record {
            since: written.map_or(since, |w| since.min(w.changed)),
            ..Record::default()
        }
    }

    /// Whether an entry found with stamp `found` is as recorded with `recorded`.
    pub fn trusts(&self, found: Option<Stamp>, recorded: Stamp) -> bool {
        found == Some(recorded) && recorded.changed < self.since
    }

    /// The record as text, in pieces formatted on all cores: a site's record is some 25,000
    /// lines, formatted while the build waits to finish.
    fn to_text(&self, tree: TreeId) -> Vec<Vec<u8>> {
        let mut head = b"tree ".to_vec();
        for n in [tree.dev, tree.ino] {
            push_number(&mut head, false, n);
            head.push(b' ');
        }
        push_number(&mut head, self.since < 0, self.since.unsigned_abs());
        for n in [self.dirs.len(), self.files.len()] {
            head.push(b' ');
            push_number(&mut head, false, n as u64);
        }
        head.push(b'\n');
        let stamp = |text: &mut Vec<u8>, s: &Stamp| {
            push_number(text, false, s.ino);
            text.push(b' ');
            push_number(text, s.changed < 0, s.changed.unsigned_abs());
            text.push(b' ');
            push_number(text, false, s.size);
            text.push(b' ');
        };
        let dirs = self.dirs.par_chunks(1024).map(|chunk| {
            let mut text = Vec::with_capacity(chunk.len() * 96);
            for (rel, s) in chunk {
                text.extend_from_slice(b"d ");
                stamp(&mut text, s);
                text.extend_from_slice(rel.as_bytes());
                text.push(b'\n');
            }
            text
        });
        let files = self.files.par_chunks(1024).map(|chunk| {
            let mut text = Vec::with_capacity(chunk.len() * 128);
            for (rel, fingerprint) in chunk {
                text.extend_from_slice(b"f ");
                match fingerprint {
                    Some(Fingerprint { stamp: s, hash }) => {
                        stamp(&mut text, s);
                        push_hex(&mut text, *hash);
                        text.push(b' ');
                    }
                    None => text.extend_from_slice(b"- "),
                }
                text.extend_from_slice(rel.as_bytes());
                text.push(b'\n');
            }
            text
        });
        let mut text = vec![head];
        text.par_extend(dirs);
        text.par_extend(files);
        text
    }
}

/// Appends `n` in decimal, after a minus sign if `negative` (`write!` costs several times as
/// much, for 75,000 numbers).
fn push_number(text: &mut Vec<u8>, negative: bool, n: u64) {
    if negative {
        text.push(b'-');
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    text.extend_from_slice(&digits[at..]);
}

/// Appends `n` as 32 lowercase hexadecimal digits.
fn push_hex(text: &mut Vec<u8>, n: u128) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut digits = [0u8; 32];
    for (i, digit) in digits.iter_mut().enumerate() {
        *digit = DIGITS[((n >> (4 * (31 - i))) & 15) as usize];
    }
    text.extend_from_slice(&digits);
}

/// The records of an index file that a build keeps: those of the trees it does not reuse, as
/// text.
#[derive(Debug, Default)]
pub struct Index {
    records: Vec<(TreeId, String)>,
}

impl Index {
    /// Reads the index at `path`: the records of `reused` (the tree a build reuses, whose
    /// record it replaces) and of `out` (the output, whose record it keeps), parsed, and the
    /// others. An index that is missing, damaged or from another version has no records.
    pub fn read(
        path: &Path,
        reused: Option<TreeId>,
        out: Option<TreeId>,
    ) -> (Index, [Option<Record>; 2]) {
        let mut index = Index::default();
        let mut found = [None, None];
        let Ok(text) = std::fs::read_to_string(path) else {
            return (index, found);
        };
        let Some(mut rest) = text.strip_prefix(HEADER) else {
            return (index, found);
        };
        while let Some((tree, len)) = record_extent(rest) {
            let (record, after) = rest.split_at(len);
            if Some(tree) == reused {
                found[0] = parse_record(record);
            } else {
                if Some(tree) == out {
                    found[1] = parse_record(record);
                }
                index.records.push((tree, record.to_string()));
            }
            rest = after;
        }
        (index, found)
    }

    /// Writes `record` of `tree`, and the records read of the trees in `keep`, to `path`.
    /// Trees whose records are gone are listed in full by the build that reuses them, so a
    /// failure here costs time, never correctness: it is returned for the caller to ignore.
    pub fn save(
        self,
        path: &Path,
        tree: TreeId,
        record: &Record,
        keep: &[TreeId],
    ) -> std::io::Result<()> {
        if record
            .dirs
            .iter()
            .map(|(rel, _)| rel)
            .chain(record.files.iter().map(|(rel, _)| rel))
            .any(|rel| rel.contains(['\n', '\r']))
        {
            // A name the line format cannot hold (only a file someone else put in the tree can
            // have one): no record, so the tree is listed.
            return std::fs::remove_file(path);
        }
        let text = record.to_text(tree);
        // Written whole beside it, then renamed over it: a build stopped while saving leaves
        // the previous index, never half of one.
        let partial = path.with_extension("partial");
        let written = (|| {
            let mut file =
                std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(&partial)?);
            file.write_all(HEADER.as_bytes())?;
            for piece in &text {
                file.write_all(piece)?;
            }
            for (id, kept) in &self.records {
                if keep.contains(id) && id != &tree {
                    file.write_all(kept.as_bytes())?;
                }
            }
            file.into_inner().map_err(|e| e.into_error())?;
            std::fs::rename(&partial, path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        written
    }
}

/// The tree and length of the record at the start of `text`, if it is complete.
fn record_extent(text: &str) -> Option<(TreeId, usize)> {
    let (head, mut rest) = text.split_once('\n')?;
    let fields: Vec<&str> = head.strip_prefix("tree ")?.split(' ').collect();
    let [dev, ino, _since, dirs, files] = fields[..] else {
        return None;
    };
    let tree = TreeId {
        dev: dev.parse().ok()?,
        ino: ino.parse().ok()?,
    };
    let lines = dirs.parse::<usize>().ok()? + files.parse::<usize>().ok()?;
    let mut len = head.len() + 1;
    for _ in 0..lines {
        let (line, after) = rest.split_once('\n')?;
        len += line.len() + 1;
        rest = after;
    }
    Some((tree, len))
}

/// Parses one record (as cut by [`record_extent`]); `None` if any line is malformed.
fn parse_record(text: &str) -> Option<Record> {
    let mut lines = text.lines();
    let head = lines.next()?.strip_prefix("tree ")?;
    let fields: Vec<&str> = head.split(' ').collect();
    let [_, _, since, dirs, files] = fields[..] else {
        return None;
    };
    let (dirs, files): (usize, usize) = (dirs.parse().ok()?, files.parse().ok()?);
    let mut record = Record {
        dirs: Vec::with_capacity(dirs),
        files: Vec::with_capacity(files),
        since: since.parse().ok()?,
    };
    let stamp = |ino: &str, changed: &str, size: &str| {
        Some(Stamp {
            ino: ino.parse().ok()?,
            changed: changed.parse().ok()?,
            size: size.parse().ok()?,
        })
    };
    for line in lines.by_ref().take(dirs) {
        let mut f = line.strip_prefix("d ")?.splitn(4, ' ');
        let s = stamp(f.next()?, f.next()?, f.next()?)?;
        record.dirs.push((f.next()?.to_string(), s));
    }
    for line in lines.by_ref().take(files) {
        let line = line.strip_prefix("f ")?;
        if let Some(rel) = line.strip_prefix("- ") {
            record.files.push((rel.to_string(), None));
            continue;
        }
        let mut f = line.splitn(5, ' ');
        let s = stamp(f.next()?, f.next()?, f.next()?)?;
        let hash = u128::from_str_radix(f.next()?, 16).ok()?;
        record
            .files
            .push((f.next()?.to_string(), Some(Fingerprint { stamp: s, hash })));
    }
    (record.dirs.len() == dirs && record.files.len() == files && lines.next().is_none())
        .then_some(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(ino: u64) -> Stamp {
        Stamp {
            ino,
            changed: 1_700_000_000_000_000_000 + ino as i64,
            size: 10 * ino,
        }
    }

    fn sample() -> Record {
        Record {
            dirs: vec![("a".into(), stamp(1)), ("a/b c".into(), stamp(2))],
            files: vec![
                (
                    "a/b c/index.html".into(),
                    Some(Fingerprint {
                        stamp: stamp(3),
                        hash: u128::MAX - 7,
                    }),
                ),
                ("favicon.svg".into(), None),
            ],
            since: 1_800_000_000_000_000_000,
        }
    }

    #[test]
    fn records_survive_the_file_and_only_kept_trees_stay() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".public.haven-index");
        let (one, two, three) = (
            TreeId { dev: 1, ino: 10 },
            TreeId { dev: 1, ino: 20 },
            TreeId { dev: 1, ino: 30 },
        );
        Index::default().save(&file, one, &sample(), &[]).unwrap();
        let empty = Record::default();
        let (index, _) = Index::read(&file, None, None);
        index.save(&file, two, &empty, &[one]).unwrap();
        let (index, [again, _]) = Index::read(&file, Some(one), None);
        let again = again.unwrap();
        assert_eq!(again.dirs, sample().dirs);
        assert_eq!(again.files, sample().files);
        assert_eq!(again.since, sample().since);
        assert_eq!(index.records.len(), 1);
        assert!(Index::read(&file, Some(two), None).1[0].is_some());
        // A tree not kept is dropped when the index is saved again.
        let (index, _) = Index::read(&file, None, None);
        index.save(&file, three, &empty, &[two]).unwrap();
        assert!(Index::read(&file, Some(one), None).1[0].is_none());
        assert!(Index::read(&file, Some(two), None).1[0].is_some());
        assert!(Index::read(&file, Some(three), None).1[0].is_some());
    }

    #[test]
    fn numbers_are_written_as_they_are_read() {
        for n in [0, 7, -7, i64::MIN, i64::MAX] {
            let mut text = Vec::new();
            push_number(&mut text, n < 0, n.unsigned_abs());
            assert_eq!(text, n.to_string().as_bytes());
        }
        let mut text = Vec::new();
        push_number(&mut text, false, u64::MAX);
        assert_eq!(text, u64::MAX.to_string().as_bytes());
        let mut text = Vec::new();
        push_hex(&mut text, u128::MAX - 7);
        assert_eq!(text, format!("{:032x}", u128::MAX - 7).as_bytes());
    }

    #[test]
    fn a_cut_or_damaged_index_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".public.haven-index");
        let tree = TreeId { dev: 1, ino: 10 };
        Index::default().save(&file, tree, &sample(), &[]).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        // Cut after a whole line: the record says how many lines it has.
        let cut = text.trim_end().rfind('\n').unwrap() + 1;
        std::fs::write(&file, &text[..cut]).unwrap();
        assert!(Index::read(&file, Some(tree), None).1[0].is_none());
        std::fs::write(&file, text.replace("f - ", "f ? ")).unwrap();
        assert!(Index::read(&file, Some(tree), None).1[0].is_none());
        std::fs::write(&file, text.replace("haven-index 2", "haven-index 9")).unwrap();
        assert!(Index::read(&file, Some(tree), None).1[0].is_none());
        std::fs::write(&file, &text).unwrap();
        assert!(Index::read(&file, Some(tree), None).1[0].is_some());
    }

    #[test]
    fn changes_in_the_file_systems_last_tick_are_not_trusted() {
        // A file system that keeps two-second times: a file just written says 10:00:00.
        let tick = 2_000_000_000;
        let written = Stamp {
            changed: 1_700_000_000_000_000_000 / tick * tick,
            ..stamp(9)
        };
        let record = Record::starting_now(Some(written));
        let same_tick = written;
        assert!(!record.trusts(Some(same_tick), same_tick));
        let earlier = Stamp {
            changed: written.changed - tick,
            ..written
        };
        assert!(record.trusts(Some(earlier), earlier));
    }

    #[test]
    fn recent_changes_are_not_trusted() {
        let record = Record::starting_now(None);
        let old = Stamp {
            changed: record.since - 1,
            ..stamp(1)
        };
        assert!(record.trusts(Some(old), old));
        assert!(!record.trusts(None, old));
        assert!(!record.trusts(Some(stamp(2)), old));
        let racy = Stamp {
            changed: record.since,
            ..old
        };
        assert!(!record.trusts(Some(racy), racy));
    }

    #[test]
    fn names_the_format_cannot_hold_leave_no_record() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".public.haven-index");
        let tree = TreeId { dev: 1, ino: 10 };
        Index::default().save(&file, tree, &sample(), &[]).unwrap();
        let mut odd = sample();
        odd.files.push(("x\ny".into(), None));
        Index::read(&file, None, None)
            .0
            .save(&file, tree, &odd, &[])
            .unwrap();
        assert!(!file.exists());
    }
}
