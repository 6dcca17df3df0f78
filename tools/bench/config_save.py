"""Benchmark of the configuration: save and load times, file size, password hashing cost (JSON out).

    python -m tools.bench.config_save [--rounds N]
"""

import argparse
import json
import os
import tempfile
import time

from firmware.accounts import passwords
from firmware.settings.config import SCHEMA, Config
from firmware.settings.backup import export_backup


def _per_call_ms(fn, rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        fn()
    return round((time.perf_counter() - start) * 1000 / rounds, 3)


def main() -> None:
    """Print one JSON object of figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="configbench") as folder:
        path = os.path.join(folder, "config.json")
        cfg = Config(path)
        cfg.update({"smtp.password": "bench-secret", "auth.users": ["ops:ops-pw:write"]})
        cfg.save()
        figures = {
            "settings": len(SCHEMA),
            "file_bytes": os.path.getsize(path),
            "backup_bytes": len(export_backup(cfg).encode()),
            "save_ms": _per_call_ms(cfg.save, args.rounds),
            "load_ms": _per_call_ms(lambda: Config(path), args.rounds),
            "hash_iterations": passwords.ITERATIONS,
            "hash_native_ms": _per_call_ms(lambda: passwords.pbkdf2_sha256(
                b"pw", b"salt" * 4, passwords.ITERATIONS), 5),
            "hash_pure_python_ms": _per_call_ms(lambda: passwords.pbkdf2_sha256_pure(
                b"pw", b"salt" * 4, passwords.ITERATIONS), 3),
        }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
