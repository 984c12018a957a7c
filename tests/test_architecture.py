"""The package's shape: folders are the pipeline's stages, no import cycles, modules of readable size,
the README's architecture section names every folder, the flow body carries no test hooks."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

from flows.settings import PROJECT_DIR

PACKAGES = ("flows", "tools")
LONG_MODULE_LINES = 300
# modules allowed past LONG_MODULE_LINES, each with its reason
LONG_MODULES = {
    "flows/ingest/clean.py": "one job: a raw file to cleaned rows (HTML, text, WARC), with its reasons for rejects",
    "flows/ingest/textclean.py": "the boilerplate and text repair rules, each small, kept together with their order",
    "flows/ingest/decode.py": "the decoding policy, one ordered list of rules",
    "flows/warehouse/models.py": "the dbt project: run by dbt, and its compiled form run without dbt (tests)",
    "tools/bench.py": "a developer tool: corpus generation and the side-by-side measurement",
}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (PROJECT_DIR / package).rglob("*.py"):
            name = ".".join(path.relative_to(PROJECT_DIR).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Project modules imported by a module, at any depth of its code (deferred imports count)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        out |= {n for n in names if n in known}
    return out


def test_no_module_imports_itself_through_others():
    """Importing a.b.c runs a/__init__ and a/b/__init__ first: those count as imported too."""
    found = modules()

    def with_packages(name: str) -> set[str]:
        parts = name.split(".")
        return {".".join(parts[:i]) for i in range(1, len(parts) + 1)} & set(found)

    graph = {}
    for name, path in found.items():
        graph[name] = set().union(*[with_packages(n) for n in imports_of(path, set(found))] or [set()])
        graph[name] -= with_packages(name)  # a module's own packages are already being imported
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        for nxt in graph[node]:
            if nxt in stack:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif len(stack) < 12:
                visit(nxt, stack + [nxt])

    for name in graph:
        visit(name, [name])
    assert not cycles, sorted(set(cycles))[:5]


def test_modules_stay_short_unless_a_reason_is_written_down():
    long = {str(path.relative_to(PROJECT_DIR)): len(path.read_text(encoding="utf-8").splitlines())
            for path in modules().values()}
    too_long = {p: n for p, n in long.items() if n > LONG_MODULE_LINES and p not in LONG_MODULES}
    assert not too_long, too_long
    assert all(long.get(p, 0) > LONG_MODULE_LINES for p in LONG_MODULES), "a listed module is short now: unlist it"


def test_the_readme_architecture_section_names_every_folder_and_module():
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Architecture"):]
    section = section[:section.index("\n## ", 4)] if "\n## " in section[4:] else section
    for path in modules().values():
        rel = path.relative_to(PROJECT_DIR)
        named = str(rel.parent) + "/" if rel.name == "__init__.py" else str(rel)
        assert named in section, f"README's architecture section does not name {named}"


def test_the_flow_body_has_no_test_hooks_and_reads_in_about_forty_lines():
    from flows import pipeline

    source = inspect.getsource(pipeline.commitments_pipeline.fn)
    assert not re.search(r"pause|marker|sleep|test", source, re.I)
    assert len(source.splitlines()) <= 45
