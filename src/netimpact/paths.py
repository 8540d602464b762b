"""Where the project finds the shared open data and its own bundled files."""

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent


def shared_data_dir() -> Path:
    """The read-only open data beside the project (../shared/data), or NETIMPACT_SHARED_DATA."""
    configured = os.environ.get("NETIMPACT_SHARED_DATA")
    if configured:
        return Path(configured)
    return PROJECT_DIR.parent / "shared" / "data"
