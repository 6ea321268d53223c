## Messages of the editions command line (embedded in the binary).

cli-error = error
cli-hint = hint
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
cli-plan-segments = segments        { $total } ({ $hits } from memory, { $pending } to translate)
cli-plan-batch = batch { $n } line { $line } { $segments } segments  { $system } chars of instructions + { $user } chars of segments
cli-plan-requests = requests        { $requests }
cli-plan-tokens = tokens (est.)   { $prompt } prompt + { $completion } completion
cli-plan-cost = cost (est.)     ${ $cost } with { $model } at ${ $input }/${ $output } per million tokens
cli-interrupted = interrupted: the translations validated so far are kept in `{ $memory }`; rerun to continue
cli-imported = imported { $count } translations into `{ $memory }`
