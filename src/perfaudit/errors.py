"""The package's exceptions: one base, typed subclasses that carry context.

Every error a user can see names what it is about (file and, where there is one, line), so the
CLI prints ``str(error)`` as one line and never a traceback.
"""

from __future__ import annotations


class PerfauditError(Exception):
    """Base of every error perfaudit raises on purpose."""


class InputError(PerfauditError):
    """A document that cannot be read faithfully: refused, never turned into partial tables."""

    def __init__(self, source_file: str, reason: str, line: int | None = None, where: str | None = None):
        self.source_file = source_file
        self.line = line
        self.where = where  # a place that is not a line (``Sheet1!C12``, ``表3 第5行第2列``)
        self.reason = reason
        super().__init__(str(self))

    @classmethod
    def at(cls, source_file: str, reason: str, ref) -> "InputError":
        """Refusal at a source location (``perfaudit.ingest.cells.Ref``): its line, else its label."""
        if ref is None:
            return cls(source_file, reason)
        return cls(source_file, reason, ref.line) if ref.line else cls(source_file, reason, where=ref.label() or None)

    def __str__(self) -> str:
        if self.line:
            return f"{self.source_file}:{self.line}: {self.reason}"
        if self.where:
            return f"{self.source_file} [{self.where}]: {self.reason}"
        return f"{self.source_file}: {self.reason}"

    def __reduce__(self):  # picklable across worker processes
        return (type(self), (self.source_file, self.reason, self.line, self.where))


class ReviewFileError(InputError):
    """A reviewer's file (``OUT/reviews/<unit_id>.toml``) that does not read: refused, never overwritten."""


class ConfigError(PerfauditError):
    """A configuration file or value that is not valid."""


class SuiteError(PerfauditError):
    """An expectation suite file that cannot be loaded completely."""


class ReportError(PerfauditError):
    """A report that could not be produced for one unit. ``cause`` names the class of the
    underlying failure where there is one (``DeadKernelError``, ``CellTimeoutError``), so a batch
    can tell a fault of the machine from one of the document."""

    def __init__(self, message: str, cause: str | None = None):
        super().__init__(message)
        self.cause = cause

    def __reduce__(self):  # picklable across worker processes
        return (type(self), (str(self), self.cause))


class EnvironmentFault(PerfauditError):
    """The machine, not a document, is at fault (an output folder that cannot be written, a missing
    font, a PDF engine that does not load): one line naming what, and the next run heals once it
    is fixed."""


def describe_os_error(error: OSError) -> str:
    """An OSError as one line naming the path: ``/out/units: permission denied``."""
    what = (error.strerror or str(error)).lower()
    paths = [str(p) for p in (error.filename, error.filename2) if p is not None]
    return f"{' -> '.join(paths)}: {what}" if paths else what


class RunLockedError(PerfauditError):
    """Another perfaudit run holds the output folder."""


class Terminated(KeyboardInterrupt):
    """A signal asked the process to stop (SIGTERM): unwinds like Ctrl-C, so that a run stops its
    workers and saves what it did; the command then exits with 128 + the signal's number."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signum)
