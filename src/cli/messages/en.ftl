## Messages of the editions command line (embedded in the binary).

cli-error = error: { $message }
hint = hint: { $hint }
cli-written = { $original } → { $edition } ({ $locale })
cli-not-written = { $original } ({ $locale }): not written
cli-unchanged = { $edition }: unchanged
cli-segments = segments        { $total } ({ $hits } from memory)
cli-requests = requests        { $requests } ({ $retries } retries, { $repairs } repairs)
cli-tokens = tokens          { $prompt } prompt + { $completion } completion
cli-cost = estimated cost  ${ $cost }
cli-wall = wall time       { $seconds } s
cli-kept-hand-edits = kept { $count } hand-edited segment(s) of `{ $edition }` (recorded as approved in the memory):
cli-dry-run = { $original } ({ $locale }): dry run, nothing sent
cli-plan-segments = segments        { $total } ({ $hits } from memory, { $pending } to translate{ $again })
cli-plan-asked-again = , { $again } of the memory's asked again
cli-plan-no-model = note: a real run would stop before { $requests ->
        [one] its request
       *[other] its { $requests } requests
    }: OPENAI_API_KEY is not set
    .hint = set OPENAI_API_KEY (and OPENAI_BASE_URL for a server other than OpenAI)
cli-plan-batch = batch { $n } line { $line } { $segments } segments  { $system } chars of instructions + { $user } chars of segments
cli-plan-requests = requests        { $requests }
cli-plan-tokens = tokens (est.)   { $prompt } prompt + { $completion } completion
cli-plan-cost = cost (est.)     ${ $cost } with { $model } at ${ $input }/${ $output } per million tokens
cli-interrupted = interrupted: the translations validated so far are kept in `{ $memory }`; rerun to continue
cli-imported = imported { $count ->
        [one] { $count } translation
       *[other] { $count } translations
    } into `{ $memory }`
cli-date-today = { $original } has no date in its name or front matter: its messages use today's, { $date }
cli-segment-at = segment { $id } (line { $line })
cli-updated = updated { $count } segment(s) of `{ $edition }` whose original changed
cli-conflicts = { $count } conflict(s) in `{ $edition }`: a hand-edited segment whose original changed was translated anew
cli-conflict = segment { $id } (line { $line }): the hand edit is kept in `{ $memory }` under the old original
cli-conflict-lost-markup = segment { $id } (line { $line }): the hand edit's markup fits neither original; it is kept in `{ $memory }` as a candidate, which `editions review` shows
cli-conflict-removed = line { $line }: the paragraph left the original; its hand edit is kept in `{ $memory }`
cli-conflict-removed-lost-markup = line { $line }: the paragraph left the original; its hand edit's markup fits it no longer; it is kept in `{ $memory }` as a candidate under the old original
cli-adopted = { $edition }: adopted { $adopted } of { $segments } segments ({ $percent } %) as approved translations
cli-not-adopted = segment { $id } (line { $line }): { $why }
cli-not-adopted-at = segment { $id } (line { $line }, edition line { $edition-line }): { $why }
cli-adopted-total = adopted { $adopted } of { $segments } segments ({ $percent } %) in { $editions } editions; { $candidates } published paragraphs kept as candidates; { $poor } editions not adopted (alignment uncertain); { $skipped } already recorded
cli-adopt-recorded = { $edition }: already has a provenance record: skipped
cli-published-replaced = { $edition }: { $count } published paragraphs that `adopt` could not vouch for were replaced with new translations; each is kept as a candidate in `{ $memory }`, and `editions review` shows it beside its new translation
cli-adopted-term = segment { $id } (edition line { $edition-line }): adopted, but { $why }
cli-adopt-candidates = { $count } published paragraphs not adopted are kept as candidates in `{ $memory }`: `editions review` shows each beside its segment
cli-adopt-candidates-dry = { $count } published paragraphs would be kept as candidates in `{ $memory }`
cli-adopted-again = an earlier adoption of this edition was replaced: what it took and this one does not is a candidate now
cli-adopt-poor = { $edition }: not adopted: only { $confident } of { $segments } segments pair with the edition confidently; the pairing becomes uncertain at { $at }
cli-adopt-poor-at = line { $line } (edition line { $edition-line })
cli-adopt-poor-line = line { $line }
cli-adopt-dry-run = dry run: nothing was written
cli-bad-entry = `{ $edition }`: not used: the memory entry at { $memory }:{ $memory-line } for segment { $id } (line { $line }): { $why }; asked again
cli-bad-entry-new = `{ $edition }`: not used: this run's translation of segment { $id } (line { $line }): { $why }; asked again
cli-bug = editions stopped on a bug: { $what }
    .hint = please report it with the command that led to it

## editions.toml and flags

cli-bad-flag = --{ $flag } { $value } is { $problem }
    .hint = give { $range }

## translate

cli-by-hand = or translate them by hand: replace each text in `{ $file }` (keeping its tags), then run `editions memory import { $original } { $file } --to { $locale }` and rerun
cli-output-is-original = `{ $path }` is an original (`{ $original }`): editions never writes over an original
    .hint = name a file of its own to write
cli-rederived-ahead = `{ $edition }`: its record (`{ $record }`) was one run ahead of it (a run was stopped between writing the two); the edition had no hand edit, so it was written anew from the memory
cli-rederived-damaged = `{ $edition }`: its record (`{ $record }`) does not account for it, though nobody edited it since editions wrote it: the record is damaged and was written anew
cli-nothing-to-check = nothing to check: no original under `{ $root }` matches { $patterns }
    .hint = run editions in the newsletter's root (the folder of editions.toml) or give --root; `originals` in editions.toml says where the originals are
cli-no-issue = no issue to translate
    .hint = name issues by date or path, or select them with --all, --missing, --stale or --since DATE
cli-since-not-a-date = --since `{ $since }` is not a date
    .hint = give it as YYYY-MM-DD, such as 2024-01-06
cli-one-out = -o names one file but { $count } editions were asked for
    .hint = drop -o to write each edition alongside its original, or name one issue and a single --to
cli-out-not-a-file = `{ $path }` is not a regular file, so editions will not replace it
    .hint = nothing was sent; name a file to write
cli-cannot-write-in = cannot write in `{ $dir }` ({ $error }), where this run would write `{ $path }`
    .hint = nothing was sent; make the folder writable, or run from a root you can write to

## init, memory, merge, review

cli-init-exists = { $files } { $count ->
        [one] already exists
       *[other] already exist
    }, so nothing was written
    .hint = init writes a new setup; edit the existing files, or move them away and run it again
cli-import-removed = removed `{ $file }`: its translations are in the memory now
cli-init-ignore-added = added { $lines } to { $path }
cli-init-wrote = wrote { $path }
cli-translations-shape = translations are one JSON object mapping segment ids to tagged text
cli-no-such-segment = segment { $id }: no segment has this id
cli-not-imported = { $count ->
        [one] { $count } translation
       *[other] { $count } translations
    } of `{ $path }` cannot be imported; nothing was imported
cli-translations-json = `{ $path }` line { $line } column { $column }: { $message }
    .hint = translations are one JSON object mapping segment ids to tagged text, such as {"{"}"p-0123456789": "Hello <b1>world</b1>"{"}"}
cli-cannot-read-translations = cannot read the translations
cli-review-no-edition = there is no { $locale } edition yet
    .hint = run `editions translate { $issue } --to { $locale }` first
cli-unknown-rev = --since `{ $rev }` is not a revision git knows in `{ $dir }`
    .hint = give a commit, tag or branch (see `git log --oneline`), or leave --since out to compare with the edition's last commit

## A run over many editions

cli-defaults = no editions.toml in `{ $root }`: the built-in defaults are in use (originals `docs/{"{"}date{"}"}-weekly.md`, no boilerplate rules, so fixed blocks such as the intro are sent to the model)
    .hint = `editions init` writes the newsletter's setup (editions.toml with its rules, glossaries, locale messages); --root names another folder
cli-note = note: { $message }
cli-bar-batch = batch job { $id }: { $status }, { $done }/{ $total } requests
cli-bar-in-flight = { $count } requests in flight
cli-bar-memory = from the memory
cli-batch-jobs = batch jobs: { $created } created, { $resumed } resumed; cost ${ $cost } at batch prices (${ $synchronous } synchronous)
cli-table-issue = issue
cli-table-locale = locale
cli-table-segments = segments
cli-table-requests = requests
cli-table-cost = cost
cli-table-result = result
cli-table-total = total
cli-table-totals = { $written } written, { $unchanged } unchanged, { $failed } failed
cli-table-totals-planned = { $planned } to send, { $memory } to write from the memory, { $unchanged } unchanged, { $failed } failed
cli-result-from-memory = to write from the memory, nothing to send
cli-result-written = written
cli-result-unchanged = unchanged
cli-result-planned = planned
cli-result-failed = failed: { $error }

## check and rules

check-summary = checked { $editions ->
        [one] { $editions } edition
       *[other] { $editions } editions
    } ({ $missing } missing): { $errors ->
        [one] { $errors } error
       *[other] { $errors } errors
    }, { $warnings ->
        [one] { $warnings } warning
       *[other] { $warnings } warnings
    }
check-links = body links and images of the originals: { $links }, missing from their editions: { $lost } ({ $percent } %), of which images: { $images }
rules-matched = line { $line }  rule { $rule } ({ $what })  { $text }
rules-broad = warning: rule { $rule } ({ $what }) matched { $distinct } different texts, some unlike the others: `{ $one }` ({ $one-issue } line { $one-line }) and `{ $other }` ({ $other-issue } line { $other-line }); narrow it with `contains`
rules-unmatched = warning: `{ $text }` is in { $issues } issues ({ $issue } line { $line }) and no rule matches it: it is sent to the model; add a [[boilerplate]] rule if it is the newsletter's fixed text
rules-unused = warning: rule { $rule } ({ $what }) matched nothing in these issues
rules-summary = { $issues } issues; the rules matched { $matched } blocks; { $warnings } warnings
cli-bar-segments = {"{"}pos{"}"}/{"{"}len{"}"} segments
cli-bar-from-memory = { $count } from memory
cli-bar-editions = { $count } editions
cli-answers = answers         { $format ->
        [json_schema] JSON schema (structured output)
        [json_object] JSON mode (the server refused a schema)
       *[text] plain text (the server refused JSON mode)
    }
cli-plan-qa = quality pass    { $requests } rating requests (in the estimate below)
cli-qa = quality pass    { $requests } rating requests, { $redone } segment(s) rated low and asked again
cli-suggest-head = { $count } suggested terms from { $approved } approved translations, not yet in { $glossary }: check each, then paste the ones you accept
cli-suggest-count = rendered so in { $count } of the { $of } approved translations that have it, in { $issues ->
        [one] one issue
       *[other] { $issues } issues
    }
