//! Sources being translated in this run, so that nothing is paid for twice.
//!
//! In a run over many editions, the same source text (a recurring sentence, a repeated
//! heading) can be pending in several editions at once, each having looked it up in the memory
//! before any other translated it. The first edition to reach it claims it and sends it; the
//! others wait for the claim to end, then find its translation in the memory. A claim ends when
//! its owner's translation was validated and stored, or when the owner gave up (its sender is
//! dropped), in which case the waiting edition asks for it itself.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::watch;

use crate::lang::Lang;

/// The claims of a run.
#[derive(Debug, Default)]
pub struct Claims {
    open: Mutex<HashMap<(Lang, String), watch::Receiver<()>>>,
}

/// What claiming a source gave.
pub enum Claimed {
    /// This edition sends it; drop the owner when its translation is stored (or given up).
    Owner(Owner),
    /// Another edition is sending it: wait for this, then look it up in the memory.
    Wait(Waiter),
}

/// The claim of one source: dropped, it ends.
#[derive(Debug)]
pub struct Owner(#[allow(dead_code)] watch::Sender<()>);

/// A claim held by another edition.
#[derive(Debug)]
pub struct Waiter(watch::Receiver<()>);

impl Waiter {
    /// Resolves when the claim ends.
    pub async fn ended(mut self) {
        while self.0.changed().await.is_ok() {}
    }
}

impl Claims {
    /// Claims `source` in `target` for the caller, unless another edition holds it.
    pub fn claim(&self, target: Lang, source: &str) -> Claimed {
        let mut open = self.open.lock().expect("claims lock");
        let key = (target, source.to_string());
        if let Some(rx) = open.get(&key) {
            // A claim whose owner is gone has ended.
            if rx.has_changed().is_ok() {
                return Claimed::Wait(Waiter(rx.clone()));
            }
        }
        let (tx, rx) = watch::channel(());
        open.insert(key, rx);
        Claimed::Owner(Owner(tx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn a_second_claim_waits_for_the_first() {
        let claims = Claims::default();
        let Claimed::Owner(owner) = claims.claim(Lang::En, "源") else {
            panic!("the first claim owns");
        };
        let Claimed::Wait(waiter) = claims.claim(Lang::En, "源") else {
            panic!("the second waits");
        };
        assert!(matches!(claims.claim(Lang::Ja, "源"), Claimed::Owner(_)));
        let waiting = tokio::spawn(waiter.ended());
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        drop(owner);
        waiting.await.unwrap();
        // Ended: the next claim owns again.
        assert!(matches!(claims.claim(Lang::En, "源"), Claimed::Owner(_)));
    }
}
