## 日本語版の固定部分。editions.toml の [[boilerplate]] ルールが原文のどのブロックを置き換えるかを決めます。
## 変数: $number（号数）, $date（YYYY-MM-DD）, $url（中国語の原文）, $title。

heading-articles = 🦄記事＆チュートリアル
heading-projects = 🐿️プロジェクト＆リソース
heading-podcasts = 🐢ポッドキャスト＆動画
heading-discussions = 🥂ディスカッション＆質問
heading-articles-link = **[🦄記事＆チュートリアル](https://weekly.pythoncat.top)**
heading-projects-link = **[🐿️プロジェクト＆リソース](https://weekly.pythoncat.top)**
heading-podcasts-link = **[🐢ポッドキャスト＆動画](https://weekly.pythoncat.top)**
heading-discussions-link = **[🥂ディスカッション＆質問](https://weekly.pythoncat.top)**

intro =
    Python トレンド週刊へようこそ。Python、AI、プログラミング全般の良質な記事を毎週お届けします（多くは英語です）。

    {"["}原文]({ $url })は中国語で書かれています。この版は LLM で翻訳し、リンクをひとつずつ照合しています。

season-promotion =
    🎁 **Python トレンド週刊**は 30 号ごとに 1 シーズンです。第 1 シーズンの精選はこちら：[Python トレンド週刊 第 1 シーズン精選（1〜30）](https://pythoncat.top/posts/2023-12-11-weekly)

subscribe =
    ## 🐼購読のご案内

    - [ブログ](https://pythoncat.top)：2009 年からの技術記事と翻訳。
    - [ニュースレター](https://pythoncat.substack.com/s/python-trending-weekly)：Substack で毎号をメールでお届けします。
    - [GitHub](https://github.com/chinesehuazhou/python-weekly)：この週刊の Markdown ソース。自由に再利用できます。
    - [Telegram](https://t.me/pythontrendingweekly)：お知らせと号外のリンク。

intro-paid =
    Python トレンド週刊は Python 猫が 400 以上の情報源から厳選した記事、チュートリアル、オープンソースプロジェクト、ツール、ポッドキャスト、動画をお届けします。

read-full = **全文を読む**：[Patreon で購読](https://patreon.com/PythonCat666)

summary-heading = 今号のタイトル一覧：

paid-subscription =
    週刊の全文は有料購読です。[Patreon で購読](https://patreon.com/PythonCat666)すると毎号の全文を読めます。

## シーズンまとめへのリンク（2025-05 以降の号）。
season-3-link = [Python トレンド週刊 第3シーズンまとめ（電子書籍付き）](https://pythoncat.top/posts/2025-04-20-sweekly)
season-2-link = [Python トレンド週刊 第2シーズン完結（31~60）](https://pythoncat.top/posts/2025-04-20-iweekly)
season-1-link = [Python トレンド週刊 第1シーズン傑作選（1~30）](https://pythoncat.top/posts/2023-12-11-weekly)
