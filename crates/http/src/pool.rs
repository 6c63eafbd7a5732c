//! Large response buffers kept for the next response.
//!
//! A listing reads one large body per page (about 0.9 MB for 500 CloudTower VMs) into a fresh
//! contiguous buffer, decodes it and drops it. The system allocator serves buffers that size
//! from fresh mappings and gives them back on free, so every page paid for its memory again in
//! page faults (a 10,000-VM CloudTower listing took 5,200-5,700 faults; 3,600-3,900 with the
//! pool). A decoder that is done with a body hands it back with [`recycle`], and the next
//! response is read into it.
//!
//! The pool is small and bounded: at most [`KEPT`] buffers, each between 64 KiB and 4 MiB of
//! capacity; anything else is simply dropped. A buffer still shared (a slice of it kept
//! elsewhere) cannot be reused and is dropped as well.

use std::sync::Mutex;

use bytes::{Bytes, BytesMut};

/// The most buffers the pool keeps.
pub(crate) const KEPT: usize = 4;
/// Smaller buffers are cheap to allocate and are not kept.
const MIN_KEPT: usize = 64 << 10;
/// Larger buffers are not kept (a body over the transport's default collect limit, 4 MiB, is
/// streamed, not collected), so the pool holds at most `KEPT * MAX_KEPT` bytes: 16 MiB.
const MAX_KEPT: usize = 4 << 20;

static POOL: Mutex<Vec<BytesMut>> = Mutex::new(Vec::new());

fn pool() -> std::sync::MutexGuard<'static, Vec<BytesMut>> {
    // A panic cannot happen while it is held; the list stays whole either way.
    POOL.lock().unwrap_or_else(|p| p.into_inner())
}

/// Gives a body the caller has finished with back to the pool, for a later response of about
/// its size to be read into. Small, huge or still shared bodies are dropped instead.
///
/// ```
/// let body = bytes::Bytes::from(vec![b'x'; 1 << 20]);
/// // ... decoded, and no longer needed:
/// omnivirt_http::recycle(body);
/// ```
pub fn recycle(body: Bytes) {
    if !(MIN_KEPT..=MAX_KEPT).contains(&body.len()) {
        return;
    }
    let Ok(mut buf) = body.try_into_mut() else {
        return;
    };
    if !(MIN_KEPT..=MAX_KEPT).contains(&buf.capacity()) {
        return;
    }
    buf.clear();
    let mut kept = pool();
    if kept.len() < KEPT {
        kept.push(buf);
    }
}

/// An empty buffer with room for at least `expected` bytes: a kept one when there is one
/// (the largest), else a new one.
pub(crate) fn take(expected: usize) -> BytesMut {
    if expected >= MIN_KEPT {
        let found = {
            let mut kept = pool();
            let largest = kept
                .iter()
                .enumerate()
                .max_by_key(|(_, b)| b.capacity())
                .map(|(i, _)| i);
            largest.map(|i| kept.swap_remove(i))
        };
        if let Some(mut buf) = found {
            buf.reserve(expected);
            return buf;
        }
    }
    BytesMut::with_capacity(expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test touches the process-wide pool, so no other test races it.
    #[test]
    fn kept_buffers_are_reused_and_the_pool_stays_bounded() {
        pool().clear();
        // Too small, and shared: neither is kept.
        recycle(Bytes::from(vec![0u8; 100]));
        let shared = Bytes::from(vec![0u8; 1 << 20]);
        let slice = shared.slice(..10);
        recycle(shared);
        assert_eq!(pool().len(), 0);
        drop(slice);

        let body = Bytes::from(vec![7u8; 1 << 20]);
        let at = body.as_ptr();
        recycle(body);
        assert_eq!(pool().len(), 1);
        let buf = take(1 << 19);
        assert!(buf.is_empty(), "a kept buffer comes back empty");
        assert_eq!(buf.as_ptr(), at, "the same memory is read into again");
        assert!(buf.capacity() >= 1 << 20);
        assert_eq!(pool().len(), 0);

        // A small expected size never takes from the pool.
        let mut buf = buf;
        buf.extend_from_slice(&[1u8; 1 << 17]);
        recycle(buf.freeze());
        assert_eq!(take(10).capacity(), 10);
        assert_eq!(pool().len(), 1);

        for _ in 0..KEPT + 3 {
            recycle(Bytes::from(vec![1u8; 1 << 17]));
        }
        assert_eq!(pool().len(), KEPT);
        pool().clear();
    }
}
