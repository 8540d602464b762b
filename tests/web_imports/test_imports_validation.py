"""Invalid input: stop (nothing written) or skip and list; dry runs; the command line's exit code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from netimpact.cli import main
from netimpact.web.imports.importing import import_bytes
from netimpact.web.imports.models import ImportRun
from netimpact.web.register import models as m

pytestmark = pytest.mark.django_db


def _bad(shared: Path) -> bytes:
    document = json.loads(
        (shared / "360giving" / "trafford_council_voluntary_sector_grants.json").read_text()
    )
    document["grants"][3]["amountAwarded"] = "2,000 pounds"
    return json.dumps(document).encode()


def test_invalid_records_stop_the_import_and_nothing_is_written(shared: Path) -> None:
    run = import_bytes("360giving", _bad(shared), "bad.json", actor_label="test")
    assert run.status == ImportRun.Status.INVALID
    assert run.problems == [
        {
            "where": "grants[3].amountAwarded",
            "field": "amountAwarded",
            "expected": 'a value of type number (found "2,000 pounds")',
            "record": "360G-traffordmbc-VSG1345",
        }
    ]
    assert m.Organisation.objects.count() == 0 and m.FundingTie.objects.count() == 0


def test_skipping_invalid_records_imports_the_rest_and_lists_them(shared: Path) -> None:
    run = import_bytes("360giving", _bad(shared), "bad.json", actor_label="test", skip_invalid=True)
    assert run.status == ImportRun.Status.IMPORTED
    assert run.counts["grant"]["skipped"] == 1
    assert run.counts["funding tie"]["created"] == 554
    assert run.problems[0]["record"] == "360G-traffordmbc-VSG1345"
    assert not m.FundingTie.objects.filter(key="360G-traffordmbc-VSG1345").exists()


def test_a_dry_run_counts_and_writes_nothing(shared: Path) -> None:
    content = (shared / "360giving" / "a-b-charitable-trust.json").read_bytes()
    run = import_bytes("360giving", content, "abct.json", actor_label="test", dry_run=True)
    assert run.status == ImportRun.Status.CHECKED
    assert run.counts["funding tie"]["created"] == 783
    assert m.FundingTie.objects.count() == 0 and m.Organisation.objects.count() == 0


def test_an_unreadable_file_is_reported(tmp_path: Path) -> None:
    run = import_bytes("oruk", b"{not json", "x.json", actor_label="test")
    assert run.status == ImportRun.Status.INVALID
    assert "expected JSON" in run.problems[0]["expected"]


def test_a_failure_while_writing_leaves_the_register_as_it_was(shared: Path, monkeypatch) -> None:
    from netimpact.web.imports import importing

    original = importing.IMPORTERS["360giving"]

    def explode(records, run, counts, progress):
        original.write(records, run, counts, progress)
        raise RuntimeError("disk full")

    monkeypatch.setitem(
        importing.IMPORTERS,
        "360giving",
        original.__class__(original.read_path, original.read_bytes, explode, original.record_kind),
    )
    content = (shared / "360giving" / "a-b-charitable-trust.json").read_bytes()
    with pytest.raises(RuntimeError):
        import_bytes("360giving", content, "abct.json", actor_label="test")
    assert m.FundingTie.objects.count() == 0 and m.Organisation.objects.count() == 0
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and "disk full" in run.message


def test_the_command_exits_2_and_lists_the_problems(shared: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(_bad(shared))
    assert main(["import", "360giving", str(path)]) == 2
    err = capsys.readouterr().err
    assert "grants[3].amountAwarded (360G-traffordmbc-VSG1345), amountAwarded: a value of type number" in err
    assert main(["import", "360giving", str(path), "--skip-invalid"]) == 0
    out = capsys.readouterr().out
    assert "funding tie" in out and "554" in out
    assert main(["import", "360giving", str(path), "--skip-invalid"]) == 0
    again = capsys.readouterr().out
    assert re.search(r"funding tie\s+0\s+0\s+554\s+0\n", again)
