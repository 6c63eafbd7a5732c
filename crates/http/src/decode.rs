//! Decoding a large answer off the runtime's worker threads.

use std::fmt;

/// Bodies at least this large are decoded on a blocking thread (see [`decode_large`]).
pub const DECODE_OFF_RUNTIME: usize = 256 * 1024;

/// [`decode_large`] could not run its decoder: the runtime is shutting down.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeStopped;

impl fmt::Display for DecodeStopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("decoding the answer stopped: the async runtime is shutting down")
    }
}

impl std::error::Error for DecodeStopped {}

/// Runs `decode` (the decoding of a body of `len` bytes) where it does not hold up the runtime:
/// on tokio's blocking pool when the body is at least [`DECODE_OFF_RUNTIME`] bytes and a tokio
/// runtime is running, else right here.
///
/// A large page takes milliseconds of CPU to decode. Decoded inside a task, it keeps that
/// worker from polling anything else meanwhile; when every worker is decoding, the answer to
/// the next request (already started, see `omnivirt_core::announce_next_page`) waits in the
/// socket until one is done. On the blocking pool, the workers stay free to read it.
///
/// A panic in `decode` is resumed in the caller, as if it had run here.
///
/// ```
/// let rt = tokio::runtime::Builder::new_current_thread().build()?;
/// let small = rt.block_on(omnivirt_http::decode_large(3, || "abc".len()));
/// assert_eq!(small, Ok(3));
/// let large = rt.block_on(omnivirt_http::decode_large(1 << 20, || 42));
/// assert_eq!(large, Ok(42));
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn decode_large<R, F>(len: usize, decode: F) -> Result<R, DecodeStopped>
where
    R: Send + 'static,
    F: FnOnce() -> R + Send + 'static,
{
    if len < DECODE_OFF_RUNTIME || tokio::runtime::Handle::try_current().is_err() {
        return Ok(decode());
    }
    match tokio::task::spawn_blocking(decode).await {
        Ok(r) => Ok(r),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(DecodeStopped),
    }
}

/// `body` decoded as JSON, its UTF-8 checked once: serde_json reading bytes checks each string
/// again as it meets it (an answer holding a VM has about a hundred), reading text does not. A
/// body that is not UTF-8 is read from the bytes, so that the error says where it breaks.
///
/// ```
/// let n: Vec<String> = omnivirt_http::json_from_bytes(br#"["a", "b\u00e9"]"#)?;
/// assert_eq!(n, ["a", "b\u{e9}"]);
/// let bad = omnivirt_http::json_from_bytes::<Vec<String>>(b"[\"\xff\"]").unwrap_err();
/// assert!(bad.to_string().contains("line 1 column"), "{bad}");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn json_from_bytes<T: serde::de::DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_reads_the_same_from_text_checked_once() {
        let body = "{\"name\": \"caf\u{e9}\", \"n\": [1, 2]}".as_bytes();
        let got: serde_json::Value = json_from_bytes(body).unwrap();
        assert_eq!(
            got,
            serde_json::from_slice::<serde_json::Value>(body).unwrap()
        );
        let e = json_from_bytes::<serde_json::Value>(b"{\"a\": \"\xc3\"}").unwrap_err();
        assert_eq!(
            e.to_string(),
            serde_json::from_slice::<serde_json::Value>(b"{\"a\": \"\xc3\"}")
                .unwrap_err()
                .to_string()
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn large_bodies_leave_the_worker_and_small_ones_do_not() {
        let here = std::thread::current().id();
        let small = decode_large(DECODE_OFF_RUNTIME - 1, move || std::thread::current().id());
        assert_eq!(small.await, Ok(here));
        let large = decode_large(DECODE_OFF_RUNTIME, move || std::thread::current().id());
        assert_ne!(large.await, Ok(here));
    }

    #[tokio::test]
    async fn a_panic_in_the_decoder_is_the_callers_panic() {
        let task = tokio::spawn(decode_large(DECODE_OFF_RUNTIME, || -> u8 {
            panic!("bad page")
        }));
        let err = task.await.unwrap_err();
        assert!(err.is_panic());
        let msg = err.into_panic();
        assert_eq!(msg.downcast_ref::<&str>(), Some(&"bad page"));
    }

    #[test]
    fn without_a_runtime_it_decodes_here() {
        let here = std::thread::current().id();
        let got =
            futures::executor::block_on(decode_large(1 << 20, move || std::thread::current().id()));
        assert_eq!(got, Ok(here));
    }
}
