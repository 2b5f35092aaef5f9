"""Countries from a MaxMind database: off by default, a small .mmdb written by the
test (never a downloaded GeoLite file), private addresses unknown, a missing or corrupt file
logged once and never raised to a page view."""

from __future__ import annotations

import logging
import os

import pytest
from flask import Flask
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from app.stats import geoip
from app.stats.geoip import country_of


def write_database(path, networks: dict[str, list[str]], *, ip_version: int = 6) -> str:
    """A GeoLite2-Country-shaped database: each ISO code -> its networks."""
    writer = MMDBWriter(ip_version=ip_version, database_type="GeoLite2-Country",
                        languages=["en"], ipv4_compatible=ip_version == 6)  # fmt: skip
    for code, nets in networks.items():
        writer.insert_network(IPSet(nets), {"country": {"iso_code": code, "names": {"en": code}}})
    writer.to_db_file(str(path))
    return str(path)


def app_with(database: str) -> Flask:
    app = Flask(__name__)
    app.config["STATS_GEOIP_DATABASE"] = database
    return app


NETWORKS = {"VN": ["14.160.0.0/11", "2402:800::/32"], "GB": ["81.2.69.0/24"]}


@pytest.fixture
def database(tmp_path):
    return write_database(tmp_path / "countries.mmdb", NETWORKS)


def test_off_by_default_answers_nothing(app):
    assert app.config["STATS_GEOIP_DATABASE"] == ""
    assert country_of(app, "14.161.2.3") == ""
    assert not geoip.enabled(app)


def test_countries_of_v4_v6_and_mapped_addresses(database):
    app = app_with(database)
    assert country_of(app, "14.161.2.3") == "VN"
    assert country_of(app, "2402:800:1::5") == "VN"
    assert country_of(app, "::ffff:81.2.69.160") == "GB"
    assert country_of(app, "8.8.8.8") == ""  # not in the database


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "192.168.1.1", "::1", "fe80::1", "", "not an ip", "1.2.3"]
)
def test_private_and_malformed_addresses_are_unknown(database, address):
    assert country_of(app_with(database), address) == ""


def test_an_ipv6_address_in_an_ipv4_database_is_unknown_and_keeps_the_lookups(tmp_path):
    app = app_with(write_database(tmp_path / "v4.mmdb", {"GB": ["81.2.69.0/24"]}, ip_version=4))
    assert country_of(app, "2402:800::1") == ""
    assert country_of(app, "81.2.69.1") == "GB"


@pytest.mark.parametrize("content", [None, b"", b"not a maxmind database" * 100])
def test_a_missing_or_corrupt_file_is_logged_once_and_never_raises(tmp_path, caplog, content):
    path = tmp_path / "broken.mmdb"
    if content is not None:
        path.write_bytes(content)
    app = app_with(str(path))
    with caplog.at_level(logging.ERROR, logger="app.stats.geoip"):
        for _ in range(3):
            assert country_of(app, "14.161.2.3") == ""
    assert len([r for r in caplog.records if "GeoIP database" in r.getMessage()]) == 1


def test_a_replaced_file_is_read_again(tmp_path, monkeypatch):
    monkeypatch.setattr(geoip, "RECHECK_SECONDS", 0.0)
    path = tmp_path / "countries.mmdb"
    write_database(path, {"VN": ["14.160.0.0/11"]})
    app = app_with(str(path))
    assert country_of(app, "14.161.2.3") == "VN"
    write_database(tmp_path / "new.mmdb", {"JP": ["14.160.0.0/11"]})
    os.replace(tmp_path / "new.mmdb", path)
    os.utime(path, (1, 1))  # a different mtime even within the file system's resolution
    assert country_of(app, "14.161.2.3") == "JP"


def test_a_file_that_goes_bad_turns_countries_off_without_raising(tmp_path, monkeypatch):
    monkeypatch.setattr(geoip, "RECHECK_SECONDS", 0.0)
    path = tmp_path / "countries.mmdb"
    write_database(path, {"VN": ["14.160.0.0/11"]})
    app = app_with(str(path))
    assert country_of(app, "14.161.2.3") == "VN"
    path.unlink()
    assert country_of(app, "14.161.2.3") == ""
