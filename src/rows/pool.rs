//! The result buffers rows are written into, reused across calls.

/// Result buffers, reused: a listing's JSON is often megabytes, and allocating
/// that afresh on every call costs an mmap and a page fault per page touched.
static BUFFERS: std::sync::Mutex<Vec<Vec<u8>>> = std::sync::Mutex::new(Vec::new());
const POOLED_BUFFERS: usize = 8;
/// Larger buffers are freed rather than kept, bounding what the pool holds.
const MAX_POOLED_BYTES: usize = 16 << 20;

thread_local! {
    /// One buffer kept by each thread first: a call on the JS thread takes and
    /// gives back the same one without touching the shared pool's lock.
    static OWN_BUFFER: std::cell::Cell<Option<Vec<u8>>> = const { std::cell::Cell::new(None) };
}

pub fn take_buffer() -> Vec<u8> {
    if let Some(own) = OWN_BUFFER.with(|b| b.take()) {
        return own;
    }
    let pooled = BUFFERS.lock().unwrap_or_else(|p| p.into_inner()).pop();
    pooled.unwrap_or_else(|| Vec::with_capacity(64 << 10))
}

pub fn give_back(mut buffer: Vec<u8>) {
    if buffer.capacity() > MAX_POOLED_BYTES {
        return;
    }
    buffer.clear();
    let Some(buffer) = OWN_BUFFER.with(|b| match b.take() {
        None => {
            b.set(Some(buffer));
            None
        }
        own => {
            b.set(own);
            Some(buffer)
        }
    }) else {
        return;
    };
    let mut pool = BUFFERS.lock().unwrap_or_else(|p| p.into_inner());
    if pool.len() < POOLED_BUFFERS {
        pool.push(buffer);
    }
}
