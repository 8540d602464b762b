"""The import benchmark: 100,000 synthetic 360Giving grants into a fresh SQLite register.

Run by `netimpact bench --scales imports` in its own child process (netimpact.cli.bench), so the peak
memory is the import's own. The wall time covers reading the JSON, validating every grant against the
360Giving schema, matching organisations and writing organisations, Org-IDs, funding ties and ward links
in one transaction; building the synthetic file and migrating the empty database are timed apart.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any


def measure_imports(grants: int, target: dict[str, float], quick: bool) -> dict[str, Any]:
    from netimpact.cli.bench import peak_memory_mb
    from netimpact.standards.import_benchmark import write_synthetic_grants

    with tempfile.TemporaryDirectory(prefix="netimpact-bench-imports-") as folder:
        os.environ["NETIMPACT_VAR_DIR"] = folder
        os.environ.pop("DATABASE_URL", None)  # always a fresh SQLite file, whatever the environment says
        os.environ["DJANGO_SETTINGS_MODULE"] = "netimpact.web.settings.local"
        start = time.perf_counter()
        path = write_synthetic_grants(Path(folder) / "grants.json", grants)
        build = time.perf_counter() - start
        import django

        django.setup()
        from django.core.management import call_command

        from netimpact.domain.wards import load_bristol_wards
        from netimpact.web.imports.importing import import_path
        from netimpact.web.register import models as m

        start = time.perf_counter()
        call_command("migrate", "--no-input", verbosity=0)
        m.Ward.objects.bulk_create([m.Ward(code=w.code, name=w.name) for w in load_bristol_wards()])
        migrate = time.perf_counter() - start
        start, cpu_start = time.perf_counter(), time.process_time()
        run = import_path("360giving", path, actor_label="netimpact bench")
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        start = time.perf_counter()
        again = import_path("360giving", path, actor_label="netimpact bench")
        reimport = time.perf_counter() - start
        peak = peak_memory_mb()
        return {
            "scale": "imports",
            "grants": grants,
            "quick": quick,
            "file_mb": round(path.stat().st_size / 1e6, 1),
            "wall_seconds": round(wall, 3),
            "cpu_seconds": round(cpu, 3),
            "peak_memory_mb": peak,
            "reimport_seconds": round(reimport, 3),
            "build_seconds": round(build, 3),
            "migrate_seconds": round(migrate, 3),
            "status": run.status,
            "counts": run.counts,
            "reimport_counts": again.counts,
            "target": target,
            "meets_target": run.status == "imported"
            and wall <= target["wall_seconds_max"]
            and peak <= target["peak_memory_mb_max"],
        }
