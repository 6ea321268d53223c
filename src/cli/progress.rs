//! The progress bar of `translate`: segments done of total, memory hits, on a terminal only.

use std::io::IsTerminal;

use super::messages::say;
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
        // Drawn from `begin` on, once it knows its length (not as a full `0/0` bar before).
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{prefix}} [{{bar:30}}] {} {{msg}} ({{elapsed}})",
                say("cli-bar-segments", &[])
            ))
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
        self.bar.set_message(format!(
            "· {}",
            say("cli-bar-from-memory", &[("count", &from_memory)])
        ));
        if self.visible {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn advance(&self, n: usize) {
        self.bar.inc(n as u64);
    }

    fn note(&self, message: &str) {
        let message = editions::control::visible(message);
        if self.visible {
            self.bar
                .println(say("cli-note", &[("message", &message.into_owned())]));
        } else {
            eprintln!("{}", say("cli-note", &[("message", &message.into_owned())]));
        }
    }
}

/// One bar for a run over many editions: segments done of all editions' total, the edition
/// last heard from and the requests in flight (in batch mode, the job's state). Each edition
/// reports through a [`JobBar`]; [`RunBar::tick`] refreshes it while nothing reports (a batch
/// job being polled).
pub struct RunBar<'m> {
    bar: ProgressBar,
    visible: bool,
    model: Option<&'m editions::model::Model>,
    last: std::sync::Mutex<String>,
}

impl<'m> RunBar<'m> {
    pub fn new(jobs: usize, model: Option<&'m editions::model::Model>) -> Self {
        let visible = std::io::stderr().is_terminal() && std::env::var_os("NO_PROGRESS").is_none();
        // Drawn once the first edition reports its length.
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{prefix}} [{{bar:30}}] {} · {{msg}} ({{elapsed}})",
                say("cli-bar-segments", &[])
            ))
            .expect("a valid template")
            .progress_chars("=> "),
        );
        bar.set_prefix(say("cli-bar-editions", &[("count", &jobs)]));
        RunBar {
            bar,
            visible,
            model,
            last: Default::default(),
        }
    }

    /// The reporter of one edition, named `label`.
    pub fn job(&self, label: String) -> JobBar<'_, 'm> {
        JobBar { run: self, label }
    }

    fn show(&self, label: &str) {
        label.clone_into(&mut self.last.lock().expect("bar lock"));
        self.tick();
    }

    /// Redraws the message: the edition last heard from, and what the model is doing.
    pub fn tick(&self) {
        let label = self.last.lock().expect("bar lock").clone();
        let doing = match self.model {
            Some(m) => match m.batch_status().and_then(|s| s.current) {
                Some((id, status, done, total)) => say(
                    "cli-bar-batch",
                    &[
                        ("id", &id),
                        ("status", &status),
                        ("done", &done),
                        ("total", &total),
                    ],
                ),
                None => say("cli-bar-in-flight", &[("count", &m.in_flight())]),
            },
            None => say("cli-bar-memory", &[]),
        };
        self.bar.set_message(format!("{label} · {doing}"));
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// One edition's progress, counted in its run's bar.
pub struct JobBar<'r, 'm> {
    run: &'r RunBar<'m>,
    label: String,
}

impl editions::model::run::Progress for JobBar<'_, '_> {
    fn begin(&self, total: usize, from_memory: usize) {
        self.run.bar.inc_length(total as u64);
        self.run.bar.inc(from_memory as u64);
        if self.run.visible && self.run.bar.is_hidden() {
            self.run.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.run.show(&self.label);
    }

    fn advance(&self, n: usize) {
        self.run.bar.inc(n as u64);
        self.run.show(&self.label);
    }

    fn note(&self, message: &str) {
        let line = say(
            "cli-note",
            &[(
                "message",
                &format!("{}: {}", self.label, editions::control::visible(message)),
            )],
        );
        if self.run.visible {
            self.run.bar.println(line);
        } else {
            eprintln!("{line}");
        }
    }
}
