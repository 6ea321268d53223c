//! The lifecycle driven through the library, without the binary: what the command line
//! presents is all in [`Outcome`].

use crate::support;

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use editions::edition::issue;
use editions::lifecycle::{self, Effect, Job, Outcome, Project, State};
use editions::memory::Memory;
use editions::model::run::{Settings, Silent};
use editions::model::{Model, ModelSettings};
use editions::Lang;
use support::standin::{StandIn, KEY, MODEL};

fn project(root: &Path) -> Project {
    support::newsletter_project(&support::repo_config(), root)
}

/// One update with a fresh model; also says whether the model set up its HTTP client.
fn update(project: &Project, server: &StandIn, memory: &Mutex<Memory>) -> (Outcome, bool) {
    let issue = issue::resolve(&project.layout, "2024-01-06").unwrap();
    let job = Job {
        issue: &issue,
        target: Lang::En,
        out: None,
        stream: false,
        dry_run: false,
        retranslate: false,
        settings: Settings {
            concurrency: 2,
            price: Default::default(),
            model_name: MODEL.into(),
            ..editions::config::Config::default().run_settings(Lang::Zh, Lang::En, "2026-01-01")
        },
        today: "2026-01-01".into(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let model = Model::new(ModelSettings {
            base_url: server.base_url(),
            api_key: KEY.into(),
            model: MODEL.into(),
            timeout: Duration::from_secs(10),
            max_retries: 1,
            backoff: Duration::from_millis(10),
        })
        .unwrap();
        let outcome = lifecycle::update(project, &job, memory, Some(&model), &Silent)
            .await
            .unwrap();
        (outcome, model.connected())
    })
}

fn requests(o: &Outcome) -> u64 {
    match &o.effect {
        Effect::Written { summary, .. } | Effect::Unchanged { summary } => summary.requests,
        Effect::Planned(_) => panic!("not a dry run"),
    }
}

#[test]
fn the_lifecycle_runs_through_the_library() {
    let root = support::newsletter_root();
    let project = project(root.path());
    let server = StandIn::start(vec![]);
    let memory = Mutex::new(Memory::load(&project.memory).unwrap());

    let (first, connected) = update(&project, &server, &memory);
    assert!(connected);
    assert!(matches!(first.effect, Effect::Written { .. }));
    assert!(first.previous.is_none());
    let total = first.states.len();
    assert_eq!(first.count(State::New), total);
    assert!(first.record.is_file());

    // A hand edit in the edition and a changed paragraph elsewhere in the original.
    let en = std::fs::read_to_string(&first.edition).unwrap();
    let line = en
        .lines()
        .find(|l| l.contains("`asyncio.gather()`"))
        .unwrap();
    std::fs::write(
        &first.edition,
        en.replace(line, "By hand: **TaskGroup** and `asyncio.gather()`."),
    )
    .unwrap();
    let original = root.path().join("docs/2024-01-06-weekly.md");
    let text = std::fs::read_to_string(&original).unwrap();
    std::fs::write(
        &original,
        text.replacen("Django 近几个版本", "Django 5.0 之后", 1),
    )
    .unwrap();

    let (second, _) = update(&project, &server, &memory);
    assert_eq!(requests(&second), 1);
    assert_eq!(second.count(State::HandEdited), 1);
    assert_eq!(second.count(State::Changed), 1);
    assert_eq!(second.count(State::Unchanged), total - 2);
    assert_eq!(second.hand_edits.len(), 1);
    assert!(second.conflicts.is_empty());
    let Effect::Written { text, .. } = &second.effect else {
        panic!("written")
    };
    assert!(text.contains("By hand: **TaskGroup** and `asyncio.gather()`."));
    assert!(text.contains("Django 5.0"));

    let (third, connected) = update(&project, &server, &memory);
    assert!(matches!(third.effect, Effect::Unchanged { .. }));
    assert!(
        !connected,
        "a run with nothing to send sets up no HTTP client"
    );
    assert_eq!(third.count(State::Unchanged), total);
    assert_eq!(requests(&third), 0);
}
