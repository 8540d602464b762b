from __future__ import annotations

from pathlib import Path

import pytest

from netimpact.paths import shared_data_dir


@pytest.fixture(scope="session")
def shared() -> Path:
    """The real open data (../shared/data, or NETIMPACT_SHARED_DATA); skipped only where it is absent."""
    folder = shared_data_dir()
    if not (folder / "SOURCES.md").exists():
        pytest.skip(f"the shared open data is not at {folder} (set NETIMPACT_SHARED_DATA)")
    return folder


@pytest.fixture
def officer(db: None):
    from netimpact.web.accounts.models import Role, User

    return User.objects.create_user("officer-imports", password="x-not-used", role=Role.OFFICER)
