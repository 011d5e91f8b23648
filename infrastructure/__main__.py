"""`python -m infrastructure --output DIR`: synthesize the environment's Terraform JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

from infrastructure.app import synth


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m infrastructure", description=__doc__)
    parser.add_argument("--output", type=Path, default=Path("cdktf.out"), help="directory to write")
    synth(parser.parse_args(argv).output.resolve())


if __name__ == "__main__":
    main()
