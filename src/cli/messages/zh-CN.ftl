## editions 命令行的消息（编译进程序）。

cli-error = 错误：{ $message }
hint = 提示：{ $hint }
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
cli-plan-segments = 片段            { $total }（{ $hits } 个来自翻译记忆，{ $pending } 个待翻译{ $again }）
cli-plan-asked-again = ，翻译记忆中的 { $again } 个将重新请求
cli-plan-no-model = 注意：真正运行时会在发送 { $requests } 个请求之前停下：没有设置 OPENAI_API_KEY
    .hint = 请设置 OPENAI_API_KEY（不是 OpenAI 的服务器还需设置 OPENAI_BASE_URL）
cli-plan-batch = 批次 { $n } 第 { $line } 行 { $segments } 个片段  指令 { $system } 字符 + 片段 { $user } 字符
cli-plan-requests = 请求            { $requests }
cli-plan-tokens = 词元（估计）    提示 { $prompt } + 生成 { $completion }
cli-plan-cost = 费用（估计）    ${ $cost }，模型 { $model }，每百万词元 ${ $input }/${ $output }
cli-interrupted = 已中断：已通过校验的译文保存在 `{ $memory }` 中；重新运行即可继续
cli-imported = 已将 { $count } 条译文导入 `{ $memory }`
cli-date-today = { $original } 的文件名和前言中都没有日期：其消息使用今天的日期 { $date }
cli-segment-at = 片段 { $id }（第 { $line } 行）
cli-updated = 更新了 `{ $edition }` 中原文有改动的 { $count } 个片段
cli-conflicts = `{ $edition }` 中有 { $count } 处冲突：人工修改过的片段原文也变了，已重新翻译
cli-conflict = 片段 { $id }（第 { $line } 行）：人工修改以旧原文为键保存在 `{ $memory }` 中
cli-conflict-lost-markup = 片段 { $id }（第 { $line } 行）：人工修改的标记与新旧原文都不符；它作为候选保存在 `{ $memory }` 中，`editions review` 会显示它
cli-conflict-removed = 第 { $line } 行：该段已从原文删除；其人工修改保存在 `{ $memory }` 中
cli-conflict-removed-lost-markup = 第 { $line } 行：该段已从原文删除；其人工修改的标记已不符；它作为候选以旧原文为键保存在 `{ $memory }` 中
cli-adopted = { $edition }：采纳了 { $segments } 个片段中的 { $adopted } 个（{ $percent } %），作为已审定译文
cli-not-adopted = 片段 { $id }（第 { $line } 行）：{ $why }
cli-not-adopted-at = 片段 { $id }（第 { $line } 行，译本第 { $edition-line } 行）：{ $why }
cli-adopted-total = 在 { $editions } 个译本中采纳了 { $segments } 个片段中的 { $adopted } 个（{ $percent } %）；{ $candidates } 个已发布段落作为候选保留；{ $poor } 个译本未采纳（配对不确定）；{ $skipped } 个已有记录
cli-adopt-recorded = { $edition }：已有来源记录，跳过
cli-published-replaced = { $edition }：`adopt` 无法确认的 { $count } 个已发布段落已被新译文替换；每段都作为候选保留在 `{ $memory }` 中，`editions review` 会把它显示在新译文旁
cli-adopted-term = 片段 { $id }（译本第 { $edition-line } 行）：已采纳，但{ $why }
cli-adopt-candidates = 未采纳的 { $count } 个已发布段落作为候选保留在 `{ $memory }` 中：`editions review` 会把它们显示在对应片段旁
cli-adopt-candidates-dry = 将有 { $count } 个已发布段落作为候选保留在 `{ $memory }` 中
cli-adopted-again = 此译本之前的采纳已被替换：之前收录而这次未采纳的内容现在是候选
cli-adopt-poor = { $edition }：未采纳：{ $segments } 个片段中只有 { $confident } 个能与译本可靠配对；配对从 { $at } 开始变得不确定
cli-adopt-poor-at = 第 { $line } 行（译本第 { $edition-line } 行）
cli-adopt-poor-line = 第 { $line } 行
cli-adopt-dry-run = 试运行：没有写入任何内容
cli-bad-entry = `{ $edition }`：未使用：{ $memory }:{ $memory-line } 中片段 { $id }（第 { $line } 行）的译文：{ $why }；已重新请求
cli-bad-entry-new = `{ $edition }`：未使用：本次运行中片段 { $id }（第 { $line } 行）的译文：{ $why }；已重新请求
cli-bug = editions 因程序缺陷而停止：{ $what }
    .hint = 请连同导致它的命令一起报告

## editions.toml 与命令行选项

cli-bad-flag = --{ $flag } { $value } { $problem }
    .hint = 请给出{ $range }

## translate

cli-by-hand = 或者手工翻译：替换 `{ $file }` 中的每段文字（保留其标签），然后运行 `editions memory import { $original } { $file } --to { $locale }` 并重新运行
cli-output-is-original = `{ $path }` 是原文（`{ $original }`）：editions 从不写在原文上
    .hint = 请指定一个独立的文件来写入
cli-rederived-ahead = `{ $edition }`：它的记录（`{ $record }`）比它新一次运行（一次运行在写这两个文件之间被停止）；译本没有人工修改，因此已根据翻译记忆重新写入
cli-rederived-damaged = `{ $edition }`：它的记录（`{ $record }`）与译本对不上，而译本自 editions 写入后无人修改：记录已损坏，已重新写入
cli-nothing-to-check = 没有可检查的内容：`{ $root }` 下没有原文匹配 { $patterns }
    .hint = 请在周刊的根目录（editions.toml 所在的文件夹）运行 editions，或用 --root 指定；editions.toml 中的 `originals` 说明原文在哪里
cli-no-issue = 没有要翻译的期号
    .hint = 请用日期或路径指定期号，或用 --all、--missing、--stale 或 --since DATE 选择
cli-since-not-a-date = --since `{ $since }` 不是日期
    .hint = 请按 YYYY-MM-DD 给出，例如 2024-01-06
cli-one-out = -o 只指定了一个文件，但要求了 { $count } 个译本
    .hint = 去掉 -o，让每个译本写在其原文旁；或只指定一期和一个 --to
cli-out-not-a-file = `{ $path }` 不是普通文件，editions 不会替换它
    .hint = 没有发送任何请求；请指定一个文件来写入
cli-cannot-write-in = 无法在 `{ $dir }` 中写入（{ $error }），本次运行要写 `{ $path }`
    .hint = 没有发送任何请求；请让该文件夹可写，或在可写的根目录下运行

## init、memory、merge、review

cli-init-exists = { $files } 已存在，因此没有写入任何文件
    .hint = init 写入一套新的配置；请编辑现有文件，或把它们移走后再运行
cli-import-removed = 已删除 `{ $file }`：其中的译文已在翻译记忆中
cli-init-ignore-added = 已将 { $lines } 加入 { $path }
cli-init-wrote = 已写入 { $path }
cli-translations-shape = 译文是一个 JSON 对象，把片段 id 映射到带标签的文字
cli-no-such-segment = 片段 { $id }：没有这个 id 的片段
cli-not-imported = `{ $path }` 中有 { $count } 条译文无法导入；没有导入任何译文
cli-translations-json = `{ $path }` 第 { $line } 行第 { $column } 列：{ $message }
    .hint = 译文是一个 JSON 对象，把片段 id 映射到带标签的文字，例如 {"{"}"p-0123456789": "Hello <b1>world</b1>"{"}"}
cli-cannot-read-translations = 无法读取译文
cli-review-no-edition = 还没有 { $locale } 译本
    .hint = 请先运行 `editions translate { $issue } --to { $locale }`
cli-unknown-rev = --since `{ $rev }` 不是 git 在 `{ $dir }` 中认识的修订
    .hint = 请给出提交、标签或分支（见 `git log --oneline`），或去掉 --since，与译本的最后一次提交比较

## 多个译本的一次运行

cli-defaults = `{ $root }` 中没有 editions.toml：正在使用内置默认设置（原文为 `docs/{"{"}date{"}"}-weekly.md`，没有固定块规则，因此开头语等固定块会发给模型翻译）
    .hint = `editions init` 会写出周刊的设置（含规则的 editions.toml、术语表、本地化消息）；也可用 --root 指定其他目录
cli-note = 注意：{ $message }
cli-bar-batch = 批处理作业 { $id }：{ $status }，{ $done }/{ $total } 个请求
cli-bar-in-flight = { $count } 个请求进行中
cli-bar-memory = 来自翻译记忆
cli-batch-jobs = 批处理作业：新建 { $created } 个，恢复 { $resumed } 个；按批处理价格费用 ${ $cost }（同步价格 ${ $synchronous }）
cli-table-issue = 期号
cli-table-locale = 语言
cli-table-segments = 片段
cli-table-requests = 请求
cli-table-cost = 费用
cli-table-result = 结果
cli-table-total = 合计
cli-table-totals = 写入 { $written } 个，没有变化 { $unchanged } 个，失败 { $failed } 个
cli-table-totals-planned = { $planned } 个需发送，{ $memory } 个可由翻译记忆写出，{ $unchanged } 个没有变化，{ $failed } 个失败
cli-result-from-memory = 可由翻译记忆写出，无需发送
cli-result-written = 已写入
cli-result-unchanged = 没有变化
cli-result-planned = 已计划
cli-result-failed = 失败：{ $error }

## check 与 rules

check-summary = 检查了 { $editions } 个译本（缺少 { $missing } 个）：{ $errors } 个错误，{ $warnings } 个警告
check-links = 原文正文中的链接和图片：{ $links } 个，译本中缺少：{ $lost } 个（{ $percent } %），其中图片：{ $images } 个
rules-matched = 第 { $line } 行  规则 { $rule }（{ $what }）  { $text }
rules-broad = 警告：规则 { $rule }（{ $what }）匹配了 { $distinct } 段不同的文字，其中有些彼此不像：`{ $one }`（{ $one-issue } 第 { $one-line } 行）和 `{ $other }`（{ $other-issue } 第 { $other-line } 行）；请用 `contains` 收窄它
rules-unmatched = 警告：`{ $text }` 出现在 { $issues } 期中（{ $issue } 第 { $line } 行），没有规则匹配它：它会被发给模型；如果它是通讯的固定文字，请加一条 [[boilerplate]] 规则
rules-unused = 警告：规则 { $rule }（{ $what }）在这些期中什么也没匹配
rules-summary = { $issues } 期；规则匹配了 { $matched } 个块；{ $warnings } 个警告
cli-bar-segments = {"{"}pos{"}"}/{"{"}len{"}"} 个片段
cli-bar-from-memory = { $count } 个来自翻译记忆
cli-bar-editions = { $count } 个译本
cli-answers = 回答格式        { $format ->
        [json_schema] JSON 模式定义（结构化输出）
        [json_object] JSON 模式（服务器不接受模式定义）
       *[text] 纯文本（服务器不接受 JSON 模式）
    }
cli-plan-qa = 质量检查        { $requests } 个评分请求（已计入下面的估计）
cli-qa = 质量检查        { $requests } 个评分请求，{ $redone } 个片段评分过低、已重新请求
cli-suggest-head = 从 { $approved } 条已审定译文中找到 { $count } 个 { $glossary } 尚未收录的术语：请逐一核对，再把接受的粘贴进去
cli-suggest-count = 在含有它的 { $of } 条已审定译文中有 { $count } 条这样翻译，分布在 { $issues } 期
