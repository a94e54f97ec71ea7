"""Connections for fetching third-party URLs: the address checked is the address connected to.

    transport = GuardedTransport(allow_private_addresses=False)
    with fetch_deadline(time.monotonic() + 5):
        httpx.Client(transport=transport).get(url)

The host name httpx puts on the wire (its own IDNA 2008 encoding) is resolved once, when a
connection is opened; every address it resolves to must be public, and the connection goes
to one of exactly those addresses (TLS still names the host, and httpx sets the Host
header from the URL). A name that answers a public address to a check and a private one to
the connection (DNS rebinding) therefore has nothing to exploit. IPv6 forms that carry an
IPv4 address (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged
by that IPv4 address.

`fetch_deadline` sets one deadline for everything a fetch does on this thread: the name
lookup, connecting, TLS, sending, and every read, headers included, so a server trickling
its headers a byte at a time is cut off like one trickling its body.
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import socket
import ssl
import time
import typing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from functools import partial

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: host (as httpx encodes it), port -> the addresses it resolves to, in preference order.
Resolver = Callable[[str, int], Sequence[str]]

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: local use, whatever it embeds
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("podbrief_fetch_deadline", default=None)
_LOOKUPS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="dns")


class AddressRefused(httpcore.ConnectError):
    """The host resolves to an address Podbrief does not connect to; `str()` says which, for people."""


class DeadlinePassed(httpcore.TimeoutException):
    """The fetch's total deadline passed (while looking up, connecting, sending or reading)."""


def is_public_address(address: IPAddress) -> bool:
    """True when `address` (or the IPv4 address it embeds) is a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _LOCAL_NAT64 or address.is_site_local:
            return False
        embedded = embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, NAT64, 6to4 or IPv4-compatible IPv6 address stands for."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):  # not :: or ::1
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def literal_address(host: str) -> IPAddress | None:
    """`host` as an IP address when it is one (brackets and zone ids dropped), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def system_resolver(host: str, port: int) -> list[str]:
    """The system's answer for `host`, each address once, in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@contextlib.contextmanager
def fetch_deadline(at: float) -> Iterator[None]:
    """Within this block, every lookup, connect, send and read on this thread ends by `at` (monotonic)."""
    token = _DEADLINE.set(at)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _bounded(timeout: float | None) -> float | None:
    """`timeout`, shortened to what is left of the deadline; raises once nothing is left."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlinePassed("the fetch's deadline passed")
    return left if timeout is None else min(timeout, left)


_T = typing.TypeVar("_T")


def _by_deadline(step: Callable[[float | None], _T], timeout: float | None) -> _T:
    """`step(timeout)` within the deadline: a timeout that the deadline shortened is the deadline's."""
    bounded = _bounded(timeout)
    try:
        return step(bounded)
    except httpcore.TimeoutException as error:
        if bounded != timeout:
            raise DeadlinePassed("the fetch's deadline passed") from error
        raise


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the current fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _by_deadline(lambda bounded: self._inner.read(max_bytes, bounded), timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        _by_deadline(lambda bounded: self._inner.write(buffer, bounded), timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = _by_deadline(lambda bounded: self._inner.start_tls(ssl_context, server_hostname, bounded), timeout)
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves each host once, checks every address, and connects only to those addresses."""

    def __init__(self, allow_private_addresses: bool, resolver: Resolver) -> None:
        self._allow_private = allow_private_addresses
        self._resolver = resolver
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in self.addresses(host, port):
            try:
                connect = partial(
                    self._inner.connect_tcp, address, port, local_address=local_address, socket_options=socket_options
                )
                stream = _by_deadline(connect, timeout)  # `connect(bounded)`: the timeout is its third argument
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
                continue
            return _DeadlineStream(stream)
        raise failure

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for `host`; `AddressRefused` if any of them is not public."""
        literal = literal_address(host)
        found = [str(literal)] if literal is not None else self._lookup(host, port)
        if not self._allow_private:
            for text in found:
                address = literal_address(text)
                if address is None or not is_public_address(address):
                    raise AddressRefused(f"{host} is a private or local address, which Podbrief does not fetch")
        return found

    def _lookup(self, host: str, port: int) -> list[str]:
        lookup = _LOOKUPS.submit(self._resolver, host, port)
        try:
            return list(lookup.result(_bounded(None)))
        except FutureTimeout:
            raise DeadlinePassed(f"looking up {host} took too long") from None
        except (OSError, UnicodeError) as error:
            raise httpcore.ConnectError(f"{host} could not be found ({error})") from error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.NetworkStream:
        raise AddressRefused("Podbrief does not fetch from local sockets")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport (pooling, HTTP/1.1, TLS) over `_GuardedBackend`, with no proxies from the environment."""

    def __init__(
        self,
        *,
        allow_private_addresses: bool = False,
        resolver: Resolver = system_resolver,
        limits: httpx.Limits = httpx.Limits(max_connections=16, max_keepalive_connections=16),  # noqa: B008
    ) -> None:
        super().__init__(trust_env=False, limits=limits)
        # The same pool httpx.HTTPTransport builds, with the guarded network backend.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(allow_private_addresses, resolver),
        )
