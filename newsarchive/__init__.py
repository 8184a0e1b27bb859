"""newsarchive: scrape ANP-style news-wire pages into a structured, deduplicated archive."""

__version__ = "0.1.0"
