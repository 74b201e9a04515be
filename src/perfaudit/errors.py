"""The package's exceptions: one base, typed subclasses that carry context.

Every error a user can see names what it is about (file and, where there is one, line), so the
CLI prints ``str(error)`` as one line and never a traceback.
"""

from __future__ import annotations


class PerfauditError(Exception):
    """Base of every error perfaudit raises on purpose."""


class InputError(PerfauditError):
    """A document that cannot be read faithfully: refused, never turned into partial tables."""

    def __init__(self, source_file: str, reason: str, line: int | None = None):
        self.source_file = source_file
        self.line = line
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.source_file}:{self.line}" if self.line else self.source_file
        return f"{where}: {self.reason}"

    def __reduce__(self):  # picklable across worker processes
        return (type(self), (self.source_file, self.reason, self.line))


class ConfigError(PerfauditError):
    """A configuration file or value that is not valid."""


class SuiteError(PerfauditError):
    """An expectation suite file that cannot be loaded completely."""


class ReportError(PerfauditError):
    """A report that could not be produced for one unit."""


class RunLockedError(PerfauditError):
    """Another perfaudit run holds the output folder."""
