"""Generate Python code from protos/ and check that the committed code has not drifted.

The generated modules are committed (services/care/v1) so that a deployment needs no protoc; CI
regenerates them into a scratch folder and compares byte for byte.
"""

from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parents[3]
PROTO_ROOT = ROOT / "protos"
GENERATED_PACKAGE = Path("care") / "v1"


def generate(out_dir: Path) -> None:
    protos = sorted(str(p.relative_to(PROTO_ROOT)) for p in (PROTO_ROOT / GENERATED_PACKAGE).glob("*.proto"))
    include = str(Path(protoc.__file__).parent / "_proto")
    args = [
        "protoc",
        f"-I{PROTO_ROOT}",
        f"-I{include}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *protos,
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    package_init = out_dir / GENERATED_PACKAGE / "__init__.py"
    package_init.write_text('"""Generated from protos/care/v1 by `make proto`; do not edit."""\n')


def drift(committed: Path, fresh: Path) -> list[str]:
    names = {p.name for p in committed.glob("*.py*")} | {p.name for p in fresh.glob("*.py*")}
    return sorted(
        n
        for n in names
        if not (committed / n).exists()
        or not (fresh / n).exists()
        or not filecmp.cmp(committed / n, fresh / n, shallow=False)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "services")
    parser.add_argument("--check", action="store_true", help="compare with the committed code instead")
    args = parser.parse_args(argv)
    if not args.check:
        generate(args.out)
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        generate(Path(scratch))
        changed = drift(ROOT / "services" / GENERATED_PACKAGE, Path(scratch) / GENERATED_PACKAGE)
    if changed:
        sys.stderr.write(f"generated protobuf code is out of date ({', '.join(changed)}): run `make proto`\n")
        return 1
    sys.stderr.write("generated protobuf code matches protos/\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
