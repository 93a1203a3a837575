"""How fast `import_releases` takes old captures: writes N captures shaped like the seed (each
with its own title, dateline country and press contact) and imports them into a fresh database.

    .venv/bin/python bench/import_speed.py [--files 10000] [--database-url postgres://...]

Without --database-url it uses a throwaway SQLite file; a PostgreSQL database is dropped and
created afresh. Prints files per second, the command's CPU time and its peak memory.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.servers import ROOT, recreate_database  # noqa: E402

SEED = ROOT / "iomsite" / "demo" / "seed_release.txt"
# Datelines by country name (in English and French), by city and country, and by cities of
# no office that the gazetteer finds ("Tapachula") or finds in several countries ("Geneva").
PLACES = [
    "China", "Sénégal", "Geneva", "Cox's Bazar, Bangladesh", "Peru", "Türkiye", "Chine",
    "Tapachula",
]  # fmt: skip


def write_captures(folder, count):
    seed = SEED.read_text()
    title = "Director General launches EU-China migration and mobility seminar in Beijing"
    for number in range(count):
        place = PLACES[number % len(PLACES)]
        text = (
            seed.replace(title, f"{title} ({number})")
            .replace("\nChina - ", f"\n{place} - ")
            .replace("ewong@iom.int", f"press{number % 500}@iom.int")
        )
        (folder / f"{number // 1000:02d}").mkdir(exist_ok=True)
        (folder / f"{number // 1000:02d}" / f"release-{number}.txt").write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="iomsite-import-bench-") as temporary:
        folder = Path(temporary)
        (folder / "captures").mkdir()
        write_captures(folder / "captures", args.files)
        env = {
            **os.environ,
            # As operators run it: debug off (debug keeps every query in memory).
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "import-benchmark-only"),
            "DATABASE_URL": args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}",
        }
        if args.database_url:
            recreate_database(args.database_url)
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True)
        started = time.perf_counter()
        command = [*manage, "import_releases", str(folder / "captures"), "-v", "0"]
        process = subprocess.Popen(command, env=env)
        # wait4 gives the import's own peak memory, not migrate's.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise SystemExit("import_releases failed")
    # CPU seconds of the import itself: on a shared machine, wall time includes waiting.
    cpu = usage.ru_utime + usage.ru_stime
    print(
        f"{args.files} files imported in {seconds:.1f} s: {args.files / seconds:.0f} files/s "
        f"({cpu:.1f} s of CPU in the command), peak memory {usage.ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
