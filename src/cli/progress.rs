//! The progress bar of `translate`: segments done of total, memory hits, on a terminal only.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// An indicatif bar on stderr when it is a terminal; nothing otherwise. Notes (retries,
/// repairs) go above the bar on a terminal, and to stderr as plain lines when it is not.
pub struct Bar {
    bar: ProgressBar,
    visible: bool,
}

impl Bar {
    pub fn new(label: &str) -> Self {
        let visible = std::io::stderr().is_terminal() && std::env::var_os("NO_PROGRESS").is_none();
        let bar = ProgressBar::with_draw_target(
            Some(0),
            if visible {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix} [{bar:30}] {pos}/{len} segments {msg} ({elapsed})",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        bar.set_prefix(label.to_string());
        Bar { bar, visible }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl editions::model::run::Progress for Bar {
    fn begin(&self, total: usize, from_memory: usize) {
        self.bar.set_length(total as u64);
        self.bar.set_position(from_memory as u64);
        self.bar.set_message(format!("· {from_memory} from memory"));
    }

    fn advance(&self, n: usize) {
        self.bar.inc(n as u64);
    }

    fn note(&self, message: &str) {
        if self.visible {
            self.bar.println(format!("note: {message}"));
        } else {
            eprintln!("note: {message}");
        }
    }
}
