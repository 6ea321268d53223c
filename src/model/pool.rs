//! The request pool: at most `slots` requests in flight for the whole run, across every issue
//! and locale, the largest waiting request first.
//!
//! Sending the largest request first is the longest-processing-time rule: when the pool is
//! short of slots, the small requests fill the gaps the large ones leave, so the run ends close
//! to its lower bound (total model time ÷ slots, or the longest single request). Requests of
//! the same size are served in the order they asked.

use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

/// A pool of request slots.
#[derive(Clone)]
pub struct Pool {
    inner: Arc<Mutex<State>>,
}

struct State {
    free: usize,
    /// Requests in flight, for the progress display.
    busy: usize,
    waiting: BinaryHeap<Waiter>,
    next: u64,
}

struct Waiter {
    size: usize,
    /// Arrival order, to serve equal sizes first come first served.
    seq: u64,
    wake: oneshot::Sender<()>,
}

impl PartialEq for Waiter {
    fn eq(&self, other: &Self) -> bool {
        (self.size, self.seq) == (other.size, other.seq)
    }
}
impl Eq for Waiter {}
impl PartialOrd for Waiter {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Waiter {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // The largest first; of equal sizes, the earliest.
        self.size
            .cmp(&other.size)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

/// A slot held; it is given to the next waiter when dropped.
pub struct Slot {
    pool: Pool,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.pool.release();
    }
}

/// A request waiting for a slot. If its future is dropped after the slot was handed to it
/// but before it saw so (the run stopped), the slot goes back to the pool.
struct Waiting {
    rx: oneshot::Receiver<()>,
    pool: Pool,
    granted: bool,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if !self.granted && self.rx.try_recv().is_ok() {
            self.pool.release();
        }
    }
}

impl Pool {
    /// A pool of `slots` (at least one).
    pub fn new(slots: usize) -> Self {
        Pool {
            inner: Arc::new(Mutex::new(State {
                free: slots.max(1),
                busy: 0,
                waiting: BinaryHeap::new(),
                next: 0,
            })),
        }
    }

    /// Waits for a slot for a request of `size` (its expected answer, in characters).
    pub async fn acquire(&self, size: usize) -> Slot {
        let rx = {
            let mut s = self.inner.lock().expect("pool lock");
            if s.free > 0 && s.waiting.is_empty() {
                s.free -= 1;
                s.busy += 1;
                return Slot { pool: self.clone() };
            }
            let (tx, rx) = oneshot::channel();
            let seq = s.next;
            s.next += 1;
            s.waiting.push(Waiter {
                size,
                seq,
                wake: tx,
            });
            rx
        };
        let mut waiting = Waiting {
            rx,
            pool: self.clone(),
            granted: false,
        };
        // The sender lives in the pool until it is woken, and the pool outlives this call.
        let _ = (&mut waiting.rx).await;
        waiting.granted = true;
        Slot { pool: self.clone() }
    }

    fn release(&self) {
        let mut s = self.inner.lock().expect("pool lock");
        // Hand the slot to the largest live waiter; a waiter that gave up is passed over.
        while let Some(w) = s.waiting.pop() {
            if w.wake.send(()).is_ok() {
                return;
            }
        }
        s.busy -= 1;
        s.free += 1;
    }

    /// Requests in flight now.
    pub fn busy(&self) -> usize {
        self.inner.lock().expect("pool lock").busy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn the_largest_waiting_request_goes_first() {
        let pool = Pool::new(1);
        let first = pool.acquire(1).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for size in [10, 300, 20, 300] {
            let (pool, order) = (pool.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let _slot = pool.acquire(size).await;
                order.lock().unwrap().push(size);
            }));
            tokio::task::yield_now().await;
        }
        assert_eq!(pool.busy(), 1);
        drop(first);
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), [300, 300, 20, 10]);
        assert_eq!(pool.busy(), 0);
    }
}
