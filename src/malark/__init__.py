"""malark: målstyrning i Excel för svenska kommuner.

The public library API lives in `malark.api`; the CLI (`malark.cli`) and the Excel
add-in call only that.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("malark")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = ["__version__"]
