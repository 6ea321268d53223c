//! A stand-in OpenAI-compatible server on 127.0.0.1, for tests and benchmarks.
//!
//! It serves `POST /chat/completions` over real HTTP (axum). Each request's user message is
//! the JSON object of segment id → tagged source that editions sends; the stand-in answers
//! with a deterministic pseudo-English translation of every segment that keeps the tags and
//! applies the glossary lines of the system message. A user message that is not a JSON object
//! (plain Markdown, as a simple script would send) is answered with its pseudo-English
//! translation as plain text. A script of [`Fault`]s makes the next requests misbehave on
//! purpose (one fault per request, in order); after the script, it behaves. Every request is
//! recorded for assertions, and the size and added latency of every answer.

#![allow(dead_code)]

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

/// A way to misbehave, for one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// `429` with `Retry-After: N` seconds.
    TooMany { retry_after: u64 },
    /// `500` with a plain-text body.
    ServerError,
    /// The connection is cut while the body is being sent.
    Reset,
    /// No answer for this long (then a normal one).
    Hang(Duration),
    /// A `200` whose body is not JSON.
    NotJson,
    /// The answer's JSON wrapped in a Markdown code fence.
    Fenced,
    /// Chatter before the JSON.
    Chatter,
    /// The first segment left out of the answer.
    MissingId,
    /// The first tag of the first segment dropped.
    DropTag,
    /// The first link of the answer dropped, its text kept (`<a1>x</a1>` → `x`).
    DropLink,
    /// A link the source does not have added to the first segment.
    InventLink,
    /// Chinese left untranslated in the first segment.
    LeaveChinese,
    /// Mojibake (UTF-8 read as Mac Roman) in the first segment: passes validation, fails
    /// `check`.
    Mojibake,
    /// This text put before the first segment's translation (an item number the model adds).
    Prefix(String),
    /// `finish_reason: length` and a cut answer, when the batch has more than one segment.
    Length,
    /// `400` saying `response_format` is not supported (only when it was sent).
    RejectResponseFormat,
    /// `400` saying a `json_schema` response format is not supported (only when one was
    /// sent; JSON mode is taken).
    RejectJsonSchema,
    /// The first digit of the first segment that has one changed (`3.13` → `4.13`).
    ChangeNumber,
    /// A small JSON object of other keys written before the answer's object.
    Decoy,
    /// The first segment's translation given as an object (`{"text": …}`), not a string.
    Nested,
    /// This text (control characters, say) put at the end of the first segment's translation.
    Suffix(String),
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub model: String,
    pub system: String,
    pub user: String,
    pub authorization: String,
    /// The `response_format` asked for, if any (`{"type": "json_schema", …}`).
    pub response_format: Option<serde_json::Value>,
}

/// One answer as sent (in the order the answers were sent, which under concurrency is not
/// necessarily the order of [`StandIn::requests`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Answered {
    /// Characters of the answer's content.
    pub chars: usize,
    /// The latency added before sending it.
    pub delay: Duration,
}

#[derive(Clone)]
struct Shared {
    script: Arc<Mutex<VecDeque<Fault>>>,
    requests: Arc<Mutex<Vec<Recorded>>>,
    answers: Arc<Mutex<Vec<Answered>>>,
    /// Added delay: fixed part and per character of the answer.
    latency: (Duration, Duration),
    /// Serves only this key; any other gets 401.
    key: String,
    /// Serves only these models; any other gets 404 model_not_found.
    models: Vec<String>,
    /// Chat requests being answered now, and the most there ever were at once.
    in_flight: Arc<std::sync::atomic::AtomicUsize>,
    max_in_flight: Arc<std::sync::atomic::AtomicUsize>,
    /// The Batch API: uploaded files, jobs, whether it is served, and how long a job takes.
    files: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
    batches: Arc<Mutex<Vec<Job>>>,
    batch_api: Arc<std::sync::atomic::AtomicBool>,
    batch_delay: Arc<Mutex<Duration>>,
    /// Rating requests (`Rate each translation…`) rate low the items whose source has this.
    rate_low: Arc<Mutex<Option<String>>>,
    /// Every answer writes `1400 万` as `1400`, as a weak model does (see
    /// [`StandIn::lose_large_numbers`]).
    weak_numbers: Arc<std::sync::atomic::AtomicBool>,
}

/// A batch job as the stand-in keeps it.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub input_file_id: String,
    /// The custom ids of its lines, in order.
    pub custom_ids: Vec<String>,
    created: std::time::Instant,
    output_file_id: String,
    error_file_id: Option<String>,
    total: usize,
    failed: usize,
}

/// Counts a chat request as in flight while it lives.
struct Flight(Arc<std::sync::atomic::AtomicUsize>);

impl Drop for Flight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A running stand-in server.
pub struct StandIn {
    pub addr: SocketAddr,
    shared: Shared,
    runtime: Option<tokio::runtime::Runtime>,
}

pub const KEY: &str = "sk-test-standin-0123456789abcdef";
pub const MODEL: &str = "standin-1";

impl StandIn {
    /// Starts a server with its own runtime on a background thread.
    pub fn start(script: Vec<Fault>) -> Self {
        Self::start_with_latency(script, Duration::ZERO, Duration::ZERO)
    }

    pub fn start_with_latency(script: Vec<Fault>, fixed: Duration, per_char: Duration) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let shared = Shared {
            script: Arc::new(Mutex::new(script.into())),
            rate_low: Arc::new(Mutex::new(None)),
            weak_numbers: Default::default(),
            requests: Arc::new(Mutex::new(Vec::new())),
            answers: Arc::new(Mutex::new(Vec::new())),
            latency: (fixed, per_char),
            key: KEY.to_string(),
            models: vec![MODEL.to_string()],
            in_flight: Default::default(),
            max_in_flight: Default::default(),
            files: Default::default(),
            batches: Default::default(),
            batch_api: Arc::new(std::sync::atomic::AtomicBool::new(true)),
            batch_delay: Default::default(),
        };
        let router = Router::new()
            .route("/v1/chat/completions", post(chat))
            .route("/v1/files", post(upload))
            .route("/v1/files/{id}/content", axum::routing::get(file_content))
            .route("/v1/batches", post(create_batch))
            .route("/v1/batches/{id}", axum::routing::get(retrieve_batch))
            .with_state(shared.clone());
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("a port on 127.0.0.1");
        let addr = listener.local_addr().expect("an address");
        runtime.spawn(async move {
            axum::serve(listener, router)
                .await
                .expect("the stand-in serves");
        });
        StandIn {
            addr,
            shared,
            runtime: Some(runtime),
        }
    }

    /// The batch jobs created, in order.
    pub fn batches(&self) -> Vec<Job> {
        self.shared.batches.lock().unwrap().clone()
    }

    /// Stops serving the Batch API: `/v1/files` and `/v1/batches` answer 404.
    pub fn without_batch_api(self) -> Self {
        self.shared
            .batch_api
            .store(false, std::sync::atomic::Ordering::SeqCst);
        self
    }

    /// A batch job completes this long after it was created.
    pub fn batch_delay(&self, delay: Duration) {
        *self.shared.batch_delay.lock().unwrap() = delay;
    }

    /// The most chat requests the server was answering at once.
    pub fn max_in_flight(&self) -> usize {
        self.shared
            .max_in_flight
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The base URL to give as `OPENAI_BASE_URL`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// The chat completions answered so far (not the error faults), in the order they were sent.
    pub fn answers(&self) -> Vec<Answered> {
        self.shared.answers.lock().unwrap().clone()
    }

    /// From now on, a rating request rates 2 of 5 (accuracy) every item whose source holds
    /// `text`, and 5 everything else.
    pub fn rate_low(&self, text: &str) {
        *self.shared.rate_low.lock().unwrap() = Some(text.to_string());
    }

    /// From now on, like a weak model, every answer loses the unit of a number counted in
    /// 万 (`1400 万` is written `1400`), however often it is asked.
    pub fn lose_large_numbers(&self) {
        self.shared
            .weak_numbers
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Queues more faults.
    pub fn script(&self, faults: Vec<Fault>) {
        self.shared.script.lock().unwrap().extend(faults);
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

fn error(status: StatusCode, message: &str, code: &str) -> Response {
    (
        status,
        [("content-type", "application/json")],
        json!({"error": {"message": message, "type": "invalid_request_error", "param": null, "code": code}})
            .to_string(),
    )
        .into_response()
}

async fn chat(State(shared): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let request: Value = match serde_json::from_str(&body) {
        Ok(v) => v,
        Err(_) => return error(StatusCode::BAD_REQUEST, "body is not JSON", "bad_request"),
    };
    let messages = request["messages"].as_array().cloned().unwrap_or_default();
    let text_of = |m: &Value| -> String {
        match &m["content"] {
            Value::String(s) => s.clone(),
            Value::Array(parts) => parts.iter().filter_map(|p| p["text"].as_str()).collect(),
            _ => String::new(),
        }
    };
    let recorded = Recorded {
        model: request["model"].as_str().unwrap_or_default().to_string(),
        system: messages.first().map(text_of).unwrap_or_default(),
        user: messages.get(1).map(text_of).unwrap_or_default(),
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string(),
        response_format: (!request["response_format"].is_null())
            .then(|| request["response_format"].clone()),
    };
    shared.requests.lock().unwrap().push(recorded.clone());
    let now = shared
        .in_flight
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        + 1;
    shared
        .max_in_flight
        .fetch_max(now, std::sync::atomic::Ordering::SeqCst);
    let _flight = Flight(shared.in_flight.clone());

    if recorded.authorization != format!("Bearer {}", shared.key) {
        return error(
            StatusCode::UNAUTHORIZED,
            "Incorrect API key provided.",
            "invalid_api_key",
        );
    }
    if !shared.models.contains(&recorded.model) {
        return error(
            StatusCode::NOT_FOUND,
            &format!(
                "The model `{}` does not exist or you do not have access to it.",
                recorded.model
            ),
            "model_not_found",
        );
    }
    let fault = shared.script.lock().unwrap().pop_front();
    match fault {
        Some(Fault::TooMany { retry_after }) => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", retry_after.to_string())],
                json!({"error": {"message": "Rate limit reached", "type": "rate_limit_error", "param": null, "code": "rate_limit_exceeded"}}).to_string(),
            )
                .into_response()
        }
        Some(Fault::ServerError) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "upstream exploded").into_response()
        }
        Some(Fault::Reset) => {
            let stream = futures::stream::iter(vec![
                Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b"{\"id\":")),
                Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset")),
            ]);
            return Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .header("content-length", "400")
                .body(Body::from_stream(stream))
                .unwrap();
        }
        Some(Fault::Hang(d)) => tokio::time::sleep(d).await,
        Some(Fault::NotJson) => {
            return (StatusCode::OK, [("content-type", "application/json")], "<html>Bad Gateway</html>").into_response()
        }
        Some(Fault::RejectJsonSchema)
            if recorded
                .response_format
                .as_ref()
                .is_some_and(|f| f["type"] == "json_schema") =>
        {
            return error(
                StatusCode::BAD_REQUEST,
                "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
                "invalid_parameter",
            );
        }
        Some(Fault::RejectResponseFormat) if recorded.response_format.is_some() => {
            return error(
                StatusCode::BAD_REQUEST,
                "Invalid parameter: 'response_format' of type 'json_object' is not supported with this model.",
                "invalid_parameter",
            );
        }
        _ => {}
    }

    // A rating request (the quality pass): every item rated, one low if asked to.
    if recorded.system.starts_with("Rate each translation") {
        let items: BTreeMap<String, Value> =
            serde_json::from_str(&recorded.user).unwrap_or_default();
        let low = shared.rate_low.lock().unwrap().clone();
        let ratings: serde_json::Map<String, Value> = items
            .iter()
            .map(|(key, item)| {
                let source = item["source"].as_str().unwrap_or_default();
                let bad = low.as_deref().is_some_and(|l| source.contains(l));
                let rating = if bad {
                    json!({"accuracy": 2, "omission": 4, "terminology": 5, "fluency": 4,
                        "reason": "the second clause is mistranslated"})
                } else {
                    json!({"accuracy": 5, "omission": 5, "terminology": 5, "fluency": 5,
                        "reason": "faithful and fluent"})
                };
                (key.clone(), rating)
            })
            .collect();
        let content = Value::Object(ratings).to_string();
        let prompt_tokens = (recorded.system.chars().count() + recorded.user.chars().count()) / 3;
        return completion(&recorded.model, &content, "stop", prompt_tokens);
    }

    // A user message that is not a JSON object is plain text to translate as a whole.
    let plain = !matches!(
        serde_json::from_str::<Value>(&recorded.user),
        Ok(Value::Object(_))
    );
    let batch: BTreeMap<String, String> = if plain {
        BTreeMap::new()
    } else {
        serde_json::from_str(&recorded.user).unwrap_or_default()
    };
    let glossary = glossary_lines(&recorded.system);
    let japanese = recorded.system.contains("into Japanese");
    let mut answer: BTreeMap<String, String> = batch
        .iter()
        .map(|(id, source)| {
            let weak;
            let source = if shared
                .weak_numbers
                .load(std::sync::atomic::Ordering::SeqCst)
            {
                weak = without_wan(source);
                &weak
            } else {
                source
            };
            let t = if japanese {
                pseudo_japanese(source, &glossary)
            } else {
                pseudo_english(source, &glossary)
            };
            (id.clone(), t)
        })
        .collect();
    let first = answer.keys().next().cloned();
    let mut finish = "stop";
    match (&fault, first) {
        (Some(Fault::MissingId), Some(id)) => {
            answer.remove(&id);
        }
        (Some(Fault::ChangeNumber), Some(_)) => {
            if let Some((id, t)) = answer
                .iter()
                .find(|(_, t)| t.contains(|c: char| c.is_ascii_digit()))
            {
                let at = t.find(|c: char| c.is_ascii_digit()).unwrap();
                let d = t.as_bytes()[at] - b'0';
                let changed = format!("{}{}{}", &t[..at], (d + 1) % 10, &t[at + 1..]);
                answer.insert(id.clone(), changed);
            }
        }
        (Some(Fault::DropLink), Some(_)) => {
            if let Some((id, t)) = answer.iter().find(|(_, t)| t.contains("<a")) {
                let n: String = t[t.find("<a").unwrap() + 2..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                let (id, t) = (
                    id.clone(),
                    t.replace(&format!("<a{n}>"), "")
                        .replace(&format!("</a{n}>"), ""),
                );
                answer.insert(id, t);
            }
        }
        (Some(Fault::DropTag), Some(_)) => {
            if let Some((id, t)) = answer.iter().find(|(_, t)| t.contains('<')) {
                let (id, t) = (id.clone(), drop_first_tag(t));
                answer.insert(id, t);
            }
        }
        (Some(Fault::InventLink), Some(id)) => {
            let t = answer[&id].clone();
            answer.insert(id, format!("{t} See https://invented.example/more."));
        }
        (Some(Fault::LeaveChinese), Some(id)) => {
            let t = answer[&id].clone();
            answer.insert(id, format!("{t} 未翻译"));
        }
        (Some(Fault::Prefix(p)), Some(id)) => {
            let t = answer[&id].clone();
            answer.insert(id, format!("{p}{t}"));
        }
        (Some(Fault::Suffix(x)), Some(id)) => {
            let t = answer[&id].clone();
            answer.insert(id, format!("{t}{x}"));
        }
        (Some(Fault::Mojibake), Some(id)) => {
            let t = answer[&id].clone();
            answer.insert(id, format!("{t} ü¶Ñ"));
        }
        _ => {}
    }
    let mut content = if plain {
        pseudo_english(&recorded.user, &glossary)
    } else if let (Some(Fault::Nested), Some(id)) = (&fault, answer.keys().next().cloned()) {
        let mut object: serde_json::Map<String, Value> = answer
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        object.insert(id.clone(), json!({ "text": answer[&id] }));
        Value::Object(object).to_string()
    } else {
        serde_json::to_string(&answer).unwrap()
    };
    match fault {
        Some(Fault::Fenced) => content = format!("```json\n{content}\n```"),
        Some(Fault::Decoy) => content = format!("{{\"status\": \"ok\"}}\n{content}"),
        Some(Fault::Chatter) => {
            content = format!("Sure! Here are the translations you asked for:\n\n{content}")
        }
        Some(Fault::Length) if batch.len() > 1 => {
            content.truncate(content.len() / 2);
            finish = "length";
        }
        _ => {}
    }
    let (fixed, per_char) = shared.latency;
    let delay = fixed + per_char * content.chars().count() as u32;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    shared.answers.lock().unwrap().push(Answered {
        chars: content.chars().count(),
        delay,
    });
    let prompt_tokens = (recorded.system.chars().count() + recorded.user.chars().count()) / 3;
    completion(&recorded.model, &content, finish, prompt_tokens)
}

/// A chat completion answering `content`, with token counts like a real server's.
fn completion(model: &str, content: &str, finish: &str, prompt_tokens: usize) -> Response {
    let completion_tokens = content.chars().count() / 4;
    let body = json!({
        "id": "chatcmpl-standin",
        "object": "chat.completion",
        "created": 1_700_000_000u32,
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": finish,
        }],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    });
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// `source → target` lines after `Glossary:` in the system message (indented note and
/// avoid lines aside).
fn glossary_lines(system: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in system.lines() {
        if line == "Glossary:" {
            inside = true;
            continue;
        }
        // A term's note and the renderings to avoid are on indented lines of their own.
        if inside && line.starts_with("  ") {
            continue;
        }
        if inside {
            match line.split_once(" → ") {
                Some((s, t)) => out.push((s.to_string(), t.to_string())),
                None => inside = false,
            }
        }
    }
    out.sort_by_key(|(s, _)| std::cmp::Reverse(s.chars().count()));
    out
}

const WORDS: [&str; 8] = [
    "clear", "quick", "python", "guide", "tool", "fast", "notes", "deep",
];

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// A deterministic "translation": glossary terms replaced by their targets, every other run of
/// Chinese replaced by English-looking words, full-width punctuation made ASCII; tags, entities
/// and line breaks kept.
pub fn pseudo_english(source: &str, glossary: &[(String, String)]) -> String {
    let mut text = large_numbers(source, |n| {
        // 74000 as `74,000`, as an English text writes it.
        let digits = n.to_string();
        let mut out = String::new();
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(d);
        }
        out
    });
    for (s, t) in glossary {
        text = text.replace(s.as_str(), &format!(" {t} "));
    }
    let mut out = String::new();
    let mut run = 0usize;
    for c in text.chars() {
        // Full-width digits are written as ASCII digits, as a model writes them.
        let c = match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        };
        if is_cjk(c)
            && !matches!(
                c,
                '，' | '。' | '：' | '（' | '）' | '、' | '！' | '？' | '“' | '”' | '；'
            )
        {
            run += 1;
            continue;
        }
        if run > 0 {
            out.push(' ');
            out.push_str(WORDS[run % WORDS.len()]);
            out.push(' ');
            run = 0;
        }
        match c {
            // Item numbers `1、` are left as in the source, as models often do.
            '、' if out.ends_with(|d: char| d.is_ascii_digit()) => out.push('、'),
            '，' | '、' => out.push_str(", "),
            '。' => out.push_str(". "),
            '：' => out.push_str(": "),
            '（' => out.push_str(" ("),
            '）' => out.push_str(") "),
            '！' => out.push_str("! "),
            '？' => out.push_str("? "),
            '；' => out.push_str("; "),
            '“' | '”' => out.push('"'),
            c => out.push(c),
        }
    }
    if run > 0 {
        out.push(' ');
        out.push_str(WORDS[run % WORDS.len()]);
    }
    // Tidy spaces, but never across a line break.
    out.split('\n')
        .map(|l| {
            l.split(' ')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A "translation" into Japanese: the glossary applied, every other run of Chinese replaced by
/// Japanese-looking words (kana and the kanji both scripts share), full-width digits made
/// ASCII; tags, entities, punctuation and line breaks kept.
pub fn pseudo_japanese(source: &str, glossary: &[(String, String)]) -> String {
    const WORDS: [&str; 6] = [
        "新しいツール",
        "ガイドです",
        "速く書ける",
        "ノート",
        "深く学ぶ",
        "使い方",
    ];
    // Glossary targets are set aside as private-use markers, so that their kanji stay; large
    // numbers are written with Japanese units.
    let mut text = large_numbers(source, |n| {
        if n % 100_000_000 == 0 {
            format!("{}\u{E002}", n / 100_000_000)
        } else if n % 10_000 == 0 {
            format!("{}\u{E003}", n / 10_000)
        } else {
            n.to_string()
        }
    });
    for (i, (s, _)) in glossary.iter().enumerate() {
        text = text.replace(s.as_str(), &format!("\u{E000}{i}\u{E001}"));
    }
    let mut out = String::new();
    let mut run = 0usize;
    for c in text.chars() {
        if editions::lang::is_han(c) {
            run += 1;
            continue;
        }
        if run > 0 {
            out.push_str(WORDS[run % WORDS.len()]);
            run = 0;
        }
        match c {
            '０'..='９' => out.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            c => out.push(c),
        }
    }
    if run > 0 {
        out.push_str(WORDS[run % WORDS.len()]);
    }
    for (i, (_, t)) in glossary.iter().enumerate() {
        out = out.replace(&format!("\u{E000}{i}\u{E001}"), t);
    }
    out.replace('\u{E002}', "億").replace('\u{E003}', "万")
}

/// `source` with each number followed by `万` or `亿` (`7.4 万`, `3亿`) written by `write` as
/// the whole number it stands for.
/// `source` with the 万 after a number dropped (`1400 万` → `1400`).
fn without_wan(source: &str) -> String {
    let mut out = String::new();
    let mut digits = false;
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        if digits && c == ' ' && chars.peek() == Some(&'万') {
            continue;
        }
        if digits && c == '万' {
            digits = false;
            continue;
        }
        digits = c.is_ascii_digit() || (digits && c == '.');
        out.push(c);
    }
    out
}

fn large_numbers(source: &str, write: impl Fn(u64) -> String) -> String {
    let mut out = String::new();
    let mut rest = source;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let len = tail
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(tail.len());
        let (number, after) = tail.split_at(len);
        let unit = after.strip_prefix(' ').unwrap_or(after);
        let scale = [
            ("千万", 10_000_000.0),
            ("百万", 1_000_000.0),
            ("万", 10_000.0),
            ("亿", 100_000_000.0),
        ]
        .into_iter()
        .find(|(u, _)| unit.starts_with(u));
        match (scale, number.parse::<f64>()) {
            (Some((u, scale)), Ok(n)) => {
                out.push_str(&write((n * scale).round() as u64));
                rest = &unit[u.len()..];
            }
            _ => {
                out.push_str(number);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn drop_first_tag(t: &str) -> String {
    let Some(start) = t.find('<') else {
        return t.to_string();
    };
    let Some(len) = t[start..].find('>') else {
        return t.to_string();
    };
    format!("{}{}", &t[..start], &t[start + len + 1..])
}

// ---------------------------------------------------------------------------------------------
// The Batch API: files, jobs, output files. A job's lines are answered when it is created,
// each as the chat endpoint answers it (faults of the script included, line by line); the job
// reports itself in progress until its delay has passed.

fn not_served() -> Response {
    error(StatusCode::NOT_FOUND, "Not found", "not_found")
}

fn new_file(shared: &Shared, bytes: Vec<u8>, purpose: &str, name: &str) -> Value {
    let mut files = shared.files.lock().unwrap();
    let id = format!("file-{}", files.len() + 1);
    let len = bytes.len();
    files.insert(id.clone(), bytes);
    json!({"id": id, "object": "file", "bytes": len, "created_at": 1_700_000_000u64,
           "filename": name, "purpose": purpose})
}

async fn upload(State(shared): State<Shared>, mut form: axum::extract::Multipart) -> Response {
    if !shared.batch_api.load(std::sync::atomic::Ordering::SeqCst) {
        return not_served();
    }
    let (mut bytes, mut purpose, mut name) = (Vec::new(), String::new(), String::new());
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("file") => {
                name = field.file_name().unwrap_or("upload").to_string();
                bytes = field.bytes().await.unwrap_or_default().to_vec();
            }
            Some("purpose") => purpose = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    if purpose != "batch" {
        return error(
            StatusCode::BAD_REQUEST,
            "purpose must be batch",
            "invalid_purpose",
        );
    }
    let file = new_file(&shared, bytes, "batch", &name);
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        file.to_string(),
    )
        .into_response()
}

async fn file_content(
    State(shared): State<Shared>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    match shared.files.lock().unwrap().get(&id) {
        Some(bytes) => (StatusCode::OK, bytes.clone()).into_response(),
        None => not_served(),
    }
}

fn batch_json(shared: &Shared, job: &Job) -> Value {
    let ready = job.created.elapsed() >= *shared.batch_delay.lock().unwrap();
    let done = if ready { job.total } else { 0 };
    json!({
        "id": job.id, "object": "batch", "endpoint": "/v1/chat/completions",
        "input_file_id": job.input_file_id, "completion_window": "24h",
        "status": if ready { "completed" } else { "in_progress" },
        "created_at": 1_700_000_000u64,
        "output_file_id": if ready { Some(job.output_file_id.clone()) } else { None },
        "error_file_id": if ready { job.error_file_id.clone() } else { None },
        "request_counts": {"total": job.total, "completed": done - job.failed.min(done), "failed": if ready { job.failed } else { 0 }},
    })
}

async fn create_batch(State(shared): State<Shared>, headers: HeaderMap, body: String) -> Response {
    if !shared.batch_api.load(std::sync::atomic::Ordering::SeqCst) {
        return not_served();
    }
    let request: Value = serde_json::from_str(&body).unwrap_or_default();
    let input_file_id = request["input_file_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let Some(input) = shared.files.lock().unwrap().get(&input_file_id).cloned() else {
        return error(StatusCode::BAD_REQUEST, "no such file", "invalid_file");
    };
    let (mut output, mut errors, mut custom_ids, mut failed) =
        (String::new(), String::new(), Vec::new(), 0);
    for line in String::from_utf8_lossy(&input).lines() {
        let line: Value = serde_json::from_str(line).unwrap_or_default();
        let custom_id = line["custom_id"].as_str().unwrap_or_default().to_string();
        custom_ids.push(custom_id.clone());
        let response = chat(
            State(shared.clone()),
            headers.clone(),
            line["body"].to_string(),
        )
        .await;
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        let body: Value = serde_json::from_slice(&bytes)
            .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        let out = json!({"id": format!("resp-{}", custom_ids.len()), "custom_id": custom_id,
                         "response": {"status_code": status, "request_id": "r", "body": body}, "error": null});
        if status == 200 {
            output.push_str(&out.to_string());
            output.push('\n');
        } else {
            failed += 1;
            errors.push_str(&out.to_string());
            errors.push('\n');
        }
    }
    let output_file_id = new_file(&shared, output.into_bytes(), "batch_output", "output.jsonl")
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    let error_file_id = (failed > 0).then(|| {
        new_file(&shared, errors.into_bytes(), "batch_output", "errors.jsonl")["id"]
            .as_str()
            .unwrap()
            .to_string()
    });
    let mut batches = shared.batches.lock().unwrap();
    let job = Job {
        id: format!("batch_{}", batches.len() + 1),
        input_file_id,
        total: custom_ids.len(),
        custom_ids,
        created: std::time::Instant::now(),
        output_file_id,
        error_file_id,
        failed,
    };
    batches.push(job.clone());
    drop(batches);
    let body = batch_json(&shared, &job);
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn retrieve_batch(
    State(shared): State<Shared>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    if !shared.batch_api.load(std::sync::atomic::Ordering::SeqCst) {
        return not_served();
    }
    let job = shared
        .batches
        .lock()
        .unwrap()
        .iter()
        .find(|j| j.id == id)
        .cloned();
    match job {
        Some(job) => {
            let body = batch_json(&shared, &job);
            (
                StatusCode::OK,
                [("content-type", "application/json")],
                body.to_string(),
            )
                .into_response()
        }
        None => not_served(),
    }
}
