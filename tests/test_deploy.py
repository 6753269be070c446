"""Every file in deploy/ is parsed and checked against the code (these machines run neither Docker nor
systemd): commands exist, variables are ones govwatch reads, ports and paths agree between files, image
tags are pinned, and the shipped config starts `run --once` as shipped and exits 1 when sources fail."""

from __future__ import annotations

import json
import os
import re
import shlex
from collections import defaultdict
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from govwatch import __version__
from govwatch.cli import app
from govwatch.cli_support import INTERRUPTED_EXIT_CODE
from govwatch.config import known_variables, load_settings
from govwatch.demo.server import SampleServer
from govwatch.query import read_rows
from tests.support.processes import run_govwatch

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
CHECKED = {
    "govwatch.toml",
    "govwatch.service",
    "crontab.example",
    "Dockerfile",
    "compose.redpanda.yml",
    "compose.kafka.yml",
    "kubernetes/config.yaml",
    "kubernetes/deployment.yaml",
    "kubernetes/cronjob.yaml",
}
KNOWN_VARIABLES = known_variables() | {"HOME"}  # HOME: where the broker binary and Beam caches go
IMAGE = f"govwatch:{__version__}"
RUN_TIMEOUT_S = 300


def _command_exists(args: list[str]) -> None:
    """`govwatch ARGS --help` answers: the subcommand and every option in ARGS exist."""
    result = CliRunner().invoke(app, [*args, "--help"])
    assert result.exit_code == 0, f"govwatch {' '.join(args)}: {result.output}"


def _govwatch_args(argv: list[str]) -> list[str]:
    index = next(i for i, part in enumerate(argv) if part == "govwatch" or part.endswith("/bin/govwatch"))
    return argv[index + 1 :]


def _check_variables(names: Any) -> None:
    unknown = {n for n in names if n.startswith("GOVWATCH_") or n == "HOME"} - KNOWN_VARIABLES
    assert not unknown, f"variables govwatch does not read: {sorted(unknown)}"


def _unit() -> dict[str, list[str]]:
    keys: dict[str, list[str]] = defaultdict(list)
    for line in (DEPLOY / "govwatch.service").read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            keys[key.strip()].append(value.strip())
    return keys


def _unit_env() -> dict[str, str]:
    return dict(v.split("=", 1) for v in _unit()["Environment"])


def _dockerfile() -> dict[str, list[str]]:
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    out: dict[str, list[str]] = defaultdict(list)
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            word, _, rest = line.strip().partition(" ")
            out[word].append(rest.strip())
    return out


def _docker_env() -> dict[str, str]:
    return dict(pair.split("=", 1) for line in _dockerfile()["ENV"] for pair in shlex.split(line))


def test_every_deploy_file_is_checked_here() -> None:
    shipped = {str(p.relative_to(DEPLOY)) for p in DEPLOY.rglob("*") if p.is_file()}
    assert shipped == CHECKED


def test_systemd_unit_runs_a_real_command_in_its_state_directory_and_counts_sigterm_as_success() -> None:
    unit = _unit()
    env = _unit_env()
    _check_variables(env)
    [exec_start] = unit["ExecStart"]
    argv = shlex.split(exec_start)
    assert argv[0] == "/opt/govwatch/.venv/bin/govwatch"
    _command_exists(_govwatch_args(argv))
    assert str(INTERRUPTED_EXIT_CODE) in unit["SuccessExitStatus"][0].split()
    [state] = unit["StateDirectory"]
    state_dir = PurePosixPath("/var/lib") / state
    assert PurePosixPath(unit["WorkingDirectory"][0]) == state_dir
    assert PurePosixPath(env["HOME"]) == PurePosixPath(env["GOVWATCH_STATE_DIR"]) == state_dir
    assert PurePosixPath(env["GOVWATCH_DB"]).parent == state_dir
    shipped = load_settings(DEPLOY / "govwatch.toml", env={})
    assert PurePosixPath(shipped.duckdb.path).parent == state_dir


def test_cron_line_locks_logs_where_its_user_can_write_and_runs_once() -> None:
    [line] = [
        ln for ln in (DEPLOY / "crontab.example").read_text().splitlines() if ln and not ln.startswith("#")
    ]
    schedule, command = line.split(None, 5)[:5], line.split(None, 5)[5]
    assert len(schedule) == 5
    argv = shlex.split(command.split("&&", 1)[1].split(">>", 1)[0])
    assignments = dict(a.split("=", 1) for a in argv if re.match(r"^[A-Z_]+=", a))
    _check_variables(assignments)
    assert assignments == {k: v for k, v in _unit_env().items() if k in assignments}, "cron and unit agree"
    assert "flock" in argv and "--nonblock" in argv
    args = _govwatch_args(argv)
    assert args[:2] == ["run", "--once"]
    _command_exists(args)
    log = PurePosixPath(command.split(">>", 1)[1].split()[0])
    assert log.parent == PurePosixPath(_unit_env()["HOME"])


def test_dockerfile_is_pinned_and_agrees_with_the_code() -> None:
    docker = _dockerfile()
    [base] = docker["FROM"]
    assert re.match(r"^python:3\.\d+\.\d+-", base), base
    env = _docker_env()
    _check_variables(env)
    assert docker["ENTRYPOINT"] == ['["govwatch"]']
    _command_exists(json.loads(docker["CMD"][0]))
    assert docker["EXPOSE"] == [env["GOVWATCH_METRICS_PORT"]]
    assert f":{env['GOVWATCH_METRICS_PORT']}/healthz" in docker["HEALTHCHECK"][0]
    [volume] = json.loads(docker["VOLUME"][0])
    assert PurePosixPath(env["GOVWATCH_DB"]).parent == PurePosixPath(volume) == PurePosixPath(env["HOME"])
    assert PurePosixPath(env["GOVWATCH_STATE_DIR"]) == PurePosixPath(volume)
    assert any("constraints.txt" in run for run in docker["RUN"])


@pytest.mark.parametrize("name", ["compose.redpanda.yml", "compose.kafka.yml"])
def test_compose_files_pin_images_use_durable_brokers_and_agree_with_the_image(name: str) -> None:
    services = yaml.safe_load((DEPLOY / name).read_text())["services"]
    assert "dev-container" not in yaml.safe_dump(services)  # it skips fsync
    for service in services.values():
        image = service["image"]
        assert ":" in image and not image.endswith(":latest"), image
    govwatch = services["govwatch"]
    assert govwatch["image"] == IMAGE
    assert govwatch["build"]["dockerfile"] == "deploy/Dockerfile"
    env = govwatch["environment"]
    _check_variables(env)
    host, port = env["GOVWATCH_KAFKA_BOOTSTRAP_SERVERS"].split(":")
    broker = services[host]
    assert f"{host}:{port}" in yaml.safe_dump(broker), "the broker advertises the address govwatch dials"
    docker_env = _docker_env()
    assert any(p.endswith(f":{docker_env['GOVWATCH_METRICS_PORT']}") for p in govwatch["ports"])
    mounts = dict(v.split(":")[1::-1] for v in govwatch["volumes"])  # container path -> source
    assert mounts[docker_env["GOVWATCH_CONFIG"]] == "./govwatch.toml"
    assert (DEPLOY / "govwatch.toml").is_file()
    assert str(PurePosixPath(docker_env["GOVWATCH_DB"]).parent) in mounts


def _kubernetes() -> dict[str, dict[str, Any]]:
    objects: dict[str, dict[str, Any]] = {}
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        for obj in yaml.safe_load_all(path.read_text()):
            objects[f"{obj['kind']}/{obj['metadata']['name']}"] = obj
    return objects


def test_kubernetes_manifests_agree_with_each_other_and_the_code(tmp_path: Path) -> None:
    objects = _kubernetes()
    config_map = objects["ConfigMap/govwatch-config"]
    secret = objects["Secret/govwatch-secrets"]
    _check_variables(secret["stringData"])
    config_file = tmp_path / "govwatch.toml"
    config_file.write_text(config_map["data"]["govwatch.toml"])
    settings = load_settings(config_file, env=secret["stringData"])
    assert settings.metrics.host == "0.0.0.0" and settings.metrics.port
    pods = [
        ("Deployment/govwatch", objects["Deployment/govwatch"]["spec"]["template"]),
        (
            "CronJob/govwatch-once",
            objects["CronJob/govwatch-once"]["spec"]["jobTemplate"]["spec"]["template"],
        ),
    ]
    assert objects["Deployment/govwatch"]["spec"]["replicas"] == 1
    assert objects["Deployment/govwatch"]["spec"]["strategy"]["type"] == "Recreate"
    assert objects["CronJob/govwatch-once"]["spec"]["concurrencyPolicy"] == "Forbid"
    for name, template in pods:
        [container] = template["spec"]["containers"]
        assert container["image"] == IMAGE, name
        _command_exists(container["args"])
        env = {e["name"]: e["value"] for e in container["env"]}
        _check_variables(env)
        mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in template["spec"]["volumes"]}
        assert PurePosixPath(mounts["config"]) == PurePosixPath(env["GOVWATCH_CONFIG"]).parent
        assert volumes["config"]["configMap"]["name"] == "govwatch-config"
        assert PurePosixPath(env["GOVWATCH_CONFIG"]).name in config_map["data"]
        assert (
            PurePosixPath(mounts["data"])
            == PurePosixPath(env["GOVWATCH_DB"]).parent
            == PurePosixPath(env["HOME"])
        )
        assert f"PersistentVolumeClaim/{volumes['data']['persistentVolumeClaim']['claimName']}" in objects
        assert [s["secretRef"]["name"] for s in container["envFrom"]] == ["govwatch-secrets"]
    [deployment] = objects["Deployment/govwatch"]["spec"]["template"]["spec"]["containers"]
    port = int(next(e["value"] for e in deployment["env"] if e["name"] == "GOVWATCH_METRICS_PORT"))
    assert port == settings.metrics.port == deployment["ports"][0]["containerPort"]
    assert deployment["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": port}
    assert deployment["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": port}
    annotations = objects["Deployment/govwatch"]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(port)


def test_the_shipped_config_needs_its_secret_and_checks_clean_with_it() -> None:
    config = str(DEPLOY / "govwatch.toml")
    bare = {k: v for k, v in os.environ.items() if not k.startswith("GOVWATCH_")}
    without = run_govwatch(["config", "check", "--config", config], env=bare, timeout_s=RUN_TIMEOUT_S)
    assert without.returncode == 1 and "GOVWATCH_WEBHOOK_SECRET" in without.stderr
    with_secret = run_govwatch(
        ["config", "check", "--config", config],
        env={**bare, "GOVWATCH_WEBHOOK_SECRET": "s3cret"},
        timeout_s=RUN_TIMEOUT_S,
    )
    assert with_secret.returncode == 0, with_secret.stderr
    assert "s3cret" not in with_secret.stdout


def test_the_shipped_config_starts_run_once_and_exits_1_when_sources_fail(tmp_path: Path) -> None:
    """The shipped file, its public hosts pointed at the GOV.UK-format server on 127.0.0.1 (no other
    network here): it serves the DSIT and the AI news feeds, not the Welsh newsroom's."""
    with SampleServer() as server:
        text = (DEPLOY / "govwatch.toml").read_text()
        text = text.replace("https://www.gov.uk", server.base_url).replace(
            "https://www.gov.wales", server.base_url
        )
        config = tmp_path / "govwatch.toml"
        config.write_text(text)
        bare = {k: v for k, v in os.environ.items() if not k.startswith("GOVWATCH_")}
        result = run_govwatch(
            ["run", "--once", "--config", str(config)],
            cwd=tmp_path,
            env={
                **bare,
                "GOVWATCH_WEBHOOK_SECRET": "s3cret",
                "GOVWATCH_DB": str(tmp_path / "govwatch.duckdb"),
            },
            timeout_s=RUN_TIMEOUT_S,
        )
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    rows = {line.split()[0]: line for line in result.stderr.splitlines() if line.split()}
    assert " ok " in rows["dsit"] and " ok " in rows["ai-news"]
    assert "failed (1 in a row)" in rows["welsh-government"] and "404" in rows["welsh-government"]
    assert result.stderr.splitlines()[-1].startswith("error: 1 of 3 sources failed")
    # The closing line counts the dead letters the run stored; `govwatch status` says what failed.
    settings = load_settings(config, env={}, db_path=tmp_path / "govwatch.duckdb")
    stored_dead = read_rows(settings, "select count(*) from deadletters")[1][0][0]
    assert f"{stored_dead} dead-lettered" in rows["done:"] and stored_dead >= 1
    status = CliRunner().invoke(
        app, ["status", "--config", str(config), "--db", str(settings.db_path), "--format", "json"]
    )
    assert status.exit_code == 0, status.output
    report = json.loads(status.stdout)
    by_name = {s["name"]: s for s in report["sources"]}
    assert (
        by_name["welsh-government"]["status"] == "failed" and by_name["welsh-government"]["backing_off_until"]
    )
    assert all(by_name[n]["status"] == "ok" and by_name[n]["next_due"] for n in ("dsit", "ai-news"))
    assert by_name["dsit"]["items_seen"] > 0
    assert report["run"] is None and report["deadletters_last_day"].get("source") == 1
    table = CliRunner().invoke(app, ["status", "--config", str(config), "--db", str(settings.db_path)])
    assert table.exit_code == 0 and "welsh-government" in table.stdout
    assert "dead letters in the last day: 1 at source" in table.stdout
