## editions 命令行的消息（编译进程序）。

cli-error = 错误
cli-hint = 提示
cli-written = { $original } → { $edition }（{ $locale }）
cli-not-written = { $original }（{ $locale }）：未写入
cli-unchanged = { $edition }：没有变化
cli-segments = 片段            { $total }（{ $hits } 个来自翻译记忆）
cli-requests = 请求            { $requests }（重试 { $retries } 次，修复 { $repairs } 次）
cli-tokens = 词元            提示 { $prompt } + 生成 { $completion }
cli-cost = 估计费用        ${ $cost }
cli-wall = 用时            { $seconds } 秒
cli-kept-hand-edits = 保留了 `{ $edition }` 中 { $count } 处人工修改（已作为已审定译文记入翻译记忆）：
cli-dry-run = { $original }（{ $locale }）：演练，未发送任何请求
cli-plan-segments = 片段            { $total }（{ $hits } 个来自翻译记忆，{ $pending } 个待翻译）
cli-plan-batch = 批次 { $n } 第 { $line } 行 { $segments } 个片段  指令 { $system } 字符 + 片段 { $user } 字符
cli-plan-requests = 请求            { $requests }
cli-plan-tokens = 词元（估计）    提示 { $prompt } + 生成 { $completion }
cli-plan-cost = 费用（估计）    ${ $cost }，模型 { $model }，每百万词元 ${ $input }/${ $output }
cli-interrupted = 已中断：已通过校验的译文保存在 `{ $memory }` 中；重新运行即可继续
cli-imported = 已将 { $count } 条译文导入 `{ $memory }`
