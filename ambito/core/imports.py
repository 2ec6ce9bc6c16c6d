"""Shared shape of every import: all-or-nothing, with a report naming each bad row (at most ``MAX_ERRORS`` of
them, then one line saying how many more there are). Files are read by ``ambito.core.tabular``."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

# A report longer than this helps nobody: the first hundred bad rows show what is wrong with the file, and a
# file with thousands of bad rows would otherwise make a page (and a list of errors in memory) of megabytes.
MAX_ERRORS = 100


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based line (or record) number in the source; 0 for the file as a whole
    message: str
    field: str = ""

    def __str__(self):
        where = _("file") if self.row == 0 else _("row %(row)s") % {"row": self.row}
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


@dataclass(frozen=True)
class MoreErrors(RowError):
    """The last line of a report cut at ``MAX_ERRORS``: how many errors are not listed."""

    def __str__(self):
        return self.message


class ErrorList:
    """The errors of one import: every error is counted (``len``), the first ``limit`` are kept for the report.
    It takes ``append``, ``extend`` and ``+=`` like a list, so validation code need not know about the cap."""

    def __init__(self, limit: int = MAX_ERRORS):
        self.limit, self.count, self._kept = limit, 0, []

    def append(self, error: RowError):
        self.count += 1
        if len(self._kept) < self.limit:
            self._kept.append(error)

    def extend(self, errors):
        for error in errors:
            self.append(error)

    def __iadd__(self, errors):
        self.extend(errors)
        return self

    def __len__(self):
        return self.count

    def __iter__(self):
        return iter(self._kept)

    @property
    def dropped(self) -> int:
        return self.count - len(self._kept)


class ImportRejected(Exception):
    """Raised inside the import's transaction so nothing is kept; carries the errors found, in row order: at
    most ``MAX_ERRORS`` (or the limit of the ``ErrorList`` given), then a ``MoreErrors`` line with the count
    of the others."""

    def __init__(self, errors: "list[RowError] | ErrorList"):
        limit = getattr(errors, "limit", MAX_ERRORS)
        kept = sorted(errors, key=lambda e: (e.row, e.field))
        dropped = getattr(errors, "dropped", 0) + max(len(kept) - limit, 0)
        self.errors = kept[:limit]
        if dropped:
            self.errors.append(MoreErrors(0, _("…and %(count)s more errors, not listed: correct these first and "
                                               "upload the file again.") % {"count": dropped}))
        super().__init__("; ".join(str(e) for e in self.errors[:20]))

    def report(self) -> str:
        return "\n".join(str(e) for e in self.errors)
