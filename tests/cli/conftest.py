from __future__ import annotations

from pathlib import Path

import pytest

from netimpact.cli import main


@pytest.fixture(scope="session")
def demo_bundle(tmp_path_factory) -> Path:
    """The demo city exported once, as `netimpact export-bundle -o` writes it."""
    path = tmp_path_factory.mktemp("bundles") / "demo.json"
    assert main(["export-bundle", "-o", str(path)]) == 0
    return path
