## The fixed parts of the English edition of Python 潮流周刊.
## A Markdown line that starts with `*`, `[` or `.` is written with a placeable: {"**"}Bold**.
## They replace the original's blocks named by the [[boilerplate]] rules of editions.toml.
## Variables: $number (issue number), $date (YYYY-MM-DD), $url (the Chinese original), $title.

## The heading an edition begins with instead of the front matter (a `front_matter` rule).
edition-heading = # Python Trending Weekly #{ $number } ({ $date })

## Section headings.
heading-articles = 🦄Articles & Tutorials
heading-projects = 🐿️Projects & Resources
heading-podcasts = 🐢Podcasts & Videos
heading-discussions = 🥂Discussions & Questions
heading-articles-link = **[🦄Articles & Tutorials](https://weekly.pythoncat.top)**
heading-projects-link = **[🐿️Projects & Resources](https://weekly.pythoncat.top)**
heading-podcasts-link = **[🐢Podcasts & Videos](https://weekly.pythoncat.top)**
heading-discussions-link = **[🥂Discussions & Questions](https://weekly.pythoncat.top)**

## Issues with front matter (up to 2025-06).
intro =
    Welcome to Python Trending Weekly, a weekly selection of Python, AI and general programming content, most of it in English.

    The [original edition]({ $url }) is written in Chinese; what you are reading was translated with an LLM and checked link for link.

    {"**"}Substack**: [Subscribe to get every issue by email](https://pythoncat.substack.com/s/python-trending-weekly)

season-promotion =
    🎁 Every 30 issues of **Python Trending Weekly** make a season. The best of season one is collected in one post: [Python Trending Weekly Season 1 Highlights (1~30)](https://pythoncat.top/posts/2023-12-11-weekly)

subscribe =
    ## 🐼Subscribe

    - [Blog](https://pythoncat.top): original and translated articles on Python and programming, written since 2009.
    - [Newsletter](https://pythoncat.substack.com/s/python-trending-weekly): every issue of the weekly by email, on Substack.
    - [GitHub](https://github.com/chinesehuazhou/python-weekly): the Markdown sources of this newsletter, free to reuse.
    - [Telegram](https://t.me/pythontrendingweekly): the weekly's announcements and extra links between issues.
    - [Twitter](https://twitter.com/chinesehuazhou): follow the Python developers and projects we follow.

## Issues with a paid column (from 2025-07).
intro-paid =
    Python Trending Weekly is curated by Python Cat from 400+ sources: the articles, tutorials, open-source projects, tools, podcasts, videos and discussions most worth your time. Our aim: to help every reader get better at Python and grow their career and side income.

read-full = **Read the full issue**: [on Patreon](https://patreon.com/PythonCat666)

summary-heading = The titles of this issue:

paid-subscription =
    The full weekly is a paid subscription: hand-picked Python content every week, filtered from 400+ sources. [Subscribe on Patreon](https://patreon.com/PythonCat666) to read every issue in full.

## The links to the season collections (issues from 2025-05 on).
season-3-link = [Python Trending Weekly Season 3 Summary, with the e-book](https://pythoncat.top/posts/2025-04-20-sweekly)
season-2-link = [Python Trending Weekly Season 2 Complete (31~60)](https://pythoncat.top/posts/2025-04-20-iweekly)
season-1-link = [Python Trending Weekly Season 1 Highlights (1~30)](https://pythoncat.top/posts/2023-12-11-weekly)
