""".env.example documents every environment variable Lantern reads (the settings' ENV_SCHEMA and
env() calls, gunicorn.conf.py, compose.yaml's interpolations), and nothing that nobody reads."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON_SOURCES = [
    *sorted((ROOT / "cms").rglob("*.py")),
    *sorted((ROOT / "sites").rglob("*.py")),
    *sorted((ROOT / "blocks").rglob("*.py")),
    ROOT / "gunicorn.conf.py",
]
# Read from the environment by a library rather than by Lantern's code: django-storages takes
# the S3 keys from there when the settings do not name them.
READ_BY_LIBRARIES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
# What compose.yaml refuses to start without.
REQUIRED_BY_COMPOSE = {"SECRET_KEY", "ALLOWED_HOSTS", "POSTGRES_PASSWORD"}


def documented() -> dict[str, str]:
    """NAME -> value for each `NAME=value` line, commented out (a default) or not."""
    text = (ROOT / ".env.example").read_text()
    return dict(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$", text, re.M))


def literal(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def is_name(node, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def is_os_environ(node) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ" and is_name(node.value, "os")


def read_in_python(path: Path) -> set[str]:
    """Names read through django-environ (the schema's keywords, env("X"), env.int("X"), ...),
    os.environ.get("X"), os.environ["X"] and os.getenv("X")."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            func, first = node.func, literal(node.args[0]) if node.args else None
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "Env"
                and is_name(func.value, "environ")
            ):
                names.update(keyword.arg for keyword in node.keywords if keyword.arg)
            elif first and (
                is_name(func, "env")
                or (isinstance(func, ast.Attribute) and is_name(func.value, "env"))
                or (
                    isinstance(func, ast.Attribute)
                    and func.attr == "get"
                    and is_os_environ(func.value)
                )
                or (
                    isinstance(func, ast.Attribute)
                    and func.attr == "getenv"
                    and is_name(func.value, "os")
                )
            ):
                names.add(first)
        elif (
            isinstance(node, ast.Subscript)
            and is_os_environ(node.value)
            and (name := literal(node.slice))
        ):
            names.add(name)
    return names


def interpolated_by_compose() -> set[str]:
    return set(
        re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", (ROOT / "compose.yaml").read_text())
    )


def read_by_lantern() -> dict[str, set[str]]:
    return {
        "settings and code": set().union(
            *(read_in_python(path) for path in PYTHON_SOURCES if "gunicorn" not in path.name)
        ),
        "gunicorn.conf.py": read_in_python(ROOT / "gunicorn.conf.py"),
        "compose.yaml": interpolated_by_compose(),
    }


def test_the_readers_are_found():
    """The parsing finds what each source is known to read, so the checks below are not empty."""
    read = read_by_lantern()
    assert {"SECRET_KEY", "DATABASE_URL", "LANTERN_LANGUAGES", "DB_CONN_MAX_AGE"} <= read[
        "settings and code"
    ]
    assert {"SECURE_HSTS_SECONDS", "AWS_S3_ENDPOINT_URL"} <= read["settings and code"]
    assert {"WEB_CONCURRENCY", "GUNICORN_THREADS", "PORT"} <= read["gunicorn.conf.py"]
    assert {"POSTGRES_PASSWORD", "SECRET_KEY"} <= read["compose.yaml"]


def test_every_variable_lantern_reads_is_in_env_example():
    listed = documented()
    missing = {
        source: sorted(names - listed.keys())
        for source, names in read_by_lantern().items()
        if names - listed.keys()
    }
    assert missing == {}, f"read but not documented in .env.example: {missing}"


def test_env_example_documents_nothing_that_nobody_reads():
    read = set().union(*read_by_lantern().values(), READ_BY_LIBRARIES)
    assert sorted(documented().keys() - read) == []


def test_compose_refuses_to_start_without_the_required_settings_and_the_example_leaves_them_empty():
    compose = (ROOT / "compose.yaml").read_text()
    for name in REQUIRED_BY_COMPOSE:
        assert f"${{{name}:?" in compose, f"compose.yaml does not require {name}"
    listed = documented()
    assert {name: listed[name] for name in REQUIRED_BY_COMPOSE} == dict.fromkeys(
        REQUIRED_BY_COMPOSE, ""
    )
    # ...uncommented, so that a copied .env shows at once what is to be filled in.
    text = (ROOT / ".env.example").read_text()
    for name in REQUIRED_BY_COMPOSE:
        assert re.search(rf"^{name}=$", text, re.M), name
