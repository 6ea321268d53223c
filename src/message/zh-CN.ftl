## editions 库对人说的话（简体中文）。每条消息的 `.hint` 是该怎么办；`message::hinted`
## 把它写在下一行。与 en.ftl 保持同步。

hint = 提示：{ $hint }
# Text that is already written (see `Message::plain`).
plain = { $text }

## 文件

file-read-only = `{ $path }` 是只读的，editions 不会替换它
    .hint = 如果应当更新它，请让它可写（chmod u+w）
file-not-a-file = `{ $path }` 不是普通文件，editions 不会替换它
    .hint = 请指定一个文件来写入
file-link-loop = `{ $path }` 是一个绕回自身的符号链接（链接循环）
    .hint = 请让链接指向一个文件，或删除它并写入一个文件
lifecycle-output-is-original = `{ $edition }` 是原文（`{ $original }`）：editions 从不把译本写在原文上
    .hint = { $why }
file-cannot-write = 无法写入 `{ $path }`：{ $error }
    .hint = 请检查其所在文件夹存在且可写
read-cannot-read = 无法读取 `{ $path }`：{ $error }
    .hint = 请检查文件存在且可读
read-not-utf8 = `{ $path }` 不是有效的 UTF-8：第 { $line } 行（字节偏移 { $offset }）有无效字节 { $byte }
    .hint = 请把文件另存为 UTF-8

## 术语表

glossary-cannot-read = 无法读取术语表：{ $error }
    .hint = 请检查文件权限
glossary-format = 每个条目是一个 [[term]] 表，含 `source`、`target` 和可选的 `note`；`keep` 是字符串列表
glossary-empty-term = 有术语的 `source` 或 `target` 为空
    .hint = 请把两者都填上，或删除该条目
glossary-target-script = `{ $term }` 的译法（`{ $target }`）用的是原文的文字（`{ $left }`），使用它的每个回答都会被拒绝
    .hint = 请用译本的语言写译法；如果这个名称保持原样，请把它列在 `keep` 下
glossary-duplicate = `{ $term }` 已在第 { $line } 行定义
    .hint = 每个源术语只保留一个条目

## 期号

issue-no-file = 无法读取 `{ $name }`：没有这个文件
    .hint = 请给出 Markdown 文件的路径，或以 YYYY-MM-DD 形式给出一期的日期
issue-not-a-name = `{ $name }` 既不是日期也不是 Markdown 文件
    .hint = 请用日期指定一期，例如 { $example }
issue-not-a-date = `{ $name }` 不是真实存在的日期
issue-nearest = 最接近的几期是 { $dates }
issue-no-issue = 没有日期为 { $name } 的一期（查找的是 { $paths }）
issue-several = { $name } 是多期的日期：{ $paths }
    .hint = 请用路径指定其中一期，例如 `{ $path }`
issue-none-match = `{ $root }` 下没有与 `{ $pattern }` 匹配的一期；请检查 editions.toml 中的 `originals` 和 --root
list-separator = 、
list-none = 无
list-and = { $rest } 和 { $last }

## 翻译记忆与来源记录

memory-malformed = { $path }:{ $line }：不是翻译记忆条目：{ $message }
    .hint = 每行是 editions 写入的一个 JSON 对象；请修正或删除该行（git 会显示改了什么）
memory-cannot-read = 无法读取翻译记忆 `{ $path }`：{ $error }
memory-cannot-write = 无法写入翻译记忆 `{ $path }`：{ $error }
    .hint = 请检查其所在文件夹存在且可写；否则本次运行的译文会丢失
provenance-malformed = { $path }:{ $line }：不是来源记录的一行：{ $message }
    .hint = 来源记录由 editions 写入；请从 git 恢复该文件，或删除它并对该译本运行 `editions adopt`
provenance-cannot-read = 无法读取来源记录 `{ $path }`：{ $error }
provenance-format = 格式 { $found } 不是这个版本的 editions 能读的格式 { $format }
lang-unknown = 未知语言 `{ $code }`：请使用 zh、ja、en 之一

## 通讯的各语言消息

locale-syntax = { $path }:{ $line }：{ $message }
    .hint = .ftl 文件的语法见 https://projectfluent.org/fluent/guide/
locale-duplicate = { $path }:{ $line }：消息 `{ $id }` 已在 { $first }:{ $first-line } 定义，两者只能用其一
    .hint = 请删除其中一个，或给它改名
locale-cannot-read = 无法读取 `{ $path }`：{ $message }
locale-missing = 语言 `{ $locale }` 没有消息 `{ $id }`
    .hint = 请在 { $dir } 中的某个文件里加上 `{ $id } = …`
locale-format = { $path }：消息 `{ $id }` 无法格式化：{ $message }

## 翻译运行

segment-at = 片段 { $id }（第 { $line } 行）
segment = 片段 { $id }
merge-unknown-id = 没有这个 id 的片段（运行 `editions extract` 可列出所有片段）
merge-problems = `{ $path }` 的译文中有 { $count } 个问题
    .hint = 每条译文必须保留其原文的每个标签，各出现一次，并正确嵌套
run-needs-model = `{ $path }` 中有 { $count } 个片段不在翻译记忆中，且没有配置模型
    .hint = 请设置 OPENAI_API_KEY（若服务器不是 OpenAI，再设置 OPENAI_BASE_URL），并在 editions.toml 中设置 `model`；或用 --dry-run 查看将发送的内容
run-segments-failed = `{ $path }` 中有 { $count } 个片段无法翻译
    .hint = 已通过校验的译文保存在翻译记忆中；重新运行即可只重试这些片段

## 模型

model-missing-key = 没有 API 密钥：请在环境中设置 OPENAI_API_KEY（若服务器不是 OpenAI，再设置 OPENAI_BASE_URL）
model-bad-url = OPENAI_BASE_URL `{ $url }` 不是 editions 能用的 URL（{ $problem }）：请给出形如 https://api.openai.com/v1 的地址
model-unauthorized = { $url } 拒绝了 API 密钥（HTTP { $status }）：请把 OPENAI_API_KEY 设为此服务器的有效密钥
model-unknown-model = { $url } 不提供模型 `{ $model }`：请在 editions.toml 中设置 `model`，或用 --model 指定此服务器列出的模型
model-unreachable = 无法连接 { $url }：{ $detail }；请检查 OPENAI_BASE_URL，并确认服务器正在运行
model-gave-up = { $url } 尝试 { $attempts } 次后仍失败：{ $last }；请稍后再试，或调高 editions.toml 中的 `timeout` / `max_retries`
model-no-batch-api = { $url } 不提供 Batch API（{ $endpoint } 返回 HTTP { $status }）：请去掉 --batch-api 并在 editions.toml 的 [model] 中设置 `batch_api = false`，或使用提供 /files 和 /batches 的服务器
model-rejected = { $url } 拒绝了请求（HTTP { $status }）：{ $message }
batch-no-answer = 批处理作业结束时没有此请求的回答
batch-no-answer-after = 尝试 { $attempts } 次后，作业仍没有请求 { $id } 的回答
batch-cannot-record = 无法写入批处理作业记录 `{ $path }`：{ $error }
batch-not-a-completion = 作业的一个回答不是 chat completion
batch-request-status = 作业中的一个请求失败，HTTP { $status }
batch-request-failed = 作业中的一个请求失败：{ $error }
batch-line-empty = 作业的一行没有回答

## 更新译本

lifecycle-unplaceable = { $what }，因此无法再把译本与 editions 写入的内容对应起来（`{ $record }`）
lifecycle-added = 这一段是手工加到译本中的，不对应原文的任何段落
    .hint = 请改为把它加到原文中（这样它会被翻译），或从译本中删除；--retranslate 会替换整个译本
lifecycle-segment-gone = 片段 { $id }（“{ $text }”）已不在译本中
    .hint = 请恢复该段（git 里可以看到），或也从原文中删除它；--retranslate 会替换整个译本
lifecycle-fixed-gone = editions 写入的“{ $text }”已不在译本中
    .hint = 请恢复它（git 里可以看到）：不翻译的文字来自原文或该语言的消息，要改请改那里
lifecycle-fixed-edited = “{ $text }”被修改了，但 editions 是从原文或该语言的消息中复制它的
    .hint = 请在原文或该语言的消息（locales/）中修改，并恢复译本中的文字
lifecycle-unreadable-edit = 片段 { $id } 的人工修改无法保留：{ $why }
    .hint = 请让该片段的链接、代码和强调与原文一致（链接的改动应改在原文中），或用 --retranslate 重新运行以替换译本；在此之前，这处人工修改作为候选保存在 `{ $memory }` 中，`editions review` 会显示它
lifecycle-no-record = `{ $edition }` 已存在，但 editions 没有写入它的记录（`{ $record }`），因此无法区分人工修改和原文改动
    .hint = 请对它运行 `editions adopt`，把其文字作为已审定译文接收；或用 --retranslate 重新运行以替换它
lifecycle-already-recorded = `{ $edition }` 已有来源记录（`{ $record }`）：editions 每次运行都会保留其人工修改，没有需要接收的内容
    .hint = 如果仍要接收（其当前文字成为已审定译文），请先删除该记录
lifecycle-nothing-to-adopt = `{ $edition }` 处没有可接收的译本
    .hint = `editions adopt` 接收已存在的译本；要写新译本请运行 `editions translate`
adopt-no-run = 译本中这个位置没有对应的文字
adopt-merged = 译本把它和下一段合成了一段：已作为候选保留
adopt-split = 译本把它拆成了两段：已作为候选保留
adopt-uncertain = 这里的配对不确定（没有一致的锚点，相邻段落也无法确定）
adopt-uncertain-anchors = 这里的配对不确定：{ $anchors } 不一致
adopt-lost-numbers = 译本的文字缺少 { $numbers }
adopt-lost-names = 译本的文字缺少名称 { $names }
adopt-added-after = 译本在原文第 { $line } 行之后有这一段，原文中没有对应
adopt-added-before = 译本在原文第 { $line } 行之前有这一段，原文中没有对应
adopt-no-longer = 之前的采用收录了它；重新采用后，译本不再能证明它
markup-differs = 其链接、代码或强调与原文不一致
lifecycle-unplaced = 它无法放进译本：{ $why }
lifecycle-not-placeable = 它无法放进译本
lifecycle-lost-numbers = 它丢了 { $numbers }
lifecycle-output-from-out = 请给 -o 一个独立的路径，不要在原文之中
lifecycle-output-from-pattern = editions.toml 中的 `editions` 必须为每种语言指定独立的位置（含 `{"{"}locale{"}"}`），绝不能是原文的位置
lifecycle-waiting-for = 正在等待另一个 editions 运行（进程 { $pid }），它正在处理 `{ $original }`
lifecycle-waiting = 正在等待另一个 editions 运行，它正在处理 `{ $original }`
lifecycle-kept-refused = 你的人工修改，未被采用：{ $why }
lifecycle-kept-conflict = 你对旧原文（“{ $old }”）的人工修改，其标记与新旧原文都不一致
lifecycle-kept-removed = 你对一个已从原文删除的段落的人工修改，其标记已不一致
lifecycle-kept-retranslated = 你的人工修改，已被 --retranslate 替换
lifecycle-check = `{ $edition }` 的译本无法通过 `editions check`，因此没有写入
    .hint = 已通过校验的译文保存在翻译记忆中；请修正发现所指的原文或译文后重新运行

## `editions check` 的发现：哪里不对，然后该怎么做

level-error = 错误
level-warning = 警告
finding-link-missing = { $edition } 中缺少链接 { $url }：请把它放回它所属的译文周围
finding-image-missing = { $edition } 中缺少图片 { $url }：请把它放回它所属的译文周围
finding-link-added = 原文中没有链接 { $url }：请删除它，或把它加到原文或该语言的消息中
finding-image-added = 原文中没有图片 { $url }：请删除它，或把它加到原文或该语言的消息中
finding-code-differs = 这段代码与原文（第 { $line } 行）不同：代码从不翻译；请逐字节复制回来
finding-code-added = 原文中没有这个代码块：请删除它
finding-code-missing = { $edition } 中缺少这个代码块：请把它复制过来
finding-math-missing = { $edition } 中缺少数学公式 `{ $math }`：公式逐字节保持原样
finding-math-added = 原文中没有数学公式 `{ $math }`：公式逐字节保持原样
finding-container-missing = { $edition } 中缺少容器 `{ $container }`：请保留它，只翻译其中的文字
finding-container-differs = 这个容器是 `{ $container }`，而原文对应的是 `{ $there }`：请按原文的顺序保留同样类型的容器
finding-container-added = 原文此处没有容器 `{ $container }`：请删除它，或把它加到原文中
finding-span-missing = { $edition } 中缺少行内代码 `{ $span }`：行内代码保持原样
finding-span-added = 原文中没有行内代码 `{ $span }`：行内代码保持原样
finding-heading-rewritten = 这个标题对应原文的 `{ $heading }`（第 { $line } 行），它由该语言的消息写入：请写该语言的标题，或修改 editions.toml 中的规则
finding-headings = 从第 { $from } 个标题起与原文不同（原文 { $there } 个标题，这里 { $here } 个）：每个原文标题对应一个同级标题
finding-items = 这一节有 { $here } 项，而原文（第 { $line } 行）有 { $there } 项：请逐项翻译，每项自成一段
finding-table = 这个表格是 { $rows }×{ $columns }，而原文的是 { $original-rows }×{ $original-columns }：请保留每一行和每个单元格
finding-untranslated = 未翻译的文字 `{ $text }`：请翻译它；若是名称，请加到 editions.toml 的 [check] 中的 `allow`
finding-control = 原文中没有控制字符 { $character }：终端或浏览器会执行它而不是显示它；请删除它
finding-control-original = 控制字符 { $character } 来自原文（第 { $line } 行）：终端或浏览器会执行它而不是显示它；请从原文中删除它，然后重新翻译
finding-tag = { $tag } 是留在文字中的翻译标签：请删除它
finding-mojibake = `{ $bad }` 是 `{ $meant }` 的乱码：文字用错误的编码解码了；请以 UTF-8 写入
finding-paragraph-lost = 段落 `{ $words }` 在 { $edition } 中没有对应：请把它译成单独的一段
finding-paragraph-added = 段落 `{ $words }` 在原文中没有对应：请删除它，或把它并入它所属的段落
finding-paragraph-merged = 原文的段落 `{ $words }` 和 `{ $next }` 在这里合成了一段：请把它们分开
finding-paragraph-split = 原文的段落 `{ $words }` 在这里分成了两段：请把它们合并
finding-paragraph-moved = 原文的段落 `{ $words }`（第 { $line } 行）出现在这里，离开了原来的位置：请把它移回去
finding-anchor = #{ $fragment } 不指向本译本的任何标题：请改为指向翻译后标题的锚点
finding-anchor-original = #{ $fragment } 在原文中也没有对应的锚点（第 { $line } 行）：原文就已失效；请修改原文，各版本会随之更新
finding-glossary = 原文（第 { $line } 行）有 `{ $term }`，术语表将其译为 `{ $target }`：请在此使用该译法
finding-glossary-avoid = 原文（第 { $line } 行）有 `{ $term }`，译文将其写作 `{ $avoided }`，这是术语表要求避免的译法：请写作 `{ $target }`
finding-numbers = 原文（第 { $line } 行）有 { $numbers }，而译文没有：请按原文保留每个数字（版本号、数量、日期）
finding-stale-new = { $id }（第 { $line } 行）是新的
finding-stale-gone = { $id } 已删除
finding-stale-more = 另有 { $count } 个
finding-stale-record = 原文的片段与 { $edition } 翻译时所依据的不同（{ $segments }）：请运行 `editions translate` 更新它
finding-stale-memory = 自 { $edition } 翻译以来有 { $count } 个片段改动了（第一个在此）：请运行 `editions translate` 更新它
finding-fm-missing = { $edition } 中缺少原文的前言（键 { $keys }）：请复制过来，并翻译其标题
finding-fm-key-missing = { $edition } 中缺少前言的 `{ $key }`：请复制过来
finding-fm-key-added = 原文的前言中没有 `{ $key }`：请删除它
finding-fm-key-order = 前言在原文为 `{ $original }` 的位置是 `{ $key }`：请按原文的顺序保留其键（{ $keys }）
finding-fm-empty = `{ $key }` 是空的：请翻译原文的值（`{ $original }`）
finding-fm-untranslated = `{ $key }` 有未翻译的文字 `{ $text }`：请翻译它
finding-fm-value-lines = `{ $key }` 与原文（第 { $line } 行）不同：只有翻译字段（{ $fields }）可以不同；请逐字节复制
finding-fm-value = `{ $key }` 在这里是 `{ $here }`，在原文中是 `{ $there }`：只有翻译字段（{ $fields }）可以不同；请逐字节复制
finding-no-edition = 没有 { $locale } 译本（`{ $edition }`）：请运行 `editions translate { $issue } --to { $locale }`

## 审阅

review-title = 审阅：{ $original } → { $edition }
review-since = 自 { $since } 以来的改动已标出
review-like-this = 像这样
review-line = 第 { $original } 行 → 第 { $edition } 行
review-row = 第 { $row } 行
review-original = 原文
review-edition = 译本
review-links = 链接
review-other-findings = 其他发现
review-hand-edited = 人工修改：按人写的保留
review-candidate = 已发布但未采纳（{ $why }）：{ $text } —— 若要保留，把它粘贴到译本中替换新译文，再运行 `editions translate`：它会被当作人工修改保留
review-conflict = 冲突：人工修改后原文又变了；已翻译新的原文
review-old-original = 旧原文：{ $text }
review-hand-edit = 人工修改：{ $text }
review-glossary = 术语表：{ $terms }
review-boilerplate-replaced = 固定内容（{ $rule }）：由消息 `{ $message }` 写入
review-boilerplate-dropped = 固定内容（{ $rule }）：在此语言中删去
review-count-segments = 片段
review-count-changed = 有改动
review-count-hand-edited = 人工修改
review-count-conflicts = 冲突
review-count-boilerplate = 固定内容
review-count-errors = 错误
review-count-warnings = 警告
review-link-same = 相同
review-link-expected = 预期：固定内容
review-link-lost = 丢失
review-link-added = 新增
review-rating = 评分 { $score }/5（准确 { $accuracy }，完整 { $omission }，术语 { $terminology }，流畅 { $fluency }）：{ $reason }

## editions.toml
config-out-of-range = 超出范围
config-range-seconds = { $min } 到 { $max } 之间的秒数
config-range-count = { $min } 到 { $max } 之间的整数
config-range-price = 每百万词元的价格，0 或更高
config-cannot-read = 无法读取配置：{ $error }
    .hint = 请检查文件权限
config-keys = editions 认识的键见 README 的配置一节
config-source = 请把 `source` 设为原文的语言
config-targets = 请列出要翻译成的语言，例如 ["en", "ja"]
cli-to-unknown = `--to { $code }`：editions 不认识这种语言
    .hint = 请使用 { $choices } 之一
cli-to-source = `--to { $code }`：{ $code } 是原文的语言（editions.toml 中的 `source`），不是翻译的目标语言
    .hint = 请使用 { $choices } 之一
config-range-number = { $min } 到 { $max } 之间的数
config-no-targets = `targets` 为空：editions 不会翻译成任何语言
    .hint = 列出要翻译成的语言，例如 targets = ["en"]
config-empty-path = `{ $key }` 为空：editions 没有可用的文件
    .hint = 请给 `{ $key }` 一个相对于周刊根目录的路径，或删除这一行以使用默认值
config-no-date = `{ $key }` = "{ $value }" 中没有 `{"{"}date{"}"}`，因此每一期都指向同一个文件
    .hint = 请在文件名中期号日期的位置写 `{"{"}date{"}"}`，例如 "docs/{"{"}date{"}"}-weekly.md"
config-blank-pattern = 某条 boilerplate 规则的 `{ $key }` 为空，因此会匹配每一个块
    .hint = 请给 `{ $key }` 写上该块开头的文字，或删除它
config-bad-value = `{ $key }` = { $value } { $problem }
config-set-value = 请把 [model] 中的 `{ $key }` 设为{ $range }
