"""``python -m bench.run``: run the benchmarks and write their results (``make bench``).

Each benchmark module has ``NAME``, ``run(quick=..., messages=..., cpu=...) -> dict`` and
``render_markdown(result) -> str``; its results go to ``<out>/<NAME>.json`` and ``<NAME>.md``
(``<NAME>.quick.json``/``.md`` for ``--quick``, so a smoke run never overwrites the full figures).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Name -> module; a new benchmark is one line here.
BENCHMARKS = {
    "deid": "bench.deid",
    "routing": "bench.routing",
    "risk": "bench.risk",
    "safety": "bench.safety",
    "assembly": "bench.assembly",
    "pipeline": "bench.pipeline",
}
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run (seconds, not minutes)")
    parser.add_argument("--only", choices=sorted(BENCHMARKS), help="run this benchmark only")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="results directory (bench/results)")
    parser.add_argument("--messages", type=int, help="number of messages, overriding the mode's default")
    parser.add_argument("--cpu", type=int, help="the CPU to pin to (default: the highest one available)")
    # The pipeline benchmark's load (the others ignore these).
    parser.add_argument(
        "--rates", type=_rates, help="pipeline: offered loads in messages/s, e.g. 50,200,500,1000"
    )
    parser.add_argument("--seconds", type=float, help="pipeline: seconds per load level")
    parser.add_argument("--conversations", type=int, help="pipeline: conversations of state in the flood")
    return parser


def _rates(value: str) -> list[int]:
    rates = [int(part) for part in value.split(",") if part.strip()]
    if not rates or min(rates) < 1:
        raise argparse.ArgumentTypeError("rates are positive integers, comma-separated")
    return rates


def _extra_arguments(run: Any, args: argparse.Namespace) -> dict[str, Any]:
    """The optional arguments this benchmark's run() takes, when given on the command line."""
    accepted = inspect.signature(run).parameters
    given = {"rates": args.rates, "seconds": args.seconds, "conversations": args.conversations}
    return {name: value for name, value in given.items() if name in accepted and value is not None}


def output_paths(out: Path, name: str, quick: bool) -> tuple[Path, Path]:
    stem = f"{name}.quick" if quick else name
    return out / f"{stem}.json", out / f"{stem}.md"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.messages is not None and args.messages < 1:
        _parser().error("--messages must be at least 1")
    names = [args.only] if args.only else list(BENCHMARKS)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in names:
        module: Any = importlib.import_module(BENCHMARKS[name])
        started = time.perf_counter()
        extra = _extra_arguments(module.run, args)
        result = module.run(quick=args.quick, messages=args.messages, cpu=args.cpu, **extra)
        json_path, md_path = output_paths(args.out, name, args.quick)
        json_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        md_path.write_text(module.render_markdown(result), encoding="utf-8")
        sys.stdout.write(f"{name}: {time.perf_counter() - started:.1f} s -> {json_path}, {md_path}\n")
        sys.stdout.write(module.render_markdown(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
