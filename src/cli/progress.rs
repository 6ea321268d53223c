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

/// One bar for a run over many editions: segments done of all editions' total, the edition
/// last heard from and the requests in flight. Each edition reports through a [`JobBar`].
pub struct RunBar {
    bar: ProgressBar,
    visible: bool,
    pool: Option<editions::model::pool::Pool>,
}

impl RunBar {
    pub fn new(jobs: usize, pool: Option<editions::model::pool::Pool>) -> Self {
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
                "{prefix} [{bar:30}] {pos}/{len} segments · {msg} ({elapsed})",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        bar.set_prefix(format!("{jobs} editions"));
        RunBar { bar, visible, pool }
    }

    /// The reporter of one edition, named `label`.
    pub fn job<'a>(&'a self, label: String) -> JobBar<'a> {
        JobBar { run: self, label }
    }

    fn show(&self, label: &str) {
        let flight = self.pool.as_ref().map_or(0, |p| p.busy());
        self.bar
            .set_message(format!("{label} · {flight} requests in flight"));
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// One edition's progress, counted in its run's bar.
pub struct JobBar<'a> {
    run: &'a RunBar,
    label: String,
}

impl editions::model::run::Progress for JobBar<'_> {
    fn begin(&self, total: usize, from_memory: usize) {
        self.run.bar.inc_length(total as u64);
        self.run.bar.inc(from_memory as u64);
        self.run.show(&self.label);
    }

    fn advance(&self, n: usize) {
        self.run.bar.inc(n as u64);
        self.run.show(&self.label);
    }

    fn note(&self, message: &str) {
        let line = format!("note: {}: {message}", self.label);
        if self.run.visible {
            self.run.bar.println(line);
        } else {
            eprintln!("{line}");
        }
    }
}
