"""Decide whether a URL may be fetched, and which checked addresses to connect to.

A URL passes only if it is http(s), carries no credentials, names a well-formed host on
an allowed port, and every address its host resolves to is public. Odd spellings of IPv4
addresses (``2130706433``, ``0177.0.0.1``, ``0x7f000001``, ``127.1``) are refused outright
rather than interpreted, since resolvers and browsers disagree on what they mean.
The caller connects to ``Target.addresses`` only, so no second DNS lookup can swap in a
different address between the check and the connection.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urlsplit

from django.conf import settings

from ingestion.fetching.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 2048

_LABEL = r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?"
_HOSTNAME_RE = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
# WHATWG URL: a host whose last label is a number is an IPv4 address, however spelt.
_NUMBER_LABEL_RE = re.compile(r"0x[0-9a-f]*|[0-9]+")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"

_CARRIER_GRADE_NAT = ipaddress.IPv4Network("100.64.0.0/10")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True)
class Target:
    """One checked request: where to connect and what to send."""

    url: str  # normalised, without fragment
    scheme: str
    host: str  # lower-case ASCII, IPv6 without brackets, no trailing dot
    port: int
    addresses: tuple[str, ...]  # checked addresses, in resolver order
    host_header: str
    request_target: str  # path and query as sent on the request line


def refused(reason: str) -> FetchError:
    return FetchError(reason, transient=False)


def check_url(url: str) -> Target:
    """Return the checked target for ``url`` or raise a non-transient FetchError."""
    parts = _split_url(url)
    scheme = parts.scheme.lower()
    port = _port(parts, scheme)
    host, literal = _normalise_host(parts.hostname, bracketed=parts.netloc.startswith("["))
    shown_host = f"[{host}]" if ":" in host else host
    allowlisted = f"{shown_host}:{port}" in _allowlist()
    if not allowlisted and port not in settings.INGESTION_ALLOWED_PORTS:
        raise refused(f"port {port} is not allowed")

    addresses = [literal] if literal is not None else _resolve(host, port)
    if not allowlisted:
        _refuse_blocked(addresses, host=host, literal=literal is not None)

    path = quote(parts.path or "/", safe=_PATH_SAFE)
    request_target = path + (f"?{quote(parts.query, safe=_QUERY_SAFE)}" if parts.query else "")
    host_header = shown_host if port == DEFAULT_PORTS[scheme] else f"{shown_host}:{port}"
    return Target(
        url=f"{scheme}://{host_header}{request_target}",
        scheme=scheme,
        host=host,
        port=port,
        addresses=tuple(dict.fromkeys(str(address) for address in addresses)),
        host_header=host_header,
        request_target=request_target,
    )


def _split_url(url: object) -> SplitResult:
    """The parts of ``url`` once it is known to be short, printable http(s) text with a
    host and no credentials."""
    if not isinstance(url, str):
        raise refused("the URL is not text")
    url = url.strip()
    if not url:
        raise refused("the URL is empty")
    if len(url) > MAX_URL_LENGTH:
        raise refused(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if _CONTROL_RE.search(url):
        raise refused("the URL contains control characters")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise refused(f"the URL is malformed ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        shown = f"{scheme[:20]}:" if scheme else "a URL without a scheme"
        raise refused(f"only http and https URLs are fetched, not {shown}")
    if "@" in parts.netloc:
        raise refused("URLs with a user name or password are not fetched")
    if not parts.hostname:
        raise refused("the URL has no host")
    return parts


def _port(parts: SplitResult, scheme: str) -> int:
    """The URL's port, or the scheme's default when it names none."""
    try:
        port = parts.port
    except ValueError:
        raise refused("the URL has an invalid port") from None
    if port is None:
        return DEFAULT_PORTS[scheme]
    if port == 0:
        raise refused("the URL has an invalid port")
    return port


def _refuse_blocked(addresses: list[IPAddress], *, host: str, literal: bool) -> None:
    """Refuse the URL if any address it leads to is not public."""
    for address in addresses:
        why = blocked_reason(address)
        if why is None:
            continue
        if literal:
            raise refused(f"{address} is {_article(why)} {why} address")
        raise refused(f"{host} resolves to {address}, {_article(why)} {why} address")


def blocked_reason(address: IPAddress) -> str | None:
    """Why ``address`` must not be fetched (e.g. "loopback"), or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        # Addresses that carry an IPv4 address inside are judged by what they carry.
        if address.ipv4_mapped is not None:
            inner = blocked_reason(address.ipv4_mapped)
            return f"IPv4-mapped {inner}" if inner else None
        why = _ipv6_blocked_reason(address)
        if why:
            return why
    return _range_blocked_reason(address)


def _ipv6_blocked_reason(address: ipaddress.IPv6Address) -> str | None:
    """Why an IPv6 address is refused for the IPv4 address it carries (IPv4-compatible,
    6to4, Teredo, NAT64) or for being site-local; None leaves it to the range checks."""
    if address in _IPV4_COMPATIBLE and int(address) > 1:
        embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        return f"deprecated IPv4-compatible ({embedded})"
    if address.sixtofour is not None:
        inner = blocked_reason(address.sixtofour)
        if inner:
            return f"6to4 {inner}"
    if address.teredo is not None:
        server, client = address.teredo
        inner = blocked_reason(client) or blocked_reason(server)
        if inner:
            return f"Teredo {inner}"
    if address in _NAT64:
        inner = blocked_reason(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if inner:
            return f"NAT64 {inner}"
    if address.is_site_local:
        return "site-local"
    return None


def _range_blocked_reason(address: IPAddress) -> str | None:
    """Which special-purpose range ``address`` is in, or None when it is global."""
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if isinstance(address, ipaddress.IPv4Address) and address in _CARRIER_GRADE_NAT:
        return "carrier-grade NAT"
    if address.is_multicast:
        return "multicast"
    if address.is_reserved:
        return "reserved"
    if address.is_private:
        return "private"
    if not address.is_global:
        return "non-public"
    return None


def _article(word: str) -> str:
    return "an" if word[0] in "aeiouAEIOU" or word.startswith("IPv") else "a"


def _normalise_host(raw: str, *, bracketed: bool) -> tuple[str, IPAddress | None]:
    if bracketed:
        try:
            address = ipaddress.IPv6Address(raw)
        except ValueError:
            raise refused("the URL has an invalid IPv6 address") from None
        if address.scope_id:
            raise refused("IPv6 addresses with a zone are not fetched")
        return str(address), address
    host = raw.rstrip(".")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise refused("the URL has an invalid host name") from None
    labels = host.split(".")
    if _NUMBER_LABEL_RE.fullmatch(labels[-1]):
        try:
            address = ipaddress.IPv4Address(host)
        except ValueError:
            raise refused(f"{host} is a non-canonical IPv4 address spelling") from None
        return host, address
    if len(host) > 253 or not _HOSTNAME_RE.fullmatch(host):
        raise refused("the URL has an invalid host name")
    return host, None


def _allowlist() -> set[str]:
    return {entry.strip().lower() for entry in settings.INGESTION_ALLOWED_HOSTS}


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        # A temporary resolver failure is worth a retry; an unknown name is not.
        raise FetchError(
            f"could not resolve {host}", transient=exc.errno == socket.EAI_AGAIN
        ) from None
    except (UnicodeError, OSError):
        raise refused(f"could not resolve {host}") from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        try:
            addresses.append(ipaddress.ip_address(sockaddr[0]))
        except ValueError:
            raise refused(f"{host} resolves to an unreadable address") from None
    if not addresses:
        raise refused(f"{host} resolves to no address")
    return addresses
