"""Fuzzing in CI, bounded to about a minute: a corpus of mutated real committee workbooks
(bytes flipped, XML parts cut, duplicated and spliced with hostile tokens, zip entries
renamed, duplicated or dropped), run through `malark validate` and `malark merge` as a user
runs them. Whatever the files hold: exit code 0, 1 or 2 only, exactly one JSON document on
stdout, no traceback or Rust panic, no process left behind, bounded memory.

The corpus is deterministic (seed `MALARK_FUZZ_SEED`, default 15); set another seed to
explore, and the failing seed is in the assertion message.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.crafted import parts_of, with_parts

SEED = int(os.environ.get("MALARK_FUZZ_SEED", "15"))
FILES = int(os.environ.get("MALARK_FUZZ_FILES", "300"))
MEMORY_CAP = 4 * 1024**3
PEAK_RSS_LIMIT = 1536 * 1024  # kB, as ru_maxrss counts on Linux
LINUX = sys.platform.startswith("linux")
CELL_TOKENS = [
    b'<c r="XFD1048576"><v>1</v></c>', b'<c\tr="ZZ9"><v>2</v></c>', b'<c r="a01"><v>3</v></c>',
    b'<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="A1"><x:v>1</x:v></x:c>',
    b'<c r="B2" t="e"><v>#N/A</v></c>', b"<c><f>\nSUM(A1)</f></c>", b'<c r="C3"><v>NaN</v></c>',
    b'<c t="inlineStr"><is><t>' + "😀".encode() * 40 + b"</t></is></c>",
    b'<c r="D4" t="inlineStr"><is><t>_x001B_[2J[/bold]</t></is></c>', b'<c r="B2" s="999999"><v>1</v></c>',
    b'<c r="E5"><f t="shared" si="999999999" ref="A1:A9">1</f><v>1</v></c>', b"<c/>",
]
ROW_TOKENS = [
    b'<row r="1048576"><c><v>1</v></c></row>', b'<row r="0"><c><v>1</v></c></row>', b"<row/>",
    b'<row r="0007"><c r="K7" t="inlineStr"><is><t>bredvid</t></is></c></row>',
    b'<row><c r="A2" t="inlineStr"><is><t>=HYPERLINK("x")</t></is></c></row>',
]
RAW_TOKENS = [
    b"<!DOCTYPE x [<!ENTITY a \"b\">]>", b"&a;", b"&#0;", b"<sheetData>", b"</sheetData>",
    b"<sheetData/>", b"</row>", b"<c><c>", b'<dimension ref="A1:XFD1048576"/>', b"\x00\xff\xfe",
    b"http://purl.oclc.org/ooxml/spreadsheetml/main",
]
TOKENS = CELL_TOKENS + ROW_TOKENS + RAW_TOKENS


VALUES = [b"NaN", b"inf", b"-Infinity", b"1e308", b"-0", b"", b"#DIV/0!", b"=HYPERLINK(&quot;x&quot;)",
          b"_x001B_[31m", b"[/bold]", "😀".encode() * 20_000, b"x" * 40_000, b"00123", b"1/2",
          b"9" * 400, "\u202egnal".encode()]
ATTRIBUTES = [b"A1", b"a01", b"XFD1048576", b"ZZZZ1", b"0", b"-1", b"99999999999", b"e", b"s",
              b"str", b"inlineStr", b"shared", b"A1:XFD1048576", b"", b"1048577"]
_TEXT = re.compile(rb"<((?:\w+:)?[vt])(?: [^>]*)?>([^<]*)</\1>")
_VALUE = re.compile(rb'(\s(?:r|t|s|ref|si|count|uniqueCount|sheetId|state)=")([^"]*)(")')


def _mutate_xml(data: bytes, rng: random.Random) -> bytes:
    """One change: mostly well-formed (a cell's value, an attribute, an inserted element),
    sometimes a cut, a repeat or random bytes."""
    operation = rng.random()
    if operation < 0.3:
        found = list(_TEXT.finditer(data))
        if found:
            match = rng.choice(found)
            return data[:match.start(2)] + rng.choice(VALUES) + data[match.end(2):]
    if operation < 0.55:
        found = list(_VALUE.finditer(data))
        if found:
            match = rng.choice(found)
            return data[:match.start(2)] + rng.choice(ATTRIBUTES) + data[match.end(2):]
    if operation < 0.85:  # an element where it belongs (mostly) or anywhere
        level = rng.random()
        tokens, tag = ((CELL_TOKENS, rb"<c[ >/]") if level < 0.55 else
                       (ROW_TOKENS, rb"<row[ >/]") if level < 0.9 else (RAW_TOKENS, rb"<"))
        places = [m.start() for m in re.finditer(tag, data)] or [0]
        at = rng.choice(places)
        return data[:at] + rng.choice(tokens) + data[at:]
    if not data:
        return rng.choice(TOKENS)
    at = rng.randrange(len(data))
    span = rng.randrange(1, min(len(data) - at, 400) + 1)
    choice = rng.randrange(3)
    if choice == 0:
        return data[:at] + data[at + span:]
    if choice == 1:
        return data[:at] + data[at:at + span] * rng.randrange(2, 50) + data[at:]
    return data[:at] + bytes(rng.randrange(256) for _ in range(span)) + data[at + span:]


def _mutate(source: Path, target: Path, rng: random.Random) -> Path:
    kind = rng.random()
    if kind < 0.08:  # bytes of the zip itself
        data = bytearray(source.read_bytes())
        for _ in range(rng.randrange(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[: rng.randrange(len(data))]
        target.write_bytes(bytes(data))
        return target
    parts = parts_of(source)
    names = sorted(parts)
    if kind < 0.16:  # the package's entries
        name = rng.choice(names)
        choice = rng.randrange(3)
        if choice == 0:
            del parts[name]
        elif choice == 1:
            parts[name.upper().replace("/", "\\")] = parts.pop(name)
        else:
            with zipfile.ZipFile(target, "w") as package:
                for entry, data in parts.items():
                    package.writestr(entry, data)
                package.writestr(name + "x", parts[name])
            return target
        return with_parts(parts, target)
    sheets = [n for n in names if n.startswith("xl/worksheets/")]
    other = [n for n in names if n.endswith((".xml", ".rels")) and n not in sheets]
    for _ in range(rng.randrange(1, 4)):
        name = rng.choice(sheets if rng.random() < 0.85 else other)
        parts[name] = _mutate_xml(parts[name], rng)
    return with_parts(parts, target)


@pytest.fixture(scope="module")
def corpus(filled_files, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    rng = random.Random(SEED)
    sources = [filled_files["plan"], filled_files["t1"]]
    for number in range(FILES):
        _mutate(rng.choice(sources), folder / f"fuzz_{number:03d}.xlsx", rng)
    return folder


def _run(args: list[str], timeout: float) -> tuple[int, bytes, bytes, int, list[int]]:
    """Run `malark ARGS` capped in memory; (exit code, stdout, stderr, peak RSS in kB,
    processes of its session still alive afterwards)."""
    def cap() -> None:
        if LINUX:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    process = subprocess.Popen([sys.executable, "-m", "malark", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=cap if os.name == "posix" else None)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
    peak = 0
    if LINUX:
        import resource

        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    time.sleep(0.3)
    return process.returncode, stdout, stderr, peak, _session(process.pid)


def _session(session: int) -> list[int]:
    if not LINUX:
        return []
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == session and fields[0] != "Z":  # same session, not a zombie
                alive.append(int(entry.name))
    return alive


def _check(result, what: str) -> dict:
    code, stdout, stderr, peak, left = result
    message = f"{what}, seed {SEED}: exit {code}\n{stderr.decode(errors='replace')[-3000:]}"
    assert code in (0, 1, 2), message
    assert b"Traceback" not in stderr and b"panicked" not in stderr, message
    assert left == [], f"{message}\nprocesses left: {left}"
    if LINUX:
        assert peak < PEAK_RSS_LIMIT, f"{message}\npeak RSS {peak} kB"
    return json.loads(stdout.decode("utf-8"))  # exactly one document, valid UTF-8


def test_fuzzed_workbooks_through_validate(corpus):
    document = _check(_run(["validate", str(corpus), "--format", "json"], timeout=60), "validate")
    assert len(document["files"]) == FILES
    for entry in document["files"]:
        for finding in entry["findings"]:
            assert finding["code"] and finding["message"] and finding["file"] == entry["file"]


def test_fuzzed_workbooks_through_merge(corpus, _example_project, tmp_path):
    out = tmp_path / "samman.xlsx"
    document = _check(_run(["merge", str(corpus), "--model", str(_example_project.model), "-o",
                            str(out), "--period", "Plan", "--skip-invalid", "--format", "json"],
                           timeout=60), "merge")
    assert len(document["files"]) == FILES
    assert sorted(p.name for p in tmp_path.iterdir()) in ([], ["samman.xlsx"])
