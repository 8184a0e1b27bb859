"""URL normalisation: one spelling per page, so the frontier can tell what it has seen.

Normalised: scheme and host lowercased (an international host name in its IDNA form), the
default port dropped, an empty path made `/`, non-ASCII and unsafe characters in path and
query percent-encoded as UTF-8 the way browsers do, percent escapes in upper case, tracking
parameters (`utm_*`, `fbclid`, `gclid`, ...) removed, the fragment dropped. The order of the
remaining query parameters is kept: a site may depend on it.

Credentials (`http://user:password@host/`) are refused (`CredentialsInURL`) unless the caller
asks to keep them: only a source the user names may carry them, and the crawl takes them off
(`split_credentials`) before the URL goes anywhere; links and redirects carrying them are not
followed. Error messages never repeat them (`redact`).

A URL is at most `MAX_URL_LENGTH` characters once normalised (the sitemap protocol's limit, and
well under what a PostgreSQL index row holds): a longer one is refused (`URLTooLong`), so a
page linking to a 9,000-character URL cannot stop the archive.

A site (`site_of`) is a host's registrable domain by the public suffix list (the snapshot the
`publicsuffixlist` package ships; nothing is downloaded), so `www.news.co.uk` and
`feeds.news.co.uk` are one site and `attacker.co.uk` another; `same_site` also wants the same
port (or the default ports of http and https on both sides).

A page has hundreds of links, most of them already in their canonical spelling or a root-relative
path on the page's host: those (`_plain_url`) are recognised by one regular expression and
returned without urljoin, urlsplit and quote, with the output the general path gives for them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from urllib.parse import SplitResult, parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from publicsuffixlist import PublicSuffixList

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
MAX_URL_LENGTH = 2048


class UnsupportedURL(ValueError):
    """A URL newsarchive will not fetch: not http(s), no host, or malformed."""


class URLTooLong(UnsupportedURL):
    """A URL longer than `MAX_URL_LENGTH` characters, normalised."""


class CredentialsInURL(UnsupportedURL):
    """A URL carrying `user:password@` where none may be (a link, a redirect)."""


@dataclass(frozen=True)
class Credentials:
    """The user and password of a source URL, decoded; never printed (`repr` hides them)."""

    user: str = field(repr=False)
    password: str = field(repr=False)


def normalize_url(url: str, base: str | None = None, *, credentials: bool = False) -> str:
    """The canonical spelling of `url` (resolved against `base` first when given).

    Raises UnsupportedURL for anything but an absolute http or https URL with a host, and
    CredentialsInURL for one with a `user:password@` part unless `credentials` is true (a
    source the user named: the credentials are kept for `split_credentials`).
    """
    url = url.strip()
    plain = _plain_url(url if base is None else join_plain(base, url))
    normalized = plain if plain is not None else _normalize(url, base, credentials)
    if len(normalized) > MAX_URL_LENGTH:
        raise URLTooLong(f"URL of {len(normalized)} characters, over {MAX_URL_LENGTH}: "
                         f"{redact(normalized)[:80]}…")
    return normalized


def _normalize(url: str, base: str | None, credentials: bool) -> str:
    """`normalize_url` for any input: the general rule, by urllib (the fast path's oracle)."""
    try:
        if base is not None:
            url = urljoin(base, url)
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsupportedURL(f"malformed URL: {redact(url)}") from exc
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise UnsupportedURL(f"not an http or https URL: {redact(url)}")
    if not parts.hostname:
        raise UnsupportedURL(f"URL without a host: {redact(url)}")
    if "@" in parts.netloc and not credentials:
        raise CredentialsInURL(f"URL with credentials: {redact(url)}")
    netloc = _netloc(parts, scheme, port)
    path = _without_empty_parameters(parts.path or "/")
    if _DOT_SEGMENT.search(path):  # an absolute link's (urljoin resolves only relative ones)
        path = _without_dot_segments(path)
    path = _escape(path, PATH_SAFE)
    return urlunsplit((scheme, netloc, path, _query(parts.query), ""))


# A URL that is its own canonical spelling but for its fragment (or an empty `?`): lower-case
# http(s); a host of ASCII labels that IDNA takes as they are (1-63 characters, no empty one
# but a trailing dot's); a port in digits; a path (without `;`: urljoin splits parameters off)
# and query of characters `quote` leaves alone.
_PLAIN = re.compile(
    r"(https?)://((?:[a-z0-9_-]{1,63}\.)*[a-z0-9_-]{1,63}\.?)(?::([0-9]{1,5}))?"
    r"(/[A-Za-z0-9/%:@!$&'()*+,=._~-]*)?(?:\?([A-Za-z0-9/%:@!$&'()*+,;=._~?-]*))?(?:#.*)?",
    re.S,
)
_DOT_SEGMENT = re.compile(r"/\.\.?(?:[/?#]|$)")


def _without_empty_parameters(path: str) -> str:
    """`path` without empty parameters of its last segment (`/a;` is `/a`), as urljoin spells
    every link it resolves on a page of the same scheme: so is the URL whatever links it."""
    start = path.find(";", path.rfind("/"))
    return path[:-1] if start == len(path) - 1 else path


def _without_dot_segments(path: str) -> str:
    """`path` with its `.` and `..` segments resolved (RFC 3986 5.2.4), as browsers read an
    absolute URL: `/archief/../nieuws/x` is `/nieuws/x`."""
    kept: list[str] = []
    segments = path.split("/")[1:]
    for segment in segments:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    trailing = segments[-1] in (".", "..") and kept  # `/a/b/..` is the folder `/a/`
    return "/" + "/".join(kept) + ("/" if trailing else "")


def _plain_url(url: str | None) -> str | None:
    """`normalize_url(url)` when `url` is plain (see `_PLAIN`) and keeps every query
    parameter; None otherwise (the general rule decides)."""
    match = _PLAIN.fullmatch(url) if url is not None else None
    if match is None:
        return None
    scheme, netloc, port, path, query = match.groups()
    if path and _DOT_SEGMENT.search(path):
        return None
    if port is not None:
        number = int(port)
        if number > 65535:
            return None
        if number != DEFAULT_PORTS[scheme]:
            netloc = f"{netloc}:{number}"
    if query and any(is_tracking_parameter(_query_name(field)) for field in query.split("&")):
        return None
    url = f"{scheme}://{netloc}{path or '/'}?{query}" if query else f"{scheme}://{netloc}{path or '/'}"
    return ESCAPE.sub(_upper, url) if "%" in url else url


def join_plain(base: str, url: str, *, keep_fragment: bool = False) -> str | None:
    """`urljoin(base, url)` without its cost, for a plain `base` (see `_PLAIN`); None where
    urljoin must decide. `keep_fragment`: exactly what urljoin gives (a page's link as it
    reads), for a root-relative link without dot segments. Else up to what normalisation drops
    (the fragment, an empty query; `normalize_url` checks the result), also for a link that is
    absolute, protocol-relative, a query or a fragment."""
    if not keep_fragment and url.startswith(("http://", "https://")):
        return url  # urljoin keeps an absolute link (a plain one exactly)
    origin = _plain_origin(base)
    if origin is None:
        return None
    first = url[:1]
    if first == "/":
        if url[1:2] == "/":
            return None if keep_fragment else f"{origin[0]}:{url}"
        if _DOT_SEGMENT.search(url) or (keep_fragment and not _joins_as_it_reads(url)):
            return None
        return origin[1] + url
    if keep_fragment:
        return None
    if first == "?":
        return None if url[1:2] in ("", "#") else origin[2] + url  # `?` alone keeps the base's query
    if first == "#" or not url:
        return base
    return None


def _joins_as_it_reads(url: str) -> bool:
    """Whether urljoin gives `url`'s tail as it is: it drops tabs and line breaks, an empty
    query, an empty fragment and empty path parameters (`;`)."""
    return not (url.endswith(("?", "#")) or "?#" in url or ";" in url or "\t" in url or "\n" in url
                or "\r" in url)


@functools.lru_cache(maxsize=64)
def _plain_origin(base: str) -> tuple[str, str, str] | None:
    """(scheme, `scheme://host:port`, the URL without query and fragment) of a plain base."""
    match = _PLAIN.fullmatch(base)
    if match is None:
        return None
    host_end = match.end(3) if match.group(3) is not None else match.end(2)
    path_end = match.end(4) if match.group(4) is not None else host_end
    return match.group(1), base[:host_end], base[:path_end]


def _query_name(field: str) -> str:
    """A query parameter's name as parse_qsl reads it."""
    name = field.partition("=")[0]
    return unquote(name.replace("+", " ")) if "%" in name or "+" in name else name


def _upper(match: re.Match[str]) -> str:
    return match.group(0).upper()


def _netloc(parts: SplitResult, scheme: str, port: int | None) -> str:
    host = parts.hostname or ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise UnsupportedURL(f"invalid host name: {host[:100]}") from exc
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
    return ESCAPE.sub(_upper, quote(text, safe=safe))


def redact(url: str) -> str:
    """`url` with any `user:password@` part shown as `***@`, for messages and logs."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority_end = min((rest.find(char) for char in "/?#" if char in rest), default=len(rest))
    authority = rest[:authority_end]
    if "@" not in authority:
        return url
    return f"{scheme}://***@{authority.rpartition('@')[2]}{rest[authority_end:]}"


def split_credentials(url: str) -> tuple[str, Credentials | None]:
    """A normalised URL without its `user:password@` part, and that part (decoded)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    bare = urlunsplit((parts.scheme, hostport, parts.path, parts.query, parts.fragment))
    return bare, Credentials(unquote(user), unquote(password))


def host_of(url: str) -> str:
    """`host[:port]` of a normalised URL: the unit of politeness (delay, robots.txt)."""
    return urlsplit(url).netloc.rpartition("@")[2]


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{host_of(url)}"


@functools.lru_cache(maxsize=1)
def _public_suffixes() -> PublicSuffixList:
    return PublicSuffixList()  # the package's bundled snapshot; never fetched at run time


@functools.lru_cache(maxsize=4096)
def _registrable_domain(host: str) -> str:
    if host in LOOPBACK_NAMES:  # one machine, whichever name a page links it by
        return "localhost"
    if ":" in host or host.replace(".", "").isdigit():  # an address: its own site
        return host
    host = host.rstrip(".")
    # a host that is itself a public suffix (`co.uk`, `github.io`) is a site of its own
    return _public_suffixes().privatesuffix(host) or host


def site_of(url: str) -> str:
    """The site a URL belongs to: the registrable domain of its host by the public suffix list
    (`www.news.co.uk` and `feeds.news.co.uk` are `news.co.uk`; `a.github.io` and
    `b.github.io` are two sites). An IP address is a site of its own; `localhost`, 127.0.0.1
    and ::1 are one site."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return _registrable_domain(host.lower())


def _explicit_port(url: str) -> int | None:
    """The port of a URL when it is not its scheme's default (None: 80 for http, 443 for
    https), so an http page and the https page it upgrades to are on one port."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return -1
    return None if port in (None, DEFAULT_PORTS.get(parts.scheme.lower())) else port


def same_site(url: str, other: str) -> bool:
    """One site (see `site_of`) on one port: whether a link or a redirect from `url` to
    `other` stays on the site. Another port of the same host is another site."""
    home = site_key(url)
    return home[0] != "" and site_key(other) == home


def site_key(url: str) -> tuple[str, int | None]:
    """(site, explicit port) of a URL: two URLs are on one site (`same_site`) when their keys
    are equal and name a site. A page's own key is worked out once for all its links."""
    return site_of(url), _explicit_port(url)
