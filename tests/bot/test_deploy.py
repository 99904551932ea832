"""The deployment files, checked without a Docker engine: the compose file parses, every command it runs is a real
`quotebot` command with options that parse, every variable is documented and passed to the containers that need it,
the Dockerfile agrees with both, and the README's deploy steps name what exists."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath

import click
import pytest
import yaml

from bot.cli import main
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
ENV_EXAMPLE = REPO / ".env.example"
DOCKERIGNORE = REPO / ".dockerignore"
SETTINGS_SOURCE = REPO / "bot" / "settings.py"

# Variables read by other tools that a deployment sets: documented too, but not read by quotebot's Settings.
OTHER_TOOLS = {"HF_HOME", "HF_HUB_OFFLINE", "HF_ENDPOINT", "XDG_DATA_HOME"}
COMPOSE_ONLY = {"QUOTEBOT_DOCUMENTS_DIR", "QUOTEBOT_PULL_MODEL"}
# Documented variables no container is given, and why: the image fixes where things are kept (QUOTEBOT_HOME=/data,
# HF_HOME=/cache/huggingface), and the volumes are laid out for those paths; the compose-only ones are used by
# compose itself (a mount, a build argument).
NOT_PASSED = {"QUOTEBOT_HOME", "QUOTEBOT_INDEX", "QUOTEBOT_DOCS", "QUOTEBOT_DB", "XDG_DATA_HOME", "HF_HOME"} | COMPOSE_ONLY
# What `quotebot index` reads: the index settings, and where the model comes from.
INDEXER_READS = {"QUOTEBOT_MODEL", "QUOTEBOT_VECTOR_INDEX", "QUOTEBOT_THREADS", "QUOTEBOT_ENCODER_BACKEND", "HF_ENDPOINT", "HF_HUB_OFFLINE"}
README = REPO / "README.md"
_INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")


class _Recording(dict):
    """An environment that remembers every name looked up in it."""

    def __init__(self) -> None:
        super().__init__()
        self.read: set[str] = set()

    def get(self, key, default=None):  # type: ignore[no-untyped-def, override]
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    lines, current = [], ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        instruction, _, arguments = current.partition(" ")
        lines.append((instruction.upper(), arguments.strip()))
        current = ""
    return lines


def _env_example() -> dict[str, list[str]]:
    """Each variable .env.example documents (set or commented out), with the comment lines just above it."""
    documented: dict[str, list[str]] = {}
    comments: list[str] = []
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(?:#\s*)?([A-Z][A-Z0-9_]*)=", line)
        if match:
            documented[match.group(1)] = list(comments)
        elif line.startswith("#"):
            comments.append(line.lstrip("# ").strip())
            continue
        comments = [] if not match else comments
    return documented


def _settings_reads() -> set[str]:
    env = _Recording()
    Settings.from_env(env)
    return env.read


def _docker_values(dockerfile: list[tuple[str, str]], instruction: str) -> list[str]:
    return [arguments for name, arguments in dockerfile if name == instruction]


def _docker_env(dockerfile: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for arguments in _docker_values(dockerfile, "ENV"):
        env.update(dict(pair.split("=", 1) for pair in arguments.split()))
    return env


def _entrypoint(dockerfile: list[tuple[str, str]]) -> list[str]:
    (entrypoint,) = _docker_values(dockerfile, "ENTRYPOINT")
    return json.loads(entrypoint)


def _shell_calls(script: str) -> list[list[str]]:
    """The `quotebot` invocations in a shell command line as compose passes it ($$ is compose's escaped $)."""
    calls = []
    for part in re.split(r"\|\||&&|;|\|", script.replace("$$", "$")):
        words = shlex.split(part)
        words = [w for i, w in enumerate(words) if not re.match(r"^\d?[<>]", w) and not (i and re.match(r"^\d?[<>]+$", words[i - 1]))]
        while words and words[0] in ("then", "else", "do"):  # `if ...; then quotebot ...; fi`
            words = words[1:]
        if words and words[0] == "quotebot":
            calls.append(words[1:])
    return calls


def _shell_scripts(compose: dict) -> Iterator[tuple[str, str]]:
    """Every shell command line in the compose file: shell-wrapped commands and CMD-SHELL health checks."""
    for name, service in compose["services"].items():
        if service.get("entrypoint") in (["/bin/sh", "-c"], ["sh", "-c"]):
            yield f"{name}.command", service["command"][0]
        test = service.get("healthcheck", {}).get("test") or []
        if test[:1] == ["CMD-SHELL"]:
            yield f"{name}.healthcheck", test[1]


def _commands(compose: dict, image_entrypoint: list[str]) -> Iterator[tuple[str, list[str]]]:
    """Every `quotebot` command line the compose file runs, as quotebot's arguments."""
    for name, service in compose["services"].items():
        if service.get("entrypoint", image_entrypoint) == ["quotebot"]:
            yield f"{name}.command", list(service["command"])
        test = service.get("healthcheck", {}).get("test") or []
        if test[:1] == ["CMD"]:
            assert test[1] == "quotebot", f"{name}: the health check runs quotebot"
            yield f"{name}.healthcheck", list(test[2:])
    for where, script in _shell_scripts(compose):
        calls = _shell_calls(script)
        assert calls, f"{where}: runs no quotebot command"
        for argv in calls:
            yield where, argv


def _mounts(service: dict) -> dict[str, str]:
    """Container path → source (volume name or host path) of a service's mounts."""
    mounts = {}
    for volume in service.get("volumes", []):
        source, target, *_ = volume.split(":")
        mounts[target] = source
    return mounts


# ---------------------------------------------------------------- compose


def test_compose_has_an_indexer_and_a_bot(compose: dict, dockerfile: list[tuple[str, str]]) -> None:
    assert set(compose["services"]) == {"indexer", "bot"}
    commands = dict(_commands(compose, _entrypoint(dockerfile)))
    assert commands["indexer.command"] == ["index", "--sample-if-empty", "/documents", "/data/documents"]
    assert commands["bot.command"] == ["serve"]
    assert commands["bot.healthcheck"][0] == "ask"


def test_every_command_is_a_real_quotebot_command_whose_options_parse(compose: dict, dockerfile: list[tuple[str, str]]) -> None:
    entrypoint = _entrypoint(dockerfile)
    assert entrypoint == ["quotebot"]
    for where, argv in _commands(compose, entrypoint):
        name, *args = argv
        assert name in main.commands, f"{where}: `quotebot {name}` is not a command (have {sorted(main.commands)})"
        try:
            main.commands[name].make_context(name, list(args))
        except click.UsageError as err:
            pytest.fail(f"{where}: `quotebot {' '.join(argv)}` does not parse: {err}")


def test_bot_waits_for_a_finished_index_and_restarts(compose: dict) -> None:
    bot = compose["services"]["bot"]
    assert bot["depends_on"]["indexer"]["condition"] == "service_completed_successfully"
    assert bot["restart"] == "unless-stopped"
    assert compose["services"]["indexer"]["restart"] == "no"  # a finished build is not restarted
    health = bot["healthcheck"]
    for key in ("interval", "timeout", "retries", "start_period"):
        assert key in health


def test_the_token_comes_from_the_environment(compose: dict) -> None:
    for name, service in compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if "TOKEN" in key or "SECRET" in key or "SALT" in key:
                assert re.fullmatch(rf"\$\{{{key}(:?[-?].*)?\}}", str(value)), f"{name}.{key} must come from the environment"
    token = compose["services"]["bot"]["environment"]["TELEGRAM_BOT_TOKEN"]
    assert token.startswith("${TELEGRAM_BOT_TOKEN:?"), "compose refuses to start the bot without a token"


def test_volumes_share_the_index_and_the_model_cache(compose: dict, dockerfile: list[tuple[str, str]]) -> None:
    env = _docker_env(dockerfile)
    home, model_cache = env["QUOTEBOT_HOME"], env["HF_HOME"]
    named = set(compose["volumes"])
    indexer, bot = (_mounts(compose["services"][name]) for name in ("indexer", "bot"))
    for mounts in (indexer, bot):
        assert mounts[home] in named and mounts[model_cache] in named
    assert indexer[home] == bot[home] and indexer[model_cache] == bot[model_cache]
    # The index lies inside the shared home volume, beside the database and the uploaded documents.
    index_dir = PurePosixPath(Settings.from_env({"QUOTEBOT_HOME": home}).index_dir.as_posix())
    assert PurePosixPath(home) in index_dir.parents and str(index_dir) not in indexer
    documents = [v for v in compose["services"]["indexer"]["volumes"] if ":/documents" in v]
    assert documents and documents[0].endswith(":ro")
    assert dict(_commands(compose, _entrypoint(dockerfile)))["indexer.command"][-2:] == ["/documents", "/data/documents"]


@pytest.mark.parametrize(("status", "passes"), [(0, True), (1, True), (2, False)])
def test_shell_commands_pass_only_what_should_pass(compose: dict, tmp_path: Path, status: int, passes: bool) -> None:
    """Run each shell command line in a real sh, with a stand-in `quotebot` that exits with a given status.

    `quotebot index` exits 1 when it built the index but skipped some files, `quotebot ask` when it declined:
    both are fine for the bot to start and to be called healthy; 2 (no index, no model) is not.
    """
    stand_in = tmp_path / "quotebot"
    stand_in.write_text(f"#!/bin/sh\nexit {status}\n", encoding="utf-8")
    stand_in.chmod(0o755)
    scripts = dict(_shell_scripts(compose))
    assert set(scripts) == {"indexer.command", "bot.healthcheck"}
    for where, script in scripts.items():
        run = subprocess.run(["/bin/sh", "-c", script.replace("$$", "$")], env={"PATH": f"{tmp_path}:/usr/bin:/bin"}, capture_output=True, timeout=30)
        assert (run.returncode == 0) is passes, f"{where} with quotebot exiting {status}: sh exited {run.returncode}"


def test_compose_passes_only_variables_that_something_reads(compose: dict) -> None:
    known = _settings_reads() | OTHER_TOOLS
    for name, service in compose["services"].items():
        for key in service.get("environment") or {}:
            assert key in known, f"{name} sets {key}, which nothing reads (a typo?)"


def _strings(node: object) -> Iterator[str]:
    """Every string in a parsed YAML document, keys included (compose interpolates values; comments are not parsed)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, str):
        yield node


def test_every_compose_variable_is_documented(compose: dict) -> None:
    used = {name for text in _strings(compose) for name in _INTERPOLATION.findall(text)}
    assert "TELEGRAM_BOT_TOKEN" in used
    missing = used - set(_env_example())
    assert not missing, f"docker-compose.yml uses {sorted(missing)}, not documented in .env.example"


# ---------------------------------------------------------------- .env.example


def test_every_settings_variable_is_documented() -> None:
    read = _settings_reads()
    named_in_source = set(re.findall(r"\b(?:QUOTEBOT_\w+|TELEGRAM_\w+)", SETTINGS_SOURCE.read_text(encoding="utf-8")))
    assert named_in_source <= read | {"TELEGRAM_BOT_TOKEN"}, "settings.py names a variable from_env never reads"
    assert "TELEGRAM_BOT_TOKEN" in read and "QUOTEBOT_STAFF_IDS" in read
    missing = (read | named_in_source | {"HF_HOME"}) - set(_env_example())
    assert not missing, f"read by Settings.from_env but not documented in .env.example: {sorted(missing)}"


def test_env_example_documents_each_variable_and_nothing_stale() -> None:
    documented = _env_example()
    for name, comments in documented.items():
        assert comments, f"{name} has no comment in .env.example"
    stale = set(documented) - _settings_reads() - OTHER_TOOLS - COMPOSE_ONLY
    assert not stale, f".env.example documents variables nothing reads: {sorted(stale)}"


def test_env_example_holds_no_secret_values() -> None:
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if re.match(r"^[A-Z_]*(TOKEN|SECRET|SALT)=", line):
            assert line.endswith("="), f"example value for a secret: {line}"


def test_an_empty_example_value_means_the_default() -> None:
    """Copied as is, .env.example gives the same settings as no environment at all."""
    values = {name: "" for name, _ in _env_example().items()}
    assert Settings.from_env(values | {"QUOTEBOT_HOME": "/data"}) == Settings.from_env({"QUOTEBOT_HOME": "/data"})


# ---------------------------------------------------------------- Dockerfile


def test_dockerfile_builds_the_cpu_image_as_a_plain_user(dockerfile: list[tuple[str, str]]) -> None:
    assert _docker_values(dockerfile, "FROM") == ["python:3.11-slim"]
    runs = " ".join(_docker_values(dockerfile, "RUN"))
    assert "-c constraints.txt ." in runs
    assert "torch==2.13.0" in runs and "https://download.pytorch.org/whl/cpu" in DOCKERFILE.read_text(encoding="utf-8")
    # A plain version, which PyPI serves (the README's install) and PyTorch's CPU build meets (the image).
    assert re.search(r"^torch==2\.13\.0$", (REPO / "constraints.txt").read_text(encoding="utf-8"), re.MULTILINE)
    (user,) = _docker_values(dockerfile, "USER")
    assert user not in ("root", "0")
    (cmd,) = _docker_values(dockerfile, "CMD")
    assert json.loads(cmd)[0] in main.commands


def test_dockerfile_copies_what_exists_and_dockerignore_lets_it_through(dockerfile: list[tuple[str, str]]) -> None:
    ignored = [line.strip().rstrip("/") for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith(("#", "!"))]
    assert ".env" in ignored and ".venv" in ignored and ".git" in ignored  # secrets and bulk stay out of the image
    for arguments in _docker_values(dockerfile, "COPY"):
        *sources, _ = arguments.split()
        for source in sources:
            assert (REPO / source).exists(), f"COPY {source}: no such file"
            assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), f"COPY {source} is excluded by .dockerignore"


def test_image_paths_match_settings(dockerfile: list[tuple[str, str]]) -> None:
    env: Mapping[str, str] = _docker_env(dockerfile)
    settings = Settings.from_env(env)
    assert settings.home == Path(env["QUOTEBOT_HOME"])
    assert settings.index_dir == Path(env["QUOTEBOT_HOME"]) / "index"


# ---------------------------------------------------------------- what the containers are given


def test_every_variable_a_container_needs_is_passed(compose: dict) -> None:
    documented = set(_env_example())
    bot = set(compose["services"]["bot"]["environment"])
    indexer = set(compose["services"]["indexer"]["environment"])
    assert NOT_PASSED <= documented, "NOT_PASSED names a variable .env.example does not document"
    missing = documented - NOT_PASSED - bot
    assert not missing, f"documented in .env.example but not passed to the bot: {sorted(missing)}"
    assert INDEXER_READS <= documented
    assert not INDEXER_READS - indexer, f"not passed to the indexer: {sorted(INDEXER_READS - indexer)}"
    assert "QUOTEBOT_THREADS" in bot and "QUOTEBOT_THREADS" in indexer
    for name, service in compose["services"].items():
        assert not set(service["environment"]) & NOT_PASSED, f"{name} is given a path the image fixes"


def test_other_tools_variables_are_never_passed_empty(compose: dict) -> None:
    """huggingface_hub reads an empty HF_ENDPOINT as an endpoint: each such variable carries its real default."""
    for name, service in compose["services"].items():
        for key in OTHER_TOOLS & set(service["environment"]):
            value = str(service["environment"][key])
            assert not value.endswith(":-}"), f"{name}.{key} may be passed empty: {value}"
    for key, value in compose["x-build"]["args"].items():
        assert key != "HF_ENDPOINT" or value == "${HF_ENDPOINT:-https://huggingface.co}"


# ---------------------------------------------------------------- the model in the image


def test_a_build_argument_bakes_the_model_into_the_image(compose: dict, dockerfile: list[tuple[str, str]], tmp_path: Path) -> None:
    args = dict(arg.partition("=")[::2] for arg in _docker_values(dockerfile, "ARG"))
    assert args["PULL_MODEL"] == "" and args["HF_ENDPOINT"] == "https://huggingface.co"
    (pull,) = [run for run in _docker_values(dockerfile, "RUN") if "$PULL_MODEL" in run]
    assert _shell_calls(pull) == [["model", "pull", "$PULL_MODEL"]]
    assert "pull" in main.commands["model"].commands  # type: ignore[attr-defined]
    # It runs as the user that owns the model cache, after the model cache's folder is made.
    order = [name for name, _ in dockerfile]
    assert order.index("USER") < [i for i, (name, arguments) in enumerate(dockerfile) if name == "RUN" and "$PULL_MODEL" in arguments][0]
    # In a real sh, with a stand-in quotebot that records its arguments: nothing runs without the argument.
    record = tmp_path / "calls"
    stand_in = tmp_path / "quotebot"
    stand_in.write_text(f'#!/bin/sh\necho "$@" >> {record}\n', encoding="utf-8")
    stand_in.chmod(0o755)
    for value, expected in (("", ""), ("BAAI/bge-small-zh-v1.5", "model pull BAAI/bge-small-zh-v1.5\n")):
        record.write_text("")
        run = subprocess.run(["/bin/sh", "-c", pull], env={"PATH": f"{tmp_path}:/usr/bin:/bin", "PULL_MODEL": value}, timeout=30)
        assert run.returncode == 0 and record.read_text() == expected
    # Compose hands the argument on from .env; both services build the one image.
    for service in compose["services"].values():
        assert service["build"]["args"]["PULL_MODEL"] == "${QUOTEBOT_PULL_MODEL:-}"


# ---------------------------------------------------------------- the README


def test_the_readme_deploy_steps_name_what_exists(compose: dict) -> None:
    text = README.read_text(encoding="utf-8")
    deploy = text[text.index("**Deployment.**") :]
    deploy = deploy[: deploy.index("\n## ")]
    steps = ["cp .env.example .env", "TELEGRAM_BOT_TOKEN", "documents", "docker compose up -d --build"]
    places = [deploy.find(step) for step in steps]
    assert -1 not in places and places == sorted(places), f"the deploy steps, in order: {steps}"
    assert ENV_EXAMPLE.name in deploy and "TELEGRAM_BOT_TOKEN" in _env_example()
    assert "./documents" in str(compose["services"]["indexer"]["volumes"])
    for service in re.findall(r"docker compose run --rm (\w+)", deploy):
        assert service in compose["services"]


def test_every_quotebot_command_the_readme_shows_parses() -> None:
    text = README.read_text(encoding="utf-8")
    code = re.findall(r"```[a-z]*\n(.*?)```", text, re.DOTALL) + re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.DOTALL))
    shown = [m for block in code for m in re.findall(r"(?:^|[\s/])quotebot ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?", block, re.MULTILINE)]
    assert len(shown) > 10
    for first, second in shown:
        words = f"{first} {second}".strip()
        assert first in main.commands, f"README shows `quotebot {words}`"
        command = main.commands[first]
        if isinstance(command, click.Group):
            assert second in command.commands, f"README shows `quotebot {words}`"


def test_the_readme_points_at_nothing_a_user_does_not_have() -> None:
    text = README.read_text(encoding="utf-8")
    assert "../shared" not in text and "DESIGN.md" not in text
    for target in re.findall(r"`((?:[a-z_]+/)+[A-Za-z_.-]+\.(?:md|py|yml|txt))`", text):
        assert (REPO / target).exists(), f"README points at {target}, which a clone does not have"


def test_ci_runs_the_readmes_two_commands_test_command() -> None:
    """CI runs exactly what the README tells a newcomer to run for the tests."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Two commands") : text.index("## Using it")]
    commands = re.findall(r"```sh\n(.*?)\n```", section, re.DOTALL)
    install_and_ask, test = commands[0], commands[1]
    assert "quotebot ask" in install_and_ask and "pytest" in test
    ci = [line for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert test in ci
