"""Benchmark of the configuration: save and load times, file size, password hashing cost (JSON out).

    python -m tools.bench.config_save [--rounds N]
"""

import argparse
import json
import os
import tempfile
import time

from firmware.accounts import passwords
from firmware.card import features
from firmware.settings.backup import export_backup
from firmware.settings.config import Config


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
        schema = features.schema()
        cfg = Config(schema, path)
        cfg.update({"auth.users": ["ops:ops-pw:write"], "nut.users": ["mon:mon-pw:secondary"]})
        figures = {
            "settings": len(schema),
            "file_bytes": os.path.getsize(path),
            "backup_bytes": len(export_backup(cfg).encode()),
            "save_ms": _per_call_ms(cfg.save, args.rounds),
            "load_ms": _per_call_ms(lambda: Config(schema, path), args.rounds),
            "hash_iterations": passwords.ITERATIONS,
            "hash_native_ms": _per_call_ms(lambda: passwords.pbkdf2_sha256(
                b"pw", b"salt" * 4, passwords.ITERATIONS), 5),
            "hash_pure_python_ms": _per_call_ms(lambda: passwords.pbkdf2_sha256_pure(
                b"pw", b"salt" * 4, passwords.ITERATIONS), 3),
        }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
