//! The provider's Batch API: a run's requests sent as one batch job, at about half the price
//! and without rate limits (OpenAI's format, also served by Groq, Together, Fireworks and
//! others): the requests are uploaded as a JSON Lines file to `/files`, a job is created at
//! `/batches`, polled until it ends, and its output file downloaded.
//!
//! The run does not change: each request still goes through [`crate::model::Model::complete`],
//! which, in batch mode, hands it to the [`Batcher`] and waits for its answer. The first
//! request to arrive leads: it waits until no request has arrived for the gathering time,
//! takes every request waiting, and runs the job; the answers go back to the requests that
//! asked, which validate them as usual.
//!
//! A request's `custom_id` is a hash of its body, so the same request always has the same id.
//! Every job is recorded (id, input file, the ids it holds) in the record file before it is
//! polled: a run that was stopped and started again asks the same requests, finds them in a
//! recorded job and waits for that job instead of paying again. A job's record goes once its
//! answers were handed over.
//!
//! Lines that failed in the job, and a job that failed or expired, are asked again: in a new
//! job, or synchronously (`Resend::Sync`). Requests asked again after a job (answers the run
//! rejected) go the same way.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_openai::types::batches::{
    BatchCompletionWindow, BatchEndpoint, BatchRequest, BatchStatus,
};
use async_openai::types::files::{CreateFileRequest, FileInput, FilePurpose};
use async_openai::types::InputSource;
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use crate::message::tr;
pub use crate::model::client::JobStatus;
use crate::model::client::{Completion, Deferred, Model, ModelError};

/// How requests a job did not answer (or whose answers were rejected) are asked again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Resend {
    /// In a new batch job.
    #[default]
    Job,
    /// Synchronously, one chat request each.
    Sync,
}

/// How the Batch API is used.
#[derive(Debug, Clone)]
pub struct BatchSettings {
    /// Where the jobs in progress are recorded.
    pub record: PathBuf,
    /// Time between two polls of a job.
    pub poll: Duration,
    /// Quiet time after the last request before a job is sent.
    pub gather: Duration,
    pub resend: Resend,
    /// Jobs of the same requests before giving up on them.
    pub max_jobs: u32,
}

/// A job as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedJob {
    pub id: String,
    pub input_file: String,
    pub custom_ids: Vec<String>,
}

/// The record file: the jobs in progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub jobs: Vec<RecordedJob>,
}

impl Record {
    fn load(path: &std::path::Path) -> Record {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    fn save(&self, path: &std::path::Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        let text = serde_json::to_string_pretty(self).expect("a record serializes");
        crate::file::write_atomically(path, text.as_bytes()).map_err(|e| e.to_string())
    }
}

/// Where an answer goes: every request that asked it.
type Answer = oneshot::Sender<Result<Completion, ModelError>>;

/// The requests of a round, by custom id: the body, and who waits for its answer.
type Pending = BTreeMap<String, (serde_json::Value, Vec<Answer>)>;

struct Submission {
    custom_id: String,
    body: serde_json::Value,
    tx: oneshot::Sender<Result<Completion, ModelError>>,
}

#[derive(Default)]
struct Waiting {
    items: Vec<Submission>,
    last: Option<Instant>,
    /// A request is gathering the next job.
    leader: bool,
}

impl Model {
    /// Sends requests as batch jobs of the provider's Batch API (see the module's
    /// documentation).
    pub fn with_batch_api(self, settings: BatchSettings) -> Self {
        self.with_deferred(Box::new(Batcher::new(settings)))
    }
}

impl Deferred for Batcher {
    fn sync_now(&self) -> bool {
        Batcher::sync_now(self)
    }

    fn submit<'a>(
        &'a self,
        api: &'a Model,
        body: serde_json::Value,
    ) -> futures::future::BoxFuture<'a, Result<Completion, ModelError>> {
        Box::pin(Batcher::submit(self, api, body))
    }

    fn status(&self) -> JobStatus {
        Batcher::status(self)
    }
}

/// Gathers requests into batch jobs: see the module's documentation.
pub struct Batcher {
    settings: BatchSettings,
    waiting: Mutex<Waiting>,
    status: Mutex<JobStatus>,
    /// Whether a job was sent: requests after it are resends.
    sent: std::sync::atomic::AtomicBool,
}

/// The `custom_id` of a request body: a hash of it.
pub fn custom_id(body: &serde_json::Value) -> String {
    let text = serde_json::to_string(body).expect("a body serializes");
    format!("req-{:032x}", xxhash_rust::xxh3::xxh3_128(text.as_bytes()))
}

impl Batcher {
    pub fn new(settings: BatchSettings) -> Self {
        Batcher {
            settings,
            waiting: Mutex::new(Waiting::default()),
            status: Mutex::new(JobStatus::default()),
            sent: Default::default(),
        }
    }

    pub fn status(&self) -> JobStatus {
        self.status.lock().expect("status lock").clone()
    }

    /// Whether a request now should go synchronously: it is asked again after a job and
    /// resends are synchronous.
    pub fn sync_now(&self) -> bool {
        self.settings.resend == Resend::Sync && self.sent.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Waits for the answer of `body`, sent in a batch job.
    pub(crate) async fn submit(
        &self,
        api: &Model,
        body: serde_json::Value,
    ) -> Result<Completion, ModelError> {
        let (tx, rx) = oneshot::channel();
        let lead = {
            let mut w = self.waiting.lock().expect("waiting lock");
            w.items.push(Submission {
                custom_id: custom_id(&body),
                body,
                tx,
            });
            w.last = Some(Instant::now());
            !std::mem::replace(&mut w.leader, true)
        };
        if lead {
            // Gather until no request has arrived for a while.
            loop {
                tokio::time::sleep(self.settings.gather).await;
                let w = self.waiting.lock().expect("waiting lock");
                if w.last.is_none_or(|t| t.elapsed() >= self.settings.gather) {
                    break;
                }
            }
            let items = {
                let mut w = self.waiting.lock().expect("waiting lock");
                w.leader = false;
                std::mem::take(&mut w.items)
            };
            self.sent.store(true, std::sync::atomic::Ordering::SeqCst);
            self.run(api, items).await;
        }
        rx.await.unwrap_or_else(|_| {
            Err(ModelError::Batch {
                base_url: api.settings().shown_url(),
                message: tr("batch-no-answer", &[]),
            })
        })
    }

    /// Runs `items` through jobs (recorded ones first) and hands each its answer.
    async fn run(&self, api: &Model, items: Vec<Submission>) {
        // Identical requests are asked once.
        let mut by_id: Pending = BTreeMap::new();
        for s in items {
            by_id
                .entry(s.custom_id)
                .or_insert_with(|| (s.body, Vec::new()))
                .1
                .push(s.tx);
        }
        let mut attempt = 0;
        while !by_id.is_empty() {
            attempt += 1;
            let resend_sync = attempt > 1 && self.settings.resend == Resend::Sync;
            let outcome = if resend_sync {
                let mut out = HashMap::new();
                for (id, (body, _)) in &by_id {
                    out.insert(id.clone(), api.batch_sync(body.clone()).await);
                }
                Ok(out)
            } else {
                self.one_round(api, &by_id).await
            };
            let answers = match outcome {
                Ok(a) => a,
                Err(e) => {
                    for (_, (_, txs)) in std::mem::take(&mut by_id) {
                        for tx in txs {
                            let _ = tx.send(Err(e.clone()));
                        }
                    }
                    return;
                }
            };
            let last = attempt >= self.settings.max_jobs.max(1);
            let ids: Vec<String> = by_id.keys().cloned().collect();
            for id in ids {
                let answer = answers.get(&id).cloned();
                let failed_line = !matches!(answer, Some(Ok(_)));
                if failed_line && !last {
                    continue;
                }
                let (_, txs) = by_id.remove(&id).expect("a pending id");
                let answer = answer.unwrap_or_else(|| {
                    Err(ModelError::Batch {
                        base_url: api.settings().shown_url(),
                        message: tr(
                            "batch-no-answer-after",
                            &[("id", &id), ("attempts", &attempt)],
                        ),
                    })
                });
                for tx in txs {
                    let _ = tx.send(answer.clone());
                }
            }
        }
    }

    /// One round: the requests of recorded jobs from those jobs, the rest in a new job.
    async fn one_round(
        &self,
        api: &Model,
        pending: &Pending,
    ) -> Result<HashMap<String, Result<Completion, ModelError>>, ModelError> {
        let base_url = api.settings().shown_url();
        let record_error = |e: String| ModelError::Batch {
            base_url: base_url.clone(),
            message: tr(
                "batch-cannot-record",
                &[("path", &self.settings.record.display()), ("error", &e)],
            ),
        };
        let mut record = Record::load(&self.settings.record);
        let mut jobs: Vec<RecordedJob> = Vec::new();
        let mut rest: Vec<&String> = Vec::new();
        for id in pending.keys() {
            match record.jobs.iter().find(|j| j.custom_ids.contains(id)) {
                Some(j) => {
                    if !jobs.iter().any(|k| k.id == j.id) {
                        jobs.push(j.clone());
                        self.status.lock().expect("status lock").resumed += 1;
                    }
                }
                None => rest.push(id),
            }
        }
        if !rest.is_empty() {
            let mut lines = String::new();
            for id in &rest {
                let line = serde_json::json!({
                    "custom_id": id,
                    "method": "POST",
                    "url": "/v1/chat/completions",
                    "body": pending[*id].0,
                });
                lines.push_str(&line.to_string());
                lines.push('\n');
            }
            let input_file = api.batch_upload(file_request(lines.into_bytes())).await?;
            let id = api.batch_create(batch_request(&input_file)).await?;
            let job = RecordedJob {
                id,
                input_file,
                custom_ids: rest.iter().map(|s| s.to_string()).collect(),
            };
            // Recorded before it is polled: a run stopped now resumes this job.
            record.jobs.push(job.clone());
            record.save(&self.settings.record).map_err(&record_error)?;
            self.status.lock().expect("status lock").created += 1;
            jobs.push(job);
        }
        let mut answers = HashMap::new();
        for job in &jobs {
            let output = self.wait(api, &job.id).await?;
            answers.extend(output);
            let mut record = Record::load(&self.settings.record);
            record.jobs.retain(|j| j.id != job.id);
            record.save(&self.settings.record).map_err(&record_error)?;
        }
        Ok(answers)
    }

    /// Polls job `id` until it ends; its answers by custom id (none when it failed).
    async fn wait(
        &self,
        api: &Model,
        id: &str,
    ) -> Result<HashMap<String, Result<Completion, ModelError>>, ModelError> {
        loop {
            let job = api.batch_retrieve(id).await?;
            let (done, total) = job
                .request_counts
                .as_ref()
                .map_or((0, 0), |c| (c.completed + c.failed, c.total));
            self.status.lock().expect("status lock").current = Some((
                id.to_string(),
                format!("{:?}", job.status).to_lowercase(),
                done,
                total,
            ));
            match job.status {
                BatchStatus::Completed => {
                    let mut out = HashMap::new();
                    for file in [job.output_file_id, job.error_file_id]
                        .into_iter()
                        .flatten()
                    {
                        let bytes = api.batch_content(&file).await?;
                        for line in String::from_utf8_lossy(&bytes).lines() {
                            if let Some((custom_id, answer)) =
                                output_line(line, &api.settings().shown_url())
                            {
                                out.insert(custom_id, answer);
                            }
                        }
                    }
                    return Ok(out);
                }
                // Nothing came back: every request of it is asked again.
                BatchStatus::Failed | BatchStatus::Expired | BatchStatus::Cancelled => {
                    return Ok(HashMap::new())
                }
                _ => tokio::time::sleep(self.settings.poll).await,
            }
        }
    }
}

/// One line of an output or error file: its custom id and answer.
fn output_line(line: &str, base_url: &str) -> Option<(String, Result<Completion, ModelError>)> {
    #[derive(Deserialize)]
    struct Line {
        custom_id: String,
        response: Option<Response>,
        error: Option<serde_json::Value>,
    }
    #[derive(Deserialize)]
    struct Response {
        status_code: u16,
        body: serde_json::Value,
    }
    let line: Line = serde_json::from_str(line).ok()?;
    let failed = |message: String| ModelError::Batch {
        base_url: base_url.to_string(),
        message,
    };
    let answer = match (&line.response, &line.error) {
        (Some(r), None) if r.status_code == 200 => {
            completion(&r.body).ok_or_else(|| failed(tr("batch-not-a-completion", &[])))
        }
        (Some(r), _) => Err(failed(tr(
            "batch-request-status",
            &[("status", &r.status_code)],
        ))),
        (None, Some(e)) => Err(failed(tr("batch-request-failed", &[("error", e)]))),
        (None, None) => Err(failed(tr("batch-line-empty", &[]))),
    };
    Some((line.custom_id, answer))
}

/// A chat completion's answer, from its JSON.
fn completion(body: &serde_json::Value) -> Option<Completion> {
    let choice = body["choices"].get(0)?;
    Some(Completion {
        content: choice["message"]["content"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        truncated: choice["finish_reason"] == "length",
        prompt_tokens: body["usage"]["prompt_tokens"].as_u64().unwrap_or(0),
        completion_tokens: body["usage"]["completion_tokens"].as_u64().unwrap_or(0),
    })
}

/// The request to create a job over `input_file`.
pub(crate) fn batch_request(input_file: &str) -> BatchRequest {
    BatchRequest {
        input_file_id: input_file.to_string(),
        endpoint: BatchEndpoint::V1ChatCompletions,
        completion_window: BatchCompletionWindow::W24H,
        metadata: None,
        output_expires_after: None,
    }
}

/// The request to upload `lines` for a batch.
pub(crate) fn file_request(lines: Vec<u8>) -> CreateFileRequest {
    CreateFileRequest {
        file: FileInput {
            source: InputSource::VecU8 {
                filename: "editions-batch.jsonl".into(),
                vec: lines,
            },
        },
        purpose: FilePurpose::Batch,
        expires_after: None,
    }
}
