"""Which addresses Podbrief connects to: the classification table behind the SSRF guard (issue #10)."""

from __future__ import annotations

import ipaddress

import pytest

from ingest.fetch import FetchError, check_url
from ingest.safe_network import embedded_ipv4, is_public_address

PUBLIC = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"]
NOT_PUBLIC = {
    "127.0.0.1": "loopback",
    "10.1.2.3": "private",
    "172.16.0.1": "private",
    "192.168.1.1": "private",
    "169.254.169.254": "link-local (cloud metadata)",
    "100.64.0.1": "carrier-grade NAT",
    "0.0.0.0": "unspecified",
    "224.0.0.1": "multicast",
    "240.0.0.1": "reserved",
    "255.255.255.255": "broadcast",
    "::1": "IPv6 loopback",
    "::": "IPv6 unspecified",
    "fe80::1": "IPv6 link-local",
    "fc00::1": "unique local",
    "fec0::1": "site-local (deprecated, still routed by some)",
    "ff02::1": "IPv6 multicast",
    "::ffff:127.0.0.1": "IPv4-mapped loopback",
    "::ffff:10.0.0.1": "IPv4-mapped private",
    "::127.0.0.1": "IPv4-compatible loopback",
    "::169.254.169.254": "IPv4-compatible metadata",
    "64:ff9b::7f00:1": "NAT64 of loopback",
    "64:ff9b::a9fe:a9fe": "NAT64 of metadata",
    "64:ff9b:1::808:808": "local-use NAT64 prefix",
    "2002:7f00:1::1": "6to4 of loopback",
    "2002:a00:1::1": "6to4 of a private address",
    "2001::1": "Teredo",
    "2001:db8::1": "documentation",
}


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_connected_to(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", list(NOT_PUBLIC), ids=[f"{a} {why}" for a, why in NOT_PUBLIC.items()])
def test_private_local_and_disguised_addresses_are_not(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address)), NOT_PUBLIC[address]


@pytest.mark.parametrize(("address", "ipv4"), [("::ffff:1.2.3.4", "1.2.3.4"), ("64:ff9b::102:304", "1.2.3.4"),
                                               ("2002:102:304::", "1.2.3.4"), ("::1.2.3.4", "1.2.3.4"),
                                               ("2606:4700::1", None), ("::1", None)])
def test_the_ipv4_address_an_ipv6_form_embeds(address: str, ipv4: str | None) -> None:
    embedded = embedded_ipv4(ipaddress.IPv6Address(address))
    assert (str(embedded) if embedded else None) == ipv4


@pytest.mark.parametrize("url", ["http://[::ffff:127.0.0.1]/f", "http://[64:ff9b::7f00:1]/f", "http://[2002:7f00:1::]/f",
                                 "http://[::127.0.0.1]/f", "http://[fec0::1]/f", "http://127.0.0.1/f"])
def test_a_literal_disguised_private_address_is_refused_before_any_connection(url: str) -> None:
    with pytest.raises(FetchError, match="private or local address"):
        check_url(url, allow_private_addresses=False)


def test_a_host_name_idna_2008_refuses_is_refused_not_waved_through() -> None:
    with pytest.raises(FetchError, match="host name cannot be used"):
        check_url("http://☃.example/feed.xml", allow_private_addresses=False)
    check_url("http://straße.example/feed.xml", allow_private_addresses=False)  # encodable: checked at connect
