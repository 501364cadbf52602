//! Memory freed off the caller's path. At the end of a read the rows, their links and the
//! merge's and join's look-ups (hundreds of thousands of small allocations) are no longer
//! needed once the Arrow tables exist; freeing them takes about 0.2 s of one core on the
//! corpus of benches/README.md, which the caller need not wait for.

/// Drop `value` on a thread of its own and return at once. When no thread can be started,
/// `value` is dropped here instead (the closure that owns it is dropped with the error).
pub(crate) fn drop_in_background<V: Send + 'static>(value: V) {
    let freeing = std::thread::Builder::new().name("ffbkit-free".into()).spawn(move || drop(value));
    // The thread runs on by itself; a failure to start it has freed `value` already.
    drop(freeing);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// Sends the name of the thread it is dropped on.
    struct Probe(mpsc::Sender<Option<String>>);

    impl Drop for Probe {
        fn drop(&mut self) {
            let _ = self.0.send(std::thread::current().name().map(str::to_string));
        }
    }

    #[test]
    fn the_value_is_freed_on_a_thread_of_its_own() {
        let (tx, rx) = mpsc::channel();
        drop_in_background(Probe(tx));
        let on = rx.recv_timeout(std::time::Duration::from_secs(10)).expect("freed within 10 s");
        assert_eq!(on.as_deref(), Some("ffbkit-free"));
    }
}
