"""GOV.UK's registers of organisations and world locations become lexicon files the tagger reads."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from govwatch.config import GovukSettings, HttpSettings, Settings
from govwatch.connectors.govuk import MalformedPayloadError
from govwatch.pipeline.tag import load_lexicon, tag_text
from govwatch.registers import COUNTRIES_FILE, ORGANISATIONS_FILE, refresh_registers
from tests.support.http_server import LoopbackServer, Reply

FIXTURES = Path(__file__).parents[1] / "fixtures" / "connectors" / "registers"
JSON = "application/json; charset=utf-8"
HTTP = HttpSettings(
    connect_timeout_s=1.0,
    read_timeout_s=1.0,
    total_timeout_s=3.0,
    max_retries=0,
    requests_per_second_per_host=0.0,
)


def _page(name: str, etag: str) -> Reply:
    return Reply(body=(FIXTURES / name).read_bytes(), content_type=JSON, etag=etag)


def _serve(server: LoopbackServer) -> None:
    server.route("/api/organisations", _page("organisations-page-1.json", '"orgs-1"'))
    server.route("/api/organisations?page=2", _page("organisations-page-2.json", '"orgs-2"'))
    server.route("/api/world-locations", _page("world-locations.json", '"world-1"'))


def _settings(server: LoopbackServer) -> Settings:
    return replace(Settings(), govuk=GovukSettings(base_url=server.base_url), http=HTTP)


def test_registers_are_written_as_lexicon_files_the_tagger_reads(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        _serve(server)
        report = refresh_registers(_settings(server), tmp_path)
    organisations = tomllib.loads((tmp_path / ORGANISATIONS_FILE).read_text(encoding="utf-8"))["organisation"]
    by_name = {entry["name"]: entry for entry in organisations}
    # The bundled lexicon knows DSIT and the Met Office already: their careful entries are kept as they are.
    assert set(by_name) == {
        "Department for Quantum Affairs",
        "Office for Tidal Energy Standards",
        "Northfield Rail Heritage Trust",
    }
    assert by_name["Department for Quantum Affairs"] == {
        "name": "Department for Quantum Affairs",
        "aliases": ["DQA"],
        "party": "UK Government",
    }
    assert "party" not in by_name["Office for Tidal Energy Standards"]
    assert "aliases" not in by_name["Northfield Rail Heritage Trust"]  # "nrht" is lower case: not a name
    places = tomllib.loads((tmp_path / COUNTRIES_FILE).read_text(encoding="utf-8"))["place"]
    assert places == [{"name": "Pitcairn, Henderson, Ducie and Oeno Islands", "country": True}]
    assert (report.organisations, report.countries, report.pages_fetched) == (3, 1, 3)

    lexicon = load_lexicon(tmp_path)
    text = "The Office for Tidal Energy Standards has signed a memorandum of understanding with Ørsted."
    (mou,) = tag_text(text, organisations=["Department for Quantum Affairs"], lexicon=lexicon).partnerships
    assert set(mou.parties) == {"Office for Tidal Energy Standards", "Ørsted"}
    # The abbreviation is an alias, and a ministerial department signs for the UK Government.
    contract = tag_text("The DQA signed a contract with Acme Robotics Ltd.", lexicon=lexicon).partnerships[0]
    assert set(contract.parties) == {"UK Government", "Acme Robotics Ltd"}


def test_a_second_refresh_is_conditional_and_keeps_what_it_wrote(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        _serve(server)
        refresh_registers(_settings(server), tmp_path)
        first = (tmp_path / ORGANISATIONS_FILE).read_text(encoding="utf-8")
        report = refresh_registers(_settings(server), tmp_path)
        assert server.conditional_count() == 3
    assert (report.pages_fetched, report.pages_unchanged) == (0, 3)
    assert (tmp_path / ORGANISATIONS_FILE).read_text(encoding="utf-8") == first


def test_a_malformed_register_is_a_clear_error_and_the_old_files_stay(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        _serve(server)
        refresh_registers(_settings(server), tmp_path)
        before = (tmp_path / ORGANISATIONS_FILE).read_text(encoding="utf-8")
        server.route(
            "/api/organisations",
            Reply(body=b'{"results": "nothing here"}', content_type=JSON, etag='"broken"'),
        )
        with pytest.raises(MalformedPayloadError, match="expected a JSON object with a 'results' list"):
            refresh_registers(_settings(server), tmp_path)
        server.route(
            "/api/organisations",
            Reply(body=b"<html>maintenance</html>", content_type="text/html", etag='"html"'),
        )
        with pytest.raises(MalformedPayloadError, match="is not JSON"):
            refresh_registers(_settings(server), tmp_path)
        server.route(
            "/api/organisations",
            Reply(body=b"[" * 100_000 + b"]" * 100_000, content_type=JSON, etag='"deep"'),
        )
        with pytest.raises(MalformedPayloadError, match="is not JSON"):
            refresh_registers(_settings(server), tmp_path)
    assert (tmp_path / ORGANISATIONS_FILE).read_text(encoding="utf-8") == before


def test_pages_that_loop_end_in_an_error_not_a_hang(tmp_path: Path) -> None:
    looping = json.loads((FIXTURES / "organisations-page-1.json").read_text(encoding="utf-8"))
    looping["next_page_url"] = "https://www.gov.uk/api/organisations"
    with LoopbackServer() as server:
        _serve(server)
        server.route("/api/organisations", Reply(body=json.dumps(looping).encode(), content_type=JSON))
        with pytest.raises(MalformedPayloadError, match="loop"):
            refresh_registers(_settings(server), tmp_path)


def test_govwatch_registers_command_writes_the_files_and_says_how_to_use_them(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from govwatch.cli import app

    with LoopbackServer() as server:
        _serve(server)
        config = tmp_path / "govwatch.toml"
        config.write_text(f'[govuk]\nbase_url = "{server.base_url}"\n', encoding="utf-8")
        result = CliRunner().invoke(
            app, ["registers", "--dir", str(tmp_path / "lexicon"), "--config", str(config)]
        )
    assert result.exit_code == 0, result.output
    assert "3 organisations and 1 countries the bundled lexicon lacks" in result.stderr
    assert "GOVWATCH_LEXICON_DIR=" in result.stderr
    assert (tmp_path / "lexicon" / ORGANISATIONS_FILE).exists()


def test_govwatch_registers_writes_into_the_first_lexicon_folder_of_the_settings(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from govwatch.cli import app

    first, second = tmp_path / "lexicon", tmp_path / "more"
    with LoopbackServer() as server:
        _serve(server)
        config = tmp_path / "govwatch.toml"
        config.write_text(
            f'[govuk]\nbase_url = "{server.base_url}"\n[tagging]\nlexicon_dirs = ["{first}", "{second}"]\n',
            encoding="utf-8",
        )
        result = CliRunner().invoke(
            app, ["registers", "--config", str(config)], env={"GOVWATCH_LEXICON_DIR": None}
        )
    assert result.exit_code == 0, result.output
    assert (first / ORGANISATIONS_FILE).exists() and not second.exists()
    assert "GOVWATCH_LEXICON_DIR=" not in result.stderr  # tagging reads the folder already
