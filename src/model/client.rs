//! The model: any OpenAI-compatible chat-completions server, reached with async-openai.
//!
//! async-openai builds and parses the requests; the HTTP exchange underneath is ours (a tower
//! service given to the client), so that retries and timeouts follow one policy:
//!
//! - every attempt (headers and body) must finish within the timeout;
//! - `429 Too Many Requests` waits for `Retry-After` (seconds or an HTTP date), or backs off;
//! - `5xx`, connection resets and timeouts back off exponentially (0.5 s, 1 s, 2 s, … capped
//!   at 8 s), at most `max_retries` times;
//! - anything else is final and turned into one sentence that says what to set.
//!
//! The API key is held by async-openai's secret config and never formatted into any message.

use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use async_openai::types::chat::{
    ChatCompletionRequestMessage, ChatCompletionRequestSystemMessageArgs,
    ChatCompletionRequestUserMessageArgs, CreateChatCompletionRequestArgs, FinishReason,
    ResponseFormat, ResponseFormatJsonSchema,
};
use async_openai::Client;
use futures::future::BoxFuture;

use crate::message::tr;

/// How to reach the model.
#[derive(Clone)]
pub struct ModelSettings {
    /// Base URL of the OpenAI-compatible API, such as `https://api.openai.com/v1`.
    pub base_url: String,
    /// The API key (from `OPENAI_API_KEY` only).
    pub api_key: String,
    pub model: String,
    /// Limit for one attempt, headers and body.
    pub timeout: Duration,
    /// Retries of one request after 429, 5xx, resets and timeouts.
    pub max_retries: u32,
    /// First back-off delay; doubled at each retry, capped at 8 s.
    pub backoff: Duration,
}

impl ModelSettings {
    /// The base URL as it may be shown: see [`redact`].
    pub fn shown_url(&self) -> String {
        redact(&self.base_url)
    }

    /// `text` (an error from below, which may quote the URL) without the base URL's secrets.
    pub fn scrub(&self, text: &str) -> String {
        scrub(&self.base_url, text)
    }
}

/// `text` without the secrets of `base_url`: the URL itself redacted (see [`redact`]), and its
/// user-info, password and credential-like query values wherever they appear on their own.
pub fn scrub(base_url: &str, text: &str) -> String {
    let shown = redact(base_url);
    let mut out = text.replace(base_url, &shown);
    let (raw, red) = (base_url, shown.as_str());
    let mut secrets = Vec::new();
    if let Some(start) = raw.find("://").map(|i| i + 3) {
        if let Some(at) = raw[start..].find('@') {
            let info = &raw[start..start + at];
            secrets.push(info.to_string());
            if let Some((_, password)) = info.split_once(':') {
                secrets.push(password.to_string());
            }
        }
    }
    for (a, b) in raw.split(['?', '&']).zip(red.split(['?', '&'])) {
        if a != b {
            if let Some((_, value)) = a.split_once('=') {
                secrets.push(value.to_string());
            }
        }
    }
    // Short ones would blot out ordinary text; they are caught in the URL's own form.
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(secret.as_str(), "***");
    }
    out
}

/// `url` with its secrets replaced by `***`: the user-info (`user:password@`) and the value of
/// every query parameter whose name looks like a credential (`key`, `token`, `secret`,
/// `password`, `sig`, `auth`…). Works on text that does not parse as a URL too, so that a
/// malformed one can be named without its password.
pub fn redact(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(scheme) = out.find("://") {
        let start = scheme + 3;
        let end = out[start..]
            .find(['/', '?', '#'])
            .map_or(out.len(), |i| start + i);
        if let Some(at) = out[start..end].rfind('@') {
            out.replace_range(start..start + at, "***");
        }
    }
    if let Some(q) = out.find('?') {
        let (head, query) = out.split_at(q + 1);
        let (query, fragment) = match query.find('#') {
            Some(h) => (&query[..h], &query[h..]),
            None => (query, ""),
        };
        let secret = |name: &str| {
            let name = name.to_ascii_lowercase();
            [
                "key",
                "token",
                "secret",
                "password",
                "passwd",
                "pwd",
                "sig",
                "auth",
                "credential",
            ]
            .iter()
            .any(|w| name.contains(w))
        };
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if secret(name) => format!("{name}=***"),
                _ => pair.to_string(),
            })
            .collect();
        out = format!("{head}{}{fragment}", pairs.join("&"));
    }
    out
}

/// Why a base URL cannot be used, or `None`: it must parse, be `http` or `https`, and name a
/// host.
pub fn url_problem(url: &str) -> Option<String> {
    match reqwest::Url::parse(url) {
        Err(e) => Some(e.to_string()),
        Ok(u) if !matches!(u.scheme(), "http" | "https") => {
            Some(format!("its scheme is `{}`, not http or https", u.scheme()))
        }
        Ok(u) if u.host_str().is_none_or(str::is_empty) => Some("it names no host".into()),
        Ok(_) => None,
    }
}

impl std::fmt::Debug for ModelSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelSettings")
            .field("base_url", &self.shown_url())
            .field("api_key", &"[hidden]")
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish()
    }
}

/// The default API base when `OPENAI_BASE_URL` is not set.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

/// How answers are asked for: a JSON schema whose required properties are exactly the
/// request's keys (served by OpenAI, vLLM, llama.cpp and Ollama), else JSON mode, else plain
/// text. A model keeps to the first its server accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerFormat {
    JsonSchema = 0,
    JsonObject = 1,
    Text = 2,
}

impl AnswerFormat {
    fn from_u8(n: u8) -> Self {
        match n {
            0 => AnswerFormat::JsonSchema,
            1 => AnswerFormat::JsonObject,
            _ => AnswerFormat::Text,
        }
    }

    /// The format to fall back to when a server rejects this one.
    fn next(self) -> Self {
        match self {
            AnswerFormat::JsonSchema => AnswerFormat::JsonObject,
            _ => AnswerFormat::Text,
        }
    }

    /// `json_schema`, `json_object` or `text`, as the API names them.
    pub fn name(self) -> &'static str {
        match self {
            AnswerFormat::JsonSchema => "json_schema",
            AnswerFormat::JsonObject => "json_object",
            AnswerFormat::Text => "text",
        }
    }
}

/// The JSON schema of an answer: an object with exactly `keys`, each a `value_schema`.
pub fn answer_schema(keys: &[String], value_schema: &serde_json::Value) -> serde_json::Value {
    let properties: serde_json::Map<String, serde_json::Value> = keys
        .iter()
        .map(|k| (k.clone(), value_schema.clone()))
        .collect();
    serde_json::json!({
        "type": "object",
        "properties": properties,
        "required": keys,
        "additionalProperties": false,
    })
}

/// Why the model could not be used. Each message says what to set or do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("{}", tr("model-missing-key", &[]))]
    MissingKey,
    #[error("{}", tr("model-bad-url", &[("url", .base_url), ("problem", .problem)]))]
    BadUrl { base_url: String, problem: String },
    #[error("{}", tr("model-unauthorized", &[("url", .base_url), ("status", .status)]))]
    Unauthorized { base_url: String, status: u16 },
    #[error("{}", tr("model-unknown-model", &[("url", .base_url), ("model", .model)]))]
    UnknownModel { base_url: String, model: String },
    #[error("{}", tr("model-unreachable", &[("url", .base_url), ("detail", .detail)]))]
    Unreachable { base_url: String, detail: String },
    #[error("{}", tr("model-gave-up", &[("url", .base_url), ("attempts", .attempts), ("last", .last)]))]
    GaveUp {
        base_url: String,
        attempts: u32,
        last: String,
    },
    #[error("{}", tr("model-no-batch-api", &[("url", .base_url), ("status", .status), ("endpoint", .endpoint)]))]
    NoBatchApi {
        base_url: String,
        status: u16,
        endpoint: String,
    },
    #[error("{base_url}: {message}")]
    Batch { base_url: String, message: String },
    /// The run could not start sending: what it would write cannot be written.
    #[error("{0}")]
    Preflight(String),
    #[error("{}", tr("model-rejected", &[("url", .base_url), ("status", .status), ("message", .message)]))]
    Rejected {
        base_url: String,
        status: u16,
        message: String,
    },
}

impl ModelError {
    /// Whether the error concerns the whole run (stop everything) rather than one request.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            ModelError::MissingKey
                | ModelError::BadUrl { .. }
                | ModelError::Unauthorized { .. }
                | ModelError::UnknownModel { .. }
                | ModelError::Unreachable { .. }
                | ModelError::NoBatchApi { .. }
                | ModelError::Preflight(_)
        )
    }
}

/// One answer of the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub content: String,
    /// `true` when the answer was cut off (`finish_reason: length`).
    pub truncated: bool,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// Counters of the HTTP exchange, for the run's summary.
#[derive(Debug, Default)]
pub struct Counters {
    /// HTTP requests sent, retries included.
    pub requests: AtomicU64,
    /// Retries after 429, 5xx, resets, timeouts and unreadable bodies.
    pub retries: AtomicU64,
}

/// What sends a request later, in a batch of many (the Batch API, [`crate::model::batch_job`]),
/// instead of straight to the server. The client knows only this; the batch jobs use the
/// client, never the other way round.
pub trait Deferred: Send + Sync {
    /// Whether requests go straight to the server again (after a job, with `resend = sync`).
    fn sync_now(&self) -> bool;
    /// Waits for the answer of `body` (a chat completion request), sent through `api`.
    fn submit<'a>(
        &'a self,
        api: &'a Model,
        body: serde_json::Value,
    ) -> futures::future::BoxFuture<'a, Result<Completion, ModelError>>;
    /// What the batch jobs of this run did.
    fn status(&self) -> JobStatus;
}

/// What a run's batch jobs did, for its summary and progress display.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobStatus {
    /// Jobs created by this run (not counting jobs resumed).
    pub created: usize,
    pub resumed: usize,
    /// The job being polled: its id, status, and lines done of total.
    pub current: Option<(String, String, u32, u32)>,
}

/// A chat-completions client with editions' retry policy.
///
/// The HTTP client (and with it TLS: the system's certificates read and parsed) is built on
/// the first request, once: a run that finds everything in the memory sets up no network.
pub struct Model {
    client: std::sync::OnceLock<Client<OpenAIConfig>>,
    settings: ModelSettings,
    counters: Arc<Counters>,
    /// How answers are asked for ([`AnswerFormat`] as a number): a JSON schema first, one
    /// step down each time the server rejects the one asked for, remembered for the run.
    answer_format: AtomicU8,
    /// The run's request slots: every request of every issue waits here.
    pool: crate::model::pool::Pool,
    /// In batch mode, what gathers requests into batch jobs ([`crate::model::batch_job`]).
    batcher: Option<Box<dyn Deferred>>,
    /// The sources this run's editions are translating.
    claims: crate::model::claims::Claims,
    /// Checked once, before the first request: a run that cannot keep what it pays for
    /// (its files are not writable, say) sends nothing.
    preflight: Option<Preflight>,
    preflight_result: std::sync::OnceLock<Result<(), String>>,
    /// Where each request sent and answer received is told (`-v`): sizes and status, never
    /// the key.
    log: Option<Log>,
    /// The number the next request takes (`#1`, `#2`… in `-v`'s lines).
    numbers: Arc<std::sync::atomic::AtomicU64>,
}

/// Where a model tells of its requests, their attempts and answers.
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// One request as `-v` tells of it: its number in the run and its attempts so far, carried to
/// the HTTP service (which sends every attempt) by the task that made the request.
struct Exchange {
    number: u64,
    attempts: std::sync::atomic::AtomicU32,
}

tokio::task_local! {
    static EXCHANGE: Arc<Exchange>;
}

/// A check run before the first request; its error stops the run.
pub type Preflight = Box<dyn Fn() -> Result<(), String> + Send + Sync>;

/// A timed-out attempt, as an error the client can carry.
#[derive(Debug, thiserror::Error)]
#[error("no complete answer within {0:?}")]
struct TimedOut(Duration);

#[derive(Clone)]
struct RetryingService {
    http: reqwest::Client,
    timeout: Duration,
    max_retries: u32,
    backoff: Duration,
    counters: Arc<Counters>,
    /// `-v`: every attempt, with its status, size and time.
    log: Option<Log>,
    /// The number the next request without one (a Batch API call) takes.
    numbers: Arc<std::sync::atomic::AtomicU64>,
}

impl tower::Service<HttpRequestFactory> for RetryingService {
    type Response = reqwest::Response;
    type Error = OpenAIError;
    type Future = BoxFuture<'static, Result<reqwest::Response, OpenAIError>>;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, factory: HttpRequestFactory) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { this.run(factory).await })
    }
}

impl RetryingService {
    async fn run(self, factory: HttpRequestFactory) -> Result<reqwest::Response, OpenAIError> {
        let exchange = EXCHANGE.try_with(Arc::clone).unwrap_or_else(|_| {
            Arc::new(Exchange {
                number: self.numbers.fetch_add(1, Ordering::Relaxed) + 1,
                attempts: Default::default(),
            })
        });
        let mut attempt = 0;
        loop {
            let request = factory.build().await?;
            self.counters.requests.fetch_add(1, Ordering::Relaxed);
            let shown = exchange.attempts.fetch_add(1, Ordering::Relaxed) + 1;
            let what = format!(
                "{} {}",
                request.method(),
                redact(request.url().as_str()).trim_end_matches('/')
            );
            let sent = request
                .body()
                .and_then(|b| b.as_bytes())
                .map_or(0, <[u8]>::len);
            let started = std::time::Instant::now();
            let outcome = tokio::time::timeout(self.timeout, self.exchange(request)).await;
            let took = started.elapsed().as_secs_f64();
            let (wait, last, told) = match outcome {
                Ok(Ok(response)) => {
                    let status = response.status();
                    let told = format!(
                        "{status} after {took:.2} s, {} bytes",
                        response.content_length().unwrap_or(0)
                    );
                    if status.as_u16() == 429 {
                        let wait = retry_after(response.headers()).unwrap_or(self.delay(attempt));
                        (wait, Ok(response), told)
                    } else if status.is_server_error() {
                        (self.delay(attempt), Ok(response), told)
                    } else {
                        self.tell(&exchange, shown, &what, sent, &told, None);
                        return Ok(response);
                    }
                }
                Ok(Err(e)) if e.is_connect() => {
                    let told = format!("cannot connect after {took:.2} s");
                    self.tell(&exchange, shown, &what, sent, &told, None);
                    return Err(OpenAIError::Reqwest(e));
                }
                Ok(Err(e)) => {
                    let told = format!("{} after {took:.2} s", redact(&e.to_string()));
                    (self.delay(attempt), Err(OpenAIError::Reqwest(e)), told)
                }
                Err(_) => (
                    self.delay(attempt),
                    Err(OpenAIError::Boxed(Box::new(TimedOut(self.timeout)))),
                    format!(
                        "no complete answer within {:.2} s",
                        self.timeout.as_secs_f64()
                    ),
                ),
            };
            if attempt >= self.max_retries {
                self.tell(&exchange, shown, &what, sent, &told, None);
                return last;
            }
            self.tell(&exchange, shown, &what, sent, &told, Some(wait));
            attempt += 1;
            self.counters.retries.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(wait).await;
        }
    }

    /// `-v`: one line per attempt, `   #3 attempt 2: POST …/chat/completions, 812 bytes: 500
    /// Internal Server Error after 0.01 s, 21 bytes; again in 0.02 s`.
    fn tell(
        &self,
        exchange: &Exchange,
        attempt: u32,
        what: &str,
        sent: usize,
        told: &str,
        again: Option<Duration>,
    ) {
        if let Some(log) = &self.log {
            let again = again.map_or(String::new(), |d| {
                format!("; again in {:.2} s", d.as_secs_f64())
            });
            log(&format!(
                "   #{} attempt {attempt}: {what}, {sent} bytes: {told}{again}",
                exchange.number
            ));
        }
    }

    /// Sends one request and reads the whole body, so that the timeout covers both.
    async fn exchange(
        &self,
        request: reqwest::Request,
    ) -> Result<reqwest::Response, reqwest::Error> {
        let response = self.http.execute(request).await?;
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        let mut rebuilt = http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        Ok(reqwest::Response::from(rebuilt))
    }

    fn delay(&self, attempt: u32) -> Duration {
        (self.backoff * 2u32.saturating_pow(attempt)).min(Duration::from_secs(8))
    }
}

/// `Retry-After` as seconds (an HTTP date is honoured as "soon": one second).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    match value.parse::<f64>() {
        Ok(secs) if secs >= 0.0 => Some(Duration::from_secs_f64(secs.min(120.0))),
        _ => Some(Duration::from_secs(1)),
    }
}

impl Model {
    /// A client for `settings`. Fails only when there is no API key; nothing is set up
    /// before the first request.
    pub fn new(settings: ModelSettings) -> Result<Self, ModelError> {
        if settings.api_key.trim().is_empty() {
            return Err(ModelError::MissingKey);
        }
        if let Some(problem) = url_problem(&settings.base_url) {
            return Err(ModelError::BadUrl {
                base_url: settings.shown_url(),
                problem,
            });
        }
        Ok(Model {
            client: std::sync::OnceLock::new(),
            settings,
            counters: Arc::new(Counters::default()),
            answer_format: AtomicU8::new(AnswerFormat::JsonSchema as u8),
            pool: crate::model::pool::Pool::new(usize::MAX / 2),
            batcher: None,
            claims: Default::default(),
            preflight: None,
            preflight_result: std::sync::OnceLock::new(),
            log: None,
            numbers: Default::default(),
        })
    }

    /// Sends requests through `batcher` instead of straight to the server (the Batch API's
    /// `Model::with_batch_api` is built on it).
    pub fn with_deferred(mut self, batcher: Box<dyn Deferred>) -> Self {
        self.batcher = Some(batcher);
        self
    }

    /// What the batch jobs of this run did, in batch mode.
    pub fn batch_status(&self) -> Option<JobStatus> {
        self.batcher.as_ref().map(|b| b.status())
    }

    /// Whether requests go to the Batch API (and a run has no need of request slots).
    pub fn batch_mode(&self) -> bool {
        self.batcher.is_some()
    }

    /// At most `slots` requests in flight at once, across everything this model serves (every
    /// issue and locale of a run), the largest waiting request first.
    pub fn with_concurrency(mut self, slots: usize) -> Self {
        self.pool = crate::model::pool::Pool::new(slots);
        self
    }

    /// Tells `log` of every request sent and answer received.
    pub fn with_log(mut self, log: Log) -> Self {
        self.log = Some(log);
        self
    }

    fn tell(&self, line: impl FnOnce() -> String) {
        if let Some(log) = &self.log {
            log(&line());
        }
    }

    /// Runs `check` once, before the first request; if it fails, no request is sent and every
    /// request fails with its message.
    pub fn with_preflight(mut self, check: Preflight) -> Self {
        self.preflight = Some(check);
        self
    }

    fn preflight(&self) -> Result<(), ModelError> {
        let result = self
            .preflight_result
            .get_or_init(|| self.preflight.as_ref().map_or(Ok(()), |check| check()));
        result.clone().map_err(ModelError::Preflight)
    }

    /// The sources this run's editions are translating: see [`crate::model::claims`].
    pub fn claims(&self) -> &crate::model::claims::Claims {
        &self.claims
    }

    /// Requests in flight now.
    pub fn in_flight(&self) -> usize {
        self.pool.busy()
    }

    /// Whether the HTTP client was built (a request was about to be sent).
    pub fn connected(&self) -> bool {
        self.client.get().is_some()
    }

    /// The client, built on first use.
    fn client(&self) -> Result<&Client<OpenAIConfig>, ModelError> {
        if let Some(c) = self.client.get() {
            return Ok(c);
        }
        let settings = &self.settings;
        let http = reqwest::Client::builder()
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| ModelError::Unreachable {
                base_url: settings.shown_url(),
                detail: redact(&e.to_string()),
            })?;
        let service = RetryingService {
            http: http.clone(),
            timeout: settings.timeout,
            max_retries: settings.max_retries,
            backoff: settings.backoff,
            counters: self.counters.clone(),
            log: self.log.clone(),
            numbers: self.numbers.clone(),
        };
        let config = OpenAIConfig::new()
            .with_api_base(settings.base_url.trim_end_matches('/'))
            .with_api_key(settings.api_key.clone());
        // One HTTP client (one TLS set-up) for building and sending requests.
        let client = Client::build(http, config).with_http_service(service);
        Ok(self.client.get_or_init(|| client))
    }

    pub fn settings(&self) -> &ModelSettings {
        &self.settings
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Sends one system and one user message and returns the answer.
    pub async fn complete(&self, system: &str, user: &str) -> Result<Completion, ModelError> {
        self.complete_shaped(system, user, &serde_json::json!({"type": "string"}))
            .await
    }

    /// The format answers are asked in now.
    pub fn answer_format(&self) -> AnswerFormat {
        AnswerFormat::from_u8(self.answer_format.load(Ordering::Relaxed))
    }

    /// Like [`Model::complete`], with `value_schema` as the JSON schema of each key's value
    /// (the answer's keys are the user message's).
    pub async fn complete_shaped(
        &self,
        system: &str,
        user: &str,
        value_schema: &serde_json::Value,
    ) -> Result<Completion, ModelError> {
        self.preflight()?;
        if let Some(batcher) = self.batcher.as_ref().filter(|b| !b.sync_now()) {
            let request = self.request(system, user, self.answer_format(), value_schema)?;
            let body = serde_json::to_value(&request).expect("a request serializes");
            return batcher.submit(self, body).await;
        }
        // The answer is about as long as the source: the user message's size ranks it.
        let _slot = self.pool.acquire(user.len()).await;
        self.complete_now(system, user, value_schema).await
    }

    /// Sends one request now, holding no slot.
    async fn complete_now(
        &self,
        system: &str,
        user: &str,
        value_schema: &serde_json::Value,
    ) -> Result<Completion, ModelError> {
        let exchange = Arc::new(Exchange {
            number: self.numbers.fetch_add(1, Ordering::Relaxed) + 1,
            attempts: Default::default(),
        });
        let number = exchange.number;
        self.tell(|| {
            format!(
                "-> #{number} POST {}/chat/completions, model {}: {} + {} characters (instructions, text)",
                self.settings.shown_url().trim_end_matches('/'),
                self.settings.model,
                system.chars().count(),
                user.chars().count()
            )
        });
        let result = EXCHANGE
            .scope(exchange, self.complete_inner(system, user, value_schema))
            .await;
        self.tell(|| match &result {
            Ok(c) => format!(
                "<- #{number} {} characters, {} + {} tokens{}",
                c.content.chars().count(),
                c.prompt_tokens,
                c.completion_tokens,
                if c.truncated {
                    ", cut off at the length limit"
                } else {
                    ""
                }
            ),
            Err(e) => format!("<- #{number} {e}"),
        });
        result
    }

    async fn complete_inner(
        &self,
        system: &str,
        user: &str,
        value_schema: &serde_json::Value,
    ) -> Result<Completion, ModelError> {
        let mut unreadable = 0;
        loop {
            let format = self.answer_format();
            let request = self.request(system, user, format, value_schema)?;
            match self.client()?.chat().create(request).await {
                Ok(response) => {
                    let usage = response.usage.as_ref();
                    let choice = response.choices.into_iter().next();
                    let truncated = choice
                        .as_ref()
                        .is_some_and(|c| c.finish_reason == Some(FinishReason::Length));
                    return Ok(Completion {
                        content: choice.and_then(|c| c.message.content).unwrap_or_default(),
                        truncated,
                        prompt_tokens: usage.map_or(0, |u| u.prompt_tokens as u64),
                        completion_tokens: usage.map_or(0, |u| u.completion_tokens as u64),
                    });
                }
                Err(OpenAIError::ApiError(e))
                    if format != AnswerFormat::Text
                        && e.status_code.as_u16() == 400
                        && format!("{} {:?}", e.api_error.message, e.api_error.param)
                            .contains("response_format") =>
                {
                    // The server does not take this format: one step down, for the rest of
                    // the run (a schema, then JSON mode, then plain text).
                    let _ = self.answer_format.compare_exchange(
                        format as u8,
                        format.next() as u8,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    );
                }
                Err(OpenAIError::JSONDeserialize(e, _))
                    if unreadable < self.settings.max_retries =>
                {
                    let _ = e;
                    unreadable += 1;
                    self.counters.retries.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(self.settings.backoff).await;
                }
                Err(e) => return Err(self.explain(e, unreadable)),
            }
        }
    }

    /// Uploads a JSON Lines file for a batch job; its file id.
    pub(crate) async fn batch_upload(
        &self,
        request: async_openai::types::files::CreateFileRequest,
    ) -> Result<String, ModelError> {
        match self.client()?.files().create(request).await {
            Ok(file) => Ok(file.id),
            Err(e) => Err(self.batch_error(e, "/files")),
        }
    }

    /// Creates a batch job over an uploaded file; its id.
    pub(crate) async fn batch_create(
        &self,
        request: async_openai::types::batches::BatchRequest,
    ) -> Result<String, ModelError> {
        match self.client()?.batches().create(request).await {
            Ok(job) => Ok(job.id),
            Err(e) => Err(self.batch_error(e, "/batches")),
        }
    }

    pub(crate) async fn batch_retrieve(
        &self,
        id: &str,
    ) -> Result<async_openai::types::batches::Batch, ModelError> {
        self.client()?
            .batches()
            .retrieve(id)
            .await
            .map_err(|e| self.batch_error(e, "/batches"))
    }

    pub(crate) async fn batch_content(&self, file: &str) -> Result<Vec<u8>, ModelError> {
        self.client()?
            .files()
            .content(file)
            .await
            .map(|b| b.to_vec())
            .map_err(|e| self.batch_error(e, "/files"))
    }

    /// Sends one request body of a batch synchronously, through the request slots.
    pub(crate) async fn batch_sync(
        &self,
        body: serde_json::Value,
    ) -> Result<Completion, ModelError> {
        let text = |role: usize| {
            body["messages"][role]["content"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        };
        let (system, user) = (text(0), text(1));
        // The schema of each value, as the body asked for it (a string by default).
        let value_schema = body["response_format"]["json_schema"]["schema"]["properties"]
            .as_object()
            .and_then(|p| p.values().next().cloned())
            .unwrap_or_else(|| serde_json::json!({"type": "string"}));
        let _slot = self.pool.acquire(user.len()).await;
        self.complete_now(&system, &user, &value_schema).await
    }

    /// A Batch API error: a server that does not serve it (404, 405) is named as such.
    fn batch_error(&self, error: OpenAIError, endpoint: &str) -> ModelError {
        if let OpenAIError::ApiError(e) = &error {
            let status = e.status_code.as_u16();
            if matches!(status, 404 | 405 | 501) {
                return ModelError::NoBatchApi {
                    base_url: self.settings.shown_url(),
                    status,
                    endpoint: endpoint.to_string(),
                };
            }
        }
        self.explain(error, 0)
    }

    fn request(
        &self,
        system: &str,
        user: &str,
        format: AnswerFormat,
        value_schema: &serde_json::Value,
    ) -> Result<async_openai::types::chat::CreateChatCompletionRequest, ModelError> {
        let invalid = |e: OpenAIError| ModelError::Rejected {
            base_url: self.settings.shown_url(),
            status: 0,
            message: e.to_string(),
        };
        let messages: Vec<ChatCompletionRequestMessage> = vec![
            ChatCompletionRequestSystemMessageArgs::default()
                .content(system)
                .build()
                .map_err(invalid)?
                .into(),
            ChatCompletionRequestUserMessageArgs::default()
                .content(user)
                .build()
                .map_err(invalid)?
                .into(),
        ];
        let mut args = CreateChatCompletionRequestArgs::default();
        args.model(self.settings.model.clone()).messages(messages);
        // A schema needs the answer's keys: those of the user message, when it is a JSON
        // object (a request that is not one gets JSON mode at most).
        let keys: Option<Vec<String>> =
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(user)
                .ok()
                .map(|m| m.keys().cloned().collect());
        match (format, keys) {
            (AnswerFormat::JsonSchema, Some(keys)) => {
                args.response_format(ResponseFormat::JsonSchema {
                    json_schema: ResponseFormatJsonSchema {
                        description: None,
                        name: "translations".into(),
                        schema: answer_schema(&keys, value_schema),
                        strict: Some(true),
                    },
                });
            }
            (AnswerFormat::JsonSchema | AnswerFormat::JsonObject, _) => {
                args.response_format(ResponseFormat::JsonObject);
            }
            (AnswerFormat::Text, _) => {}
        }
        args.build().map_err(invalid)
    }

    fn explain(&self, error: OpenAIError, unreadable: u32) -> ModelError {
        let base_url = self.settings.shown_url();
        let attempts = self.settings.max_retries + 1;
        match error {
            OpenAIError::ApiError(e) => {
                let status = e.status_code.as_u16();
                let message = e.api_error.message.clone();
                let code = e.api_error.code.clone().unwrap_or_default();
                match status {
                    401 | 403 => ModelError::Unauthorized { base_url, status },
                    404 if code.contains("model") || message.to_lowercase().contains("model") => {
                        ModelError::UnknownModel {
                            base_url,
                            model: self.settings.model.clone(),
                        }
                    }
                    400 if code == "model_not_found" => ModelError::UnknownModel {
                        base_url,
                        model: self.settings.model.clone(),
                    },
                    429 => ModelError::GaveUp {
                        base_url,
                        attempts,
                        last: "HTTP 429 Too Many Requests".into(),
                    },
                    s if s >= 500 => ModelError::GaveUp {
                        base_url,
                        attempts,
                        last: format!("HTTP {s} {}", first_line(&self.settings.scrub(&message))),
                    },
                    _ => ModelError::Rejected {
                        base_url,
                        status,
                        message: first_line(&self.settings.scrub(&message)),
                    },
                }
            }
            OpenAIError::Reqwest(e) if e.is_connect() => ModelError::Unreachable {
                base_url,
                detail: "connection refused or no route".into(),
            },
            OpenAIError::Reqwest(e) => ModelError::GaveUp {
                base_url,
                attempts,
                last: if e.is_timeout() {
                    "timed out".into()
                } else {
                    "the connection was closed before a complete answer".into()
                },
            },
            OpenAIError::JSONDeserialize(_, _) => ModelError::GaveUp {
                base_url,
                attempts: unreadable + 1,
                last: "the answer was not a JSON chat completion".into(),
            },
            OpenAIError::Boxed(e) => ModelError::GaveUp {
                base_url,
                attempts,
                last: self.settings.scrub(&e.to_string()),
            },
            other => ModelError::Rejected {
                base_url,
                status: 0,
                message: first_line(&self.settings.scrub(&other.to_string())),
            },
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect()
}

#[cfg(test)]
mod redaction_tests {
    use super::*;

    #[test]
    fn secrets_in_a_base_url_are_redacted() {
        assert_eq!(
            redact("http://user:hunter2@127.0.0.1:8080/v1"),
            "http://***@127.0.0.1:8080/v1"
        );
        assert_eq!(
            redact("https://gw.example/v1?api-key=abc123&region=eu&sig=zz#x"),
            "https://gw.example/v1?api-key=***&region=eu&sig=***#x"
        );
        // Malformed, still redacted.
        assert_eq!(redact("http://u:p@[::1"), "http://***@[::1");
        assert_eq!(
            redact("https://api.openai.com/v1"),
            "https://api.openai.com/v1"
        );
        assert_eq!(
            url_problem("not-a-url").as_deref(),
            Some("relative URL without a base")
        );
        assert_eq!(
            url_problem("ftp://x/v1").as_deref(),
            Some("its scheme is `ftp`, not http or https")
        );
        assert_eq!(
            url_problem("http://127.0.0.1:99999/v1").as_deref(),
            Some("invalid port number")
        );
        assert_eq!(
            url_problem("http://[::1").as_deref(),
            Some("invalid IPv6 address")
        );
        let settings = ModelSettings {
            base_url: "http://user:hunter2@h/v1?key=k1k1k1".into(),
            api_key: "sk".into(),
            model: "m".into(),
            timeout: Duration::from_secs(1),
            max_retries: 0,
            backoff: Duration::ZERO,
        };
        assert_eq!(
            settings.scrub(
                "error sending request for url (http://user:hunter2@h/v1/chat?key=k1k1k1): hunter2"
            ),
            "error sending request for url (http://***@h/v1/chat?key=***): ***"
        );
    }
}
