"""URL normalisation: one spelling per page, so the frontier can tell what it has seen.

Normalised: scheme and host lowercased (an international host name in its IDNA form), the
default port dropped, an empty path made `/`, non-ASCII and unsafe characters in path and
query percent-encoded as UTF-8 the way browsers do, percent escapes in upper case, tracking
parameters (`utm_*`, `fbclid`, `gclid`, ...) removed, the fragment dropped. The order of the
remaining query parameters is kept: a site may depend on it.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

SCHEMES = ("http", "https")
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
DEFAULT_PORTS = {"http": 80, "https": 443}
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id",
        "oly_enc_id", "vero_id", "rb_clickid", "s_cid", "ncid", "ocid",
    }
)
# Characters a browser leaves as they are in a path or query; everything else is escaped.
PATH_SAFE = "/%:@!$&'()*+,;=-._~"
QUERY_SAFE = PATH_SAFE + "?"
ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")


class UnsupportedURL(ValueError):
    """A URL newsarchive will not fetch: not http(s), no host, or malformed."""


def normalize_url(url: str, base: str | None = None) -> str:
    """The canonical spelling of `url` (resolved against `base` first when given).

    Raises UnsupportedURL for anything but an absolute http or https URL with a host.
    """
    url = url.strip()
    if base is not None:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsupportedURL(f"malformed URL: {url}") from exc
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise UnsupportedURL(f"not an http or https URL: {url}")
    if not parts.hostname:
        raise UnsupportedURL(f"URL without a host: {url}")
    netloc = _netloc(parts, scheme, port)
    path = _escape(parts.path or "/", PATH_SAFE)
    return urlunsplit((scheme, netloc, path, _query(parts.query), ""))


def _netloc(parts: SplitResult, scheme: str, port: int | None) -> str:
    host = parts.hostname or ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise UnsupportedURL(f"invalid host name: {host}") from exc
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    return netloc


def _query(query: str) -> str:
    if not query:
        return ""
    kept = [
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=True)
        if not is_tracking_parameter(name)
    ]
    if len(kept) == len(parse_qsl(query, keep_blank_values=True)):
        return _escape(query, QUERY_SAFE)  # nothing removed: keep the site's own spelling
    return urlencode(kept, quote_via=quote, safe=QUERY_SAFE.replace("&", "").replace("=", ""))


def is_tracking_parameter(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def _escape(text: str, safe: str) -> str:
    return ESCAPE.sub(lambda match: match.group(0).upper(), quote(text, safe=safe))


def host_of(url: str) -> str:
    """`host[:port]` of a normalised URL: the unit of politeness (delay, robots.txt)."""
    return urlsplit(url).netloc.rpartition("@")[2]


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{host_of(url)}"


def site_of(url: str) -> str:
    """The site a URL belongs to: its host name without port and without a `www.` prefix,
    reduced to the last two labels (so `feeds.example.nl` and `www.example.nl` are one site)."""
    host = (urlsplit(url).hostname or "").lower()
    if host in LOOPBACK_NAMES:  # one machine, whichever name a page links it by
        return "localhost"
    if host.replace(".", "").isdigit() or ":" in host:
        return host
    return ".".join(host.split(".")[-2:])


def same_site(url: str, other: str) -> bool:
    return site_of(url) == site_of(other)
