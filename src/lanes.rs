//! Text eight bytes at a time: bit arithmetic on a `u64` of bytes (little-endian, so lane 0 is
//! the first byte) that finds bytes of a kind without a branch per byte. Word counts, line
//! positions, keyword lookups and readability all scan every byte of prose with these.

/// `0x01` in every lane.
pub const LANES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every lane: each function below answers with these bits.
pub const HIGH: u64 = 0x80 * LANES;

/// The eight bytes of `chunk` as a word.
pub fn word(chunk: &[u8; 8]) -> u64 {
    u64::from_le_bytes(*chunk)
}

/// The lanes of `x` equal to `byte`.
pub fn equal(x: u64, byte: u8) -> u64 {
    let y = x ^ (u64::from(byte) * LANES);
    // A lane is zero when neither its low seven bits (which cannot carry into the next lane
    // once 0x7F is added) nor its high bit are set.
    !(((y & (0x7F * LANES)) + 0x7F * LANES) | y) & HIGH
}

/// The lanes of `x` holding an ASCII byte from `lo` to `hi` (both ASCII, `lo <= hi`).
pub fn ascii_in(x: u64, lo: u8, hi: u8) -> u64 {
    // Bit 7 cleared first, so that no lane carries into the next.
    let low = x & (0x7F * LANES);
    let at_least_lo = low + u64::from(0x80 - lo) * LANES;
    let above_hi = low + u64::from(0x7F - hi) * LANES;
    at_least_lo & !above_hi & !x & HIGH
}

/// The lanes of `x` holding an ASCII letter, either case.
pub fn ascii_letters(x: u64) -> u64 {
    // Setting bit 5 lowercases letters and sends no other ASCII byte into `a`–`z`.
    ascii_in(x | (0x20 * LANES), b'a', b'z')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value in every lane, among other bytes, against `expected`.
    fn check(found: impl Fn(u64) -> u64, expected: impl Fn(u8) -> bool) {
        for b in 0..=255u8 {
            for lane in 0..8 {
                let mut bytes = *b"a!Z-9 ~\n";
                bytes[lane] = b;
                let want = bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| expected(**c))
                    .fold(0u64, |set, (i, _)| set | 0x80 << (8 * i));
                assert_eq!(found(word(&bytes)), want, "{b:#x} in lane {lane}");
            }
        }
    }

    #[test]
    fn lanes_match_bytes() {
        for target in [0u8, b'\n', b' ', 0x7F, 0x80, 0xFF] {
            check(|x| equal(x, target), |c| c == target);
        }
        check(|x| ascii_in(x, 0x09, 0x0D), |c| (0x09..=0x0D).contains(&c));
        check(|x| ascii_in(x, b'0', b'9'), |c| c.is_ascii_digit());
        check(|x| ascii_in(x, 0, 0x7F), |c| c.is_ascii());
        check(ascii_letters, |c| c.is_ascii_alphabetic());
    }
}
