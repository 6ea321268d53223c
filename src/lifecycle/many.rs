//! Many editions in one process (`translate --all`, several issues, a Batch API run): which
//! editions to bring up to date, and the schedule that runs their updates together.
//!
//! Every edition's requests wait in the model's one pool, the largest first, so the run ends
//! near its lower bound. The editions of one issue go one after another (they lock the same
//! original); enough issues run at once to keep every request slot busy. Each edition's
//! result is its own: one that fails leaves the others to be written.

use std::sync::Mutex;

use futures::stream::{self, StreamExt};

use crate::edition::issue::Issue;
use crate::lang::Lang;
use crate::memory::Memory;
use crate::model::run::Progress;
use crate::model::Model;

use super::{is_stale, update, Job, LifecycleError, Outcome, Project};

/// Which editions of the named issues a run brings up to date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Selection {
    /// Only editions that do not exist yet.
    pub missing: bool,
    /// Only editions whose original changed since they were written (see [`is_stale`]).
    pub stale: bool,
}

/// The editions to bring up to date: each issue in each target locale, in that order, those
/// `selection` asks for (all when it asks for neither kind; either kind when it asks for
/// both).
pub fn select<'i>(
    project: &Project,
    issues: &'i [Issue],
    targets: &[Lang],
    selection: Selection,
) -> Vec<(&'i Issue, Lang)> {
    let mut jobs = Vec::new();
    for issue in issues {
        for &target in targets {
            let wanted = match selection {
                Selection {
                    missing: false,
                    stale: false,
                } => true,
                Selection { missing, stale } => {
                    let exists = issue.edition(&project.layout, target).is_file();
                    (missing && !exists) || (stale && is_stale(project, issue, target))
                }
            };
            if wanted {
                jobs.push((issue, target));
            }
        }
    }
    jobs
}

/// Brings every edition of `jobs` up to date, each reporting to its own `progress[i]`, and
/// returns each one's result in the order of `jobs`.
pub async fn update_many<P: Progress>(
    project: &Project,
    jobs: &[Job<'_>],
    memory: &Mutex<Memory>,
    model: Option<&Model>,
    progress: &[P],
) -> Vec<Result<Outcome, LifecycleError>> {
    let concurrency = jobs.first().map_or(1, |j| j.settings.concurrency);
    let at_once = (concurrency.max(1) * 4).max(16);
    let mut done: Vec<(usize, Result<Outcome, LifecycleError>)> = stream::iter(by_issue(jobs))
        .map(|group| async move {
            let mut done = Vec::new();
            for i in group {
                done.push((
                    i,
                    update(project, &jobs[i], memory, model, &progress[i]).await,
                ));
            }
            done
        })
        .buffer_unordered(at_once)
        .flat_map(stream::iter)
        .collect()
        .await;
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
}

/// The jobs grouped by original, in order: the editions of one issue go one after another.
fn by_issue(jobs: &[Job<'_>]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        match groups.last_mut() {
            Some(g) if jobs[g[0]].issue.original == job.issue.original => g.push(i),
            _ => groups.push(vec![i]),
        }
    }
    groups
}
