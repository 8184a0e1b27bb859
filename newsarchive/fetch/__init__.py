"""Fetching: polite HTTP, robots.txt, URL normalisation, link discovery, the crawl run.

- `crawl.crawl(archive, sources, options) -> CrawlSummary` and `crawl.fetch(...)`: the runs
  behind `newsarchive crawl` and `newsarchive fetch`.
- `http.HttpClient`: one requests Session with per-host delay, retries, size and type checks.
- `robots.Robots`: robots.txt once per host per run; `discover.discover`.
- `frontier.Frontier`: the crawl's state in the archive (tables in `store/crawl_models.py`).
- `lock.crawl_lock`: one crawl per archive at a time.
"""
