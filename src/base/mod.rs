//! What every other layer uses and nothing of theirs: errors, text, the time
//! rules, the cancellation token, the stop handle and the read slots.

pub(crate) mod cancel;
pub(crate) mod error;
pub(crate) mod read_slots;
pub(crate) mod stop;
pub(crate) mod text;
pub(crate) mod time;

/// A multiply-xor hasher for small integer keys (cached SQL, activity's
/// groups): SipHash's DoS resistance buys nothing for keys we make ourselves.
#[derive(Default)]
pub(crate) struct IntHasher(u64);

impl std::hash::Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
}
