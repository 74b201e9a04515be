"""perfaudit: reproducible audit reports for Chinese budget performance-target documents."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("perfaudit")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"
