## What the editions library says to a person, in English. Each message's `.hint` is what to
## do about it; `message::hinted` writes it on its own line. Keep zh-CN.ftl in step.

hint = hint: { $hint }
# Text that is already written (see `Message::plain`).
plain = { $text }

## Files

file-read-only = `{ $path }` is read-only, so editions will not replace it
    .hint = make it writable (chmod u+w) if it should be updated
file-not-a-file = `{ $path }` is not a regular file, so editions will not replace it
    .hint = name a file to write
file-link-loop = `{ $path }` is a symbolic link that leads back to itself (a loop of links)
    .hint = point the link at a file, or remove it and write to a file
lifecycle-output-is-original = `{ $edition }` is an original (`{ $original }`): editions never writes an edition over an original
    .hint = { $why }
file-cannot-write = cannot write `{ $path }`: { $error }
    .hint = check that its folder exists and is writable
read-cannot-read = cannot read `{ $path }`: { $error }
    .hint = check that the file exists and is readable
read-not-utf8 = `{ $path }` is not valid UTF-8: invalid byte { $byte } at byte offset { $offset } (line { $line })
    .hint = re-save the file as UTF-8

## Glossaries

glossary-cannot-read = cannot read the glossary: { $error }
    .hint = check the file's permissions
glossary-format = each entry is a [[term]] table with `source`, `target` and an optional `note`; `keep` is a list of strings
glossary-empty-term = a term has an empty `source` or `target`
    .hint = fill in both, or delete the entry
glossary-target-script = the translation of `{ $term }` (`{ $target }`) is written in the original's script (`{ $left }`), so every answer that used it would be refused
    .hint = write the translation in the edition's language, or list the name under `keep` if it stays as it is
glossary-duplicate = `{ $term }` is already defined on line { $line }
    .hint = keep one entry per source term

## Issues

issue-no-file = cannot read `{ $name }`: no such file
    .hint = give the path of a Markdown file, or an issue's date as YYYY-MM-DD
issue-not-a-name = `{ $name }` is neither a date nor a Markdown file
    .hint = name an issue by its date, such as { $example }
issue-not-a-date = `{ $name }` is not a real date
issue-nearest = the nearest issues are { $dates }
issue-no-issue = there is no issue dated { $name } (looked for { $paths })
issue-several = { $name } is the date of several issues: { $paths }
    .hint = name the one you mean by its path, as in `{ $path }`
issue-none-match = no issue matches `{ $pattern }` under `{ $root }`; check `originals` in editions.toml and --root
list-separator = {", "}
list-none = none
list-and = { $rest } and { $last }

## The translation memory and provenance records

memory-malformed = { $path }:{ $line }: not a translation-memory entry: { $message }
    .hint = each line is one JSON object written by editions; fix or delete the line (git shows what changed)
memory-cannot-read = cannot read the translation memory `{ $path }`: { $error }
memory-cannot-write = cannot write the translation memory `{ $path }`: { $error }
    .hint = check that its folder exists and is writable; the translations of this run are lost otherwise
provenance-malformed = { $path }:{ $line }: not a provenance record line: { $message }
    .hint = provenance records are written by editions; restore the file from git, or delete it and run `editions adopt` on the edition
provenance-cannot-read = cannot read the provenance record `{ $path }`: { $error }
provenance-format = format { $found } is not the format { $format } this editions reads
lang-unknown = unknown language `{ $code }`: use one of zh, ja, en

## A newsletter's locale messages

locale-syntax = { $path }:{ $line }: { $message }
    .hint = see https://projectfluent.org/fluent/guide/ for the syntax of .ftl files
locale-duplicate = { $path }:{ $line }: message `{ $id }` is already defined at { $first }:{ $first-line }, and only one of them can be used
    .hint = remove one of the two, or rename it
locale-cannot-read = cannot read `{ $path }`: { $message }
locale-missing = the locale `{ $locale }` has no message `{ $id }`
    .hint = add `{ $id } = …` to a file in { $dir }
locale-format = { $path }: the message `{ $id }` cannot be formatted: { $message }

## Translation runs

segment-at = segment { $id } (line { $line })
segment = segment { $id }
merge-unknown-id = no segment has this id (run `editions extract` to list them)
merge-problems = { $count ->
        [one] { $count } problem
       *[other] { $count } problems
    } in the translations for `{ $path }`
    .hint = each translation must keep every tag of its source, once, properly nested
run-needs-model = { $count ->
        [one] { $count } segment of `{ $path }` is
       *[other] { $count } segments of `{ $path }` are
    } not in the translation memory and no model is configured
    .hint = set OPENAI_API_KEY (and OPENAI_BASE_URL for a server other than OpenAI) and `model` in editions.toml, or run with --dry-run to see what would be sent
run-segments-failed = { $count ->
        [one] { $count } segment
       *[other] { $count } segments
    } of `{ $path }` could not be translated
    .hint = the validated translations are kept in the memory; rerun to retry only these

## The model

model-missing-key = no API key: set OPENAI_API_KEY in the environment (and OPENAI_BASE_URL for a server other than OpenAI)
model-bad-url = OPENAI_BASE_URL `{ $url }` is not a URL editions can use ({ $problem }): give one such as https://api.openai.com/v1
model-unauthorized = { $url } refused the API key (HTTP { $status }): set OPENAI_API_KEY to a valid key for this server
model-unknown-model = { $url } does not serve the model `{ $model }`: set `model` in editions.toml or pass --model with a model this server lists
model-unreachable = cannot reach { $url }: { $detail }; check OPENAI_BASE_URL and that the server is running
model-gave-up = { $url } failed after { $attempts } attempts: { $last }; try again later, or raise `timeout` / `max_retries` in editions.toml
model-no-batch-api = { $url } does not serve the Batch API (HTTP { $status } on { $endpoint }): run without --batch-api and set `batch_api = false` in editions.toml's [model], or use a server that serves /files and /batches
model-rejected = { $url } rejected the request (HTTP { $status }): { $message }
batch-no-answer = the batch job ended without an answer for this request
batch-no-answer-after = the job had no answer for request { $id } after { $attempts } attempts
batch-cannot-record = cannot write the record of batch jobs `{ $path }`: { $error }
batch-not-a-completion = an answer of the job was not a chat completion
batch-request-status = a request of the job failed with HTTP { $status }
batch-request-failed = a request of the job failed: { $error }
batch-line-empty = a line of the job had no answer

## Bringing an edition up to date

lifecycle-unplaceable = { $what }, so the edition can no longer be laid over what editions wrote (`{ $record }`)
lifecycle-added = this paragraph was added to the edition by hand and translates no paragraph of the original
    .hint = add it to the original instead (it is then translated), or remove it from the edition; --retranslate replaces the edition
lifecycle-segment-gone = segment { $id } ("{ $text }") is no longer in the edition
    .hint = restore the paragraph (git shows it), or remove it from the original too; --retranslate replaces the edition
lifecycle-fixed-gone = "{ $text }", which editions wrote, is no longer in the edition
    .hint = restore it (git shows it): text that is not translated comes from the original or the locale's messages, so change it there
lifecycle-fixed-edited = "{ $text }" was edited, but editions copies it from the original or the locale's messages
    .hint = make the change in the original or in the locale's messages (locales/), and restore the edition's text
lifecycle-unreadable-edit = the hand edit of segment { $id } cannot be kept: { $why }
    .hint = keep the segment's links, code and emphasis as in the original (a changed link belongs in the original), or rerun with --retranslate to replace the edition; the hand edit is kept meanwhile in `{ $memory }` as a candidate, which `editions review` shows
lifecycle-no-record = `{ $edition }` exists but editions has no record of writing it (`{ $record }`), so its hand edits cannot be told from a changed original
    .hint = run `editions adopt` on it to take its text as approved translations, or rerun with --retranslate to replace it
lifecycle-already-recorded = `{ $edition }` already has a provenance record (`{ $record }`): editions keeps its hand edits on every run, so there is nothing to adopt
    .hint = to adopt it anyway (its current text becomes approved), delete the record first
lifecycle-nothing-to-adopt = there is no edition to adopt at `{ $edition }`
    .hint = `editions adopt` takes over an edition that exists; run `editions translate` to write a new one
adopt-no-run = no run of the edition is in its place
adopt-merged = the edition merged it with the next paragraph: kept as a candidate
adopt-split = the edition split it into two paragraphs: kept as a candidate
adopt-uncertain = the pairing is uncertain here (no anchor agrees and the neighbours do not settle it)
adopt-uncertain-anchors = the pairing is uncertain here: { $anchors } disagree
adopt-lost-numbers = the edition's text lacks { $numbers }
adopt-lost-names = the edition's text lacks the names { $names }
adopt-added-after = the edition has this paragraph after line { $line } of the original, which has no counterpart
adopt-added-before = the edition has this paragraph before line { $line } of the original, which has no counterpart
adopt-no-longer = an earlier adoption took it; adopted again, the edition no longer vouches for it
markup-differs = its links, code or emphasis are not the original's
lifecycle-unplaced = it cannot be placed in the edition: { $why }
lifecycle-not-placeable = it could not be placed in the edition
lifecycle-lost-numbers = it lost { $numbers }
lifecycle-output-from-out = give -o a path of its own, outside the originals
lifecycle-output-from-pattern = `editions` in editions.toml must name a place of its own for each locale (with `{"{"}locale{"}"}`), never the originals' place
lifecycle-waiting-for = waiting for another editions run (process { $pid }), which is working on `{ $original }`
lifecycle-waiting = waiting for another editions run, which is working on `{ $original }`
lifecycle-kept-refused = your hand edit, refused: { $why }
lifecycle-kept-conflict = your hand edit of the old original ("{ $old }"), whose markup fits neither original
lifecycle-kept-removed = your hand edit of a paragraph that left the original, whose markup fits it no longer
lifecycle-kept-retranslated = your hand edit, replaced by --retranslate
lifecycle-check = the edition of `{ $edition }` would not pass `editions check`, so it was not written
    .hint = the validated translations are kept in the memory; fix the original or the translation the finding names, then rerun

## Findings of `editions check`: what is wrong, then what to do

level-error = error
level-warning = warning
finding-link-missing = link { $url } is missing from { $edition }: put it back around the translated text it belongs to
finding-image-missing = image { $url } is missing from { $edition }: put it back around the translated text it belongs to
finding-link-added = link { $url } is not in the original: remove it, or add it to the original or to the locale's messages
finding-image-added = image { $url } is not in the original: remove it, or add it to the original or to the locale's messages
finding-code-differs = this code differs from the original's (line { $line }): code is never translated; copy it back byte for byte
finding-code-added = this code block is not in the original: remove it
finding-code-missing = this code block is missing from { $edition }: copy it over
finding-math-missing = math `{ $math }` is missing from { $edition }: math is kept byte for byte
finding-math-added = math `{ $math }` is not in the original: math is kept byte for byte
finding-container-missing = the container `{ $container }` is missing from { $edition }: keep it, with its text translated
finding-container-differs = this container is `{ $container }` where the original's is `{ $there }`: keep the original's containers, of the same kind, in the same order
finding-container-added = the original has no container `{ $container }` here: remove it, or add it to the original
finding-span-missing = inline code `{ $span }` is missing from { $edition }: code spans are kept as they are
finding-span-added = inline code `{ $span }` is not in the original: code spans are kept as they are
finding-headings = the headings differ from the original's from heading { $from } on ({ $there } headings there, { $here } here): keep one heading per original heading, at the same level
finding-heading-rewritten = this heading stands for the original's `{ $heading }` (line { $line }), which the locale's messages write: write the locale's heading, or change the rule in editions.toml
finding-items = this section has { $here } items where the original's (line { $line }) has { $there }: translate every item, as its own paragraph
finding-table = this table is { $rows }×{ $columns } where the original's is { $original-rows }×{ $original-columns }: keep every row and cell
finding-untranslated = untranslated text `{ $text }`: translate it, or add it to `allow` in editions.toml's [check] if it is a name
finding-control = the control character { $character } is not in the original: a terminal or browser would obey it rather than show it; remove it
finding-control-original = the control character { $character } comes from the original (line { $line }): a terminal or browser would obey it rather than show it; remove it from the original, then translate again
finding-tag = { $tag } is a translation tag left in the text: remove it
finding-mojibake = `{ $bad }` is mojibake for `{ $meant }`: the text was decoded with the wrong encoding; write it as UTF-8
finding-paragraph-lost = the paragraph `{ $words }` has no counterpart in { $edition }: translate it as a paragraph of its own
finding-paragraph-added = the paragraph `{ $words }` has no counterpart in the original: remove it, or join it to the paragraph it belongs to
finding-paragraph-merged = the paragraphs `{ $words }` and `{ $next }` of the original are one paragraph here: keep them apart
finding-paragraph-split = the paragraph `{ $words }` of the original is two paragraphs here: join them
finding-paragraph-moved = the paragraph `{ $words }` of the original (line { $line }) stands here, away from its place: move it back
finding-anchor = #{ $fragment } names no heading of this edition: point it at the translated heading's anchor
finding-anchor-original = #{ $fragment } names no anchor of the original either (line { $line }): it was broken there; mend the original, and its editions follow
finding-glossary = the original (line { $line }) has `{ $term }`, which the glossary translates as `{ $target }`: use it here
finding-glossary-avoid = the original (line { $line }) has `{ $term }`, which this translation writes as `{ $avoided }`, a rendering the glossary says to avoid: write `{ $target }`
finding-numbers = the original (line { $line }) has { $numbers }, which this translation does not: keep every number (versions, counts, dates) as the original writes it
finding-stale-new = { $id } (line { $line }) is new
finding-stale-gone = { $id } is gone
finding-stale-more = and { $count } more
finding-stale-record = the original's segments differ from those { $edition } was translated from ({ $segments }): run `editions translate` to bring it up to date
finding-stale-memory = { $count ->
        [one] { $count } segment
       *[other] { $count } segments
    } changed since { $edition } was translated (first here): run `editions translate` to bring it up to date
finding-fm-missing = the original's front matter (keys { $keys }) is missing from { $edition }: copy it over, with its title translated
finding-fm-key-missing = the front matter's `{ $key }` is missing from { $edition }: copy it over
finding-fm-key-added = `{ $key }` is not in the original's front matter: remove it
finding-fm-key-order = the front matter has `{ $key }` where the original has `{ $original }`: keep the original's keys in its order ({ $keys })
finding-fm-empty = `{ $key }` is empty: translate the original's (`{ $original }`)
finding-fm-untranslated = `{ $key }` has untranslated text `{ $text }`: translate it
finding-fm-value-lines = `{ $key }` differs from the original's (line { $line }): only translated fields ({ $fields }) may differ; copy it byte for byte
finding-fm-value = `{ $key }` is `{ $here }` here and `{ $there }` in the original: only translated fields ({ $fields }) may differ; copy it byte for byte
finding-no-edition = there is no { $locale } edition (`{ $edition }`): run `editions translate { $issue } --to { $locale }`

## The review

review-title = Review: { $original } → { $edition }
review-since = changes since { $since } are marked
review-like-this = like this
review-line = line { $original } → { $edition }
review-row = row { $row }
review-original = original
review-edition = edition
review-links = Links
review-other-findings = other findings
review-hand-edited = hand-edited: kept as a person wrote it
review-candidate = published, not adopted ({ $why }): { $text } — to keep it, paste it over the new translation in the edition and run `editions translate`: it is taken as a hand edit
review-conflict = conflict: edited by hand, then the original changed; the new original was translated
review-old-original = the old original: { $text }
review-hand-edit = the hand edit: { $text }
review-glossary = glossary: { $terms }
review-boilerplate-replaced = boilerplate ({ $rule }): written by the message `{ $message }`
review-boilerplate-dropped = boilerplate ({ $rule }): dropped in this locale
review-count-segments = segments
review-count-changed = changed
review-count-hand-edited = hand-edited
review-count-conflicts = conflicts
review-count-boilerplate = boilerplate
review-count-errors = errors
review-count-warnings = warnings
review-link-same = same
review-link-expected = expected: boilerplate
review-link-lost = lost
review-link-added = added
review-rating = rated { $score }/5 (accuracy { $accuracy }, omission { $omission }, terminology { $terminology }, fluency { $fluency }): { $reason }

## editions.toml
config-out-of-range = out of range
config-range-seconds = a number of seconds from { $min } to { $max }
config-range-count = a whole number from { $min } to { $max }
config-range-price = a price per million tokens, 0 or more
config-cannot-read = cannot read the config: { $error }
    .hint = check the file's permissions
config-keys = see the README's configuration section for the keys editions knows
config-source = set `source` to the language of the originals
config-targets = list the locales to translate into, such as ["en", "ja"]
cli-to-unknown = `--to { $code }`: editions does not know this language
    .hint = use one of { $choices }
cli-to-source = `--to { $code }`: { $code } is the originals' language (`source` in editions.toml), not one to translate into
    .hint = use one of { $choices }
config-range-number = a number from { $min } to { $max }
config-no-targets = `targets` is empty: editions would translate into no locale
    .hint = list the locales to translate into, such as targets = ["en"]
config-empty-path = `{ $key }` is empty: editions would have no file to use
    .hint = give `{ $key }` a path relative to the newsletter's root, or remove the line for the default
config-no-date = `{ $key }` = "{ $value }" has no `{"{"}date{"}"}`, so it names one file for every issue
    .hint = put `{"{"}date{"}"}` where the issue's date is in the file name, as in "docs/{"{"}date{"}"}-weekly.md"
config-blank-pattern = a boilerplate rule's `{ $key }` is empty, so it would match every block
    .hint = give `{ $key }` the text the block starts with, or remove it
config-bad-value = `{ $key }` = { $value } is { $problem }
config-set-value = set `{ $key }` in [model] to { $range }
