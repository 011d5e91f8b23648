"""Builds the package with its domain compiled by mypyc: the same modules as C extensions,
which Python imports in place of their sources. Without a C compiler the install still
succeeds, on the pure-Python domain, and says so."""

from pathlib import Path

from mypyc.build import mypycify
from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CompileError, ExecError, PlatformError


class BuildDomain(build_ext):
    def run(self) -> None:
        try:
            super().run()
        except (CompileError, ExecError, PlatformError) as error:
            print(f"warning: the domain is not compiled ({error}); it runs as pure Python")


# Modules that stay Python: msgspec decodes the commands and events by their fields'
# annotations, of which mypyc keeps only the outer class (`type` for a union).
INTERPRETED = {"domain/commands.py", "domain/events.py"}

setup(
    ext_modules=mypycify(
        sorted(str(path) for path in Path("domain").glob("*.py") if str(path) not in INTERPRETED)
    ),
    cmdclass={"build_ext": BuildDomain},
)
