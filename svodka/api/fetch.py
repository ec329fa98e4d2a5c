"""Fetching a page for `POST /api/extract {"fetch": URL}`, only where `svodka serve --allow-fetch`.

The policy: http and https only; the host is resolved here and every address it resolves to
must be a public unicast one — no loopback, private, link-local, multicast, reserved,
unspecified or shared (CGNAT) address, in IPv4 or IPv6, nor an IPv6 address that carries such an
IPv4 one (IPv4-mapped, 6to4, Teredo, NAT64). Numeric host forms (`2130706433`, `0x7f.1`,
`127.1`) go through the same resolver as names, so they are judged by the address they mean.

The connection goes to the address that was checked (the URL's host travels in `Host` and in
TLS SNI, and the certificate is verified against it), so a DNS answer that changes between the
check and the connection cannot redirect it. Redirects are followed by hand, each hop checked
the same way; no proxy from the environment is used; the body is cut off at `max_bytes`
(decoded, so a compressed bomb is cut off too) and the whole fetch at `timeout` seconds.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

__all__ = ["FetchError", "Page", "fetch", "refusal", "resolve"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[IPAddress]]
Policy = Callable[[IPAddress], str | None]

SCHEMES = {"http": 80, "https": 443}
MAX_REDIRECTS = 5
TIMEOUT = 15.0  # seconds for the whole fetch, redirects included
HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain"}
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """A fetch refused or failed; `status` is the HTTP status the API answers with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Page:
    """What a fetch brought back: the final URL, and the page as HTML or as plain text."""

    url: str
    html: str | None = None
    text: str | None = None


def refusal(ip: IPAddress) -> str | None:
    """Why no request may go to `ip`, or None for a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = [ip.ipv4_mapped, ip.sixtofour]
        if ip.teredo is not None:
            embedded.append(ip.teredo[1])
        if ip in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        for inner in embedded:
            if inner is not None and (why := refusal(inner)) is not None:
                return f"{ip} carries {inner}: {why}"
    v6 = isinstance(ip, ipaddress.IPv6Address)
    kinds = (
        ("an unspecified", ip.is_unspecified),
        ("a loopback", ip.is_loopback),
        ("a link-local", ip.is_link_local),
        ("a multicast", ip.is_multicast),
        ("a reserved", ip.is_reserved),
        ("a private", ip.is_private),
        ("a site-local", v6 and ip.is_site_local),
        ("a shared (carrier-grade NAT)", not v6 and ip in _SHARED),
    )
    for kind, flag in kinds:
        if flag:
            return f"{ip} is {kind} address"
    if not ip.is_global:
        return f"{ip} is not a public address"
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (a name, or an IP in any form `getaddrinfo` reads)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(400, f"cannot resolve host {host!r} ({exc})") from None
    found: list[IPAddress] = []
    for *_, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in found:
            found.append(ip)
    return found


@dataclass(frozen=True)
class _Target:
    url: httpx.URL
    host: str  # ASCII (IDNA) host name, or an IP literal without brackets
    addresses: list[IPAddress]


def check(
    url: str | httpx.URL, *, resolver: Resolver = resolve, policy: Policy = refusal
) -> _Target:
    """The URL parsed and its host resolved, or FetchError: 400 for a URL that is not http(s),
    403 for a host that is, or resolves to, an address the policy refuses."""
    try:
        parsed = httpx.URL(url) if isinstance(url, str) else url
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(400, f"not a URL: {exc}") from None
    if parsed.scheme not in SCHEMES:
        shown = parsed.scheme or "none"
        raise FetchError(400, f"only http and https URLs are fetched (scheme: {shown})")
    try:
        host = parsed.raw_host.decode("ascii").strip("[]")
    except UnicodeDecodeError:
        raise FetchError(400, "the URL's host is not valid") from None
    if not host:
        raise FetchError(400, "the URL has no host")
    port = parsed.port or SCHEMES[parsed.scheme]
    addresses = resolver(host, port)
    if not addresses:
        raise FetchError(400, f"host {host!r} resolves to no address")
    for ip in addresses:
        why = policy(ip)
        if why is not None:
            named = "" if _is_ip(host) else f"{host} resolves to {ip}; "
            shown = parsed.copy_with(userinfo=b"")  # not the credentials, if any
            raise FetchError(403, f"refusing to fetch {shown}: {named}{why}")
    return _Target(parsed, host, addresses)


def fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: float = TIMEOUT,
    max_redirects: int = MAX_REDIRECTS,
    resolver: Resolver = resolve,
    policy: Policy = refusal,
    verify: ssl.SSLContext | bool = True,
) -> Page:
    """Download one web page under the policy above; FetchError says why not. `resolver`,
    `policy` and `verify` (TLS) are the defaults' stand-ins in tests."""
    deadline = time.monotonic() + timeout
    current: str | httpx.URL = url
    with httpx.Client(
        timeout=httpx.Timeout(min(timeout, 10.0)),
        follow_redirects=False,
        trust_env=False,  # no proxy from the environment: the checked address is the one used
        limits=httpx.Limits(max_keepalive_connections=0),  # a fresh connection for every hop
        verify=verify,
        headers={"User-Agent": "svodka"},
    ) as client:
        for _ in range(max_redirects + 1):
            target = check(current, resolver=resolver, policy=policy)
            location, page = _get(client, target, max_bytes, deadline)
            if page is not None:
                return page
            try:
                current = target.url.join(location)
            except httpx.InvalidURL as exc:
                raise FetchError(502, f"{target.url} redirects to a bad URL ({exc})") from None
    raise FetchError(502, f"more than {max_redirects} redirects from {url}")


def _get(
    client: httpx.Client, target: _Target, max_bytes: int, deadline: float
) -> tuple[str, Page | None]:
    """One request to the checked address: (redirect location, None) or ("", the page)."""
    url, host = target.url, target.host
    default = SCHEMES[url.scheme]
    shown_host = f"[{host}]" if ":" in host else host
    headers = {"Host": shown_host if url.port in (None, default) else f"{shown_host}:{url.port}"}
    extensions = {"sni_hostname": host} if url.scheme == "https" and not _is_ip(host) else {}
    last: Exception | None = None
    for ip in target.addresses:
        pinned = url.copy_with(host=str(ip))
        try:
            with client.stream("GET", pinned, headers=headers, extensions=extensions) as response:
                return _read(response, url, max_bytes, deadline)
        except httpx.TimeoutException:
            raise FetchError(504, f"{url} did not answer in time") from None
        except (httpx.ConnectError, httpx.RemoteProtocolError) as exc:
            last = exc  # try the host's next address
        except httpx.HTTPError as exc:
            raise FetchError(502, f"cannot fetch {url}: {exc}") from None
    raise FetchError(502, f"cannot connect to {url}: {last}")


def _read(
    response: httpx.Response, url: httpx.URL, max_bytes: int, deadline: float
) -> tuple[str, Page | None]:
    if response.is_redirect:
        location = response.headers.get("location", "")
        if not location:
            raise FetchError(502, f"{url} redirects nowhere")
        return location, None
    if response.status_code >= 400:
        raise FetchError(502, f"{url} answered {response.status_code}")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(413, f"{url} is over {max_bytes} bytes")
    ctype = response.headers.get("content-type", "text/html")
    media = ctype.split(";", 1)[0].strip().lower()
    if media not in HTML_TYPES | TEXT_TYPES:
        raise FetchError(415, f"{url} is {media}, not a web page (text/html or text/plain)")
    body = bytearray()
    for chunk in response.iter_bytes():  # decoded: the limit holds for compressed bodies too
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(413, f"{url} is over {max_bytes} bytes")
        if time.monotonic() > deadline:
            raise FetchError(504, f"{url} took too long to download")
    text = _decode(bytes(body), ctype, str(url))
    if media in HTML_TYPES:
        return "", Page(url=str(url), html=text)
    return "", Page(url=str(url), text=text)


def _decode(data: bytes, ctype: str, where: str) -> str:
    """The declared charset when it decodes cleanly, else svodka's detection."""
    from svodka.errors import InputError
    from svodka.ingest.decode import decode

    charset = ctype.partition("charset=")[2].split(";")[0].strip().strip("\"'")
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return decode(data, where)
    except InputError as exc:
        raise FetchError(422, str(exc)) from None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
