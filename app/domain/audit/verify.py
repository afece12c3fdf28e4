"""Verify a whole chain and say where it first fails, in French.

Used at start-up on the database's entries (a break blocks counting), on the JSON-lines copy, and
by the standalone `bp-terrain verify`. The clock is not trusted: a time that goes backwards (a
laptop clock corrected by hand or by the network) is reported as a warning, never as a failure,
because order is given by the sequence numbers and the hash links, and refusing it would block a
count for a reason no one can fix. Truncation after the last entry is invisible to the chain
alone: compare with a head printed on paper (`expected_heads`) or demand a seal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.audit.chain import ChainHead, advance, failure
from app.domain.audit.entry import AuditEntry, entry_from_dict, parse_time
from app.domain.audit.errors import ChainBroken, InvalidPayload
from app.errors import CancelFlag, Cancelled
from app.i18n import _

Progress = Callable[[int, int], None]
_REPORT_EVERY = 500


@dataclass(frozen=True)
class Unreadable:
    """A line or record that could not even be parsed; `code` is a failure code."""

    code: str
    detail: str = ""


@dataclass(frozen=True)
class ChainFailure:
    """The first failing entry: its seq, a stable code (see `docs/audit-log.md`) and a message."""

    seq: int
    code: str
    message: str


@dataclass(frozen=True)
class ChainWarning:
    seq: int
    code: str
    message: str


@dataclass(frozen=True)
class VerificationResult:
    """What a verification found. `head` is the state after the last valid entry."""

    entries: int
    head: ChainHead | None
    failure: ChainFailure | None
    warnings: tuple[ChainWarning, ...] = ()
    checkpoints: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        return self.failure is None

    def raise_for_failure(self) -> None:
        """Raise `ChainBroken` (French message, seq, code) when the chain failed."""
        if self.failure is not None:
            raise ChainBroken(self.failure.message, seq=self.failure.seq, code=self.failure.code)


Item = AuditEntry | Mapping[str, Any] | Unreadable


def verify_chain(
    items: Iterable[Item],
    *,
    public_key: bytes | None = None,
    expected_heads: Iterable[tuple[int, str]] = (),
    require_sealed: bool = False,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> VerificationResult:
    """Check every entry in order and stop at the first failure.

    `public_key`: the officer key the chain must declare (raw 32 bytes). `expected_heads`:
    (seq, hash) pairs from a batch slip or the report that the chain must contain.
    """
    items = list(items)
    state = _Walk(public_key)
    try:
        for index, item in enumerate(items):
            if index % _REPORT_EVERY == 0:
                _tick(index, len(items), progress, cancel)
            state.step(_as_entry(item, index + 1))
        state.finish(dict(expected_heads), require_sealed)
    except ChainBroken as error:
        state.failure = ChainFailure(error.seq, error.code, error.message)
    if progress is not None:
        progress(len(items), len(items))
    return state.result()


def head_from_entries(entries: Iterable[Item], *, public_key: bytes | None = None) -> ChainHead:
    """The head of a chain that must verify (start-up check); raises `ChainBroken` otherwise."""
    result = verify_chain(entries, public_key=public_key)
    result.raise_for_failure()
    if result.head is None:
        raise failure("empty", 1)
    return result.head


def _tick(done: int, total: int, progress: Progress | None, cancel: CancelFlag | None) -> None:
    if cancel is not None and cancel.cancelled:
        raise Cancelled()
    if progress is not None:
        progress(done, total)


def _as_entry(item: Item, expected_seq: int) -> AuditEntry:
    if isinstance(item, AuditEntry):
        return item
    if isinstance(item, Unreadable):
        raise failure(item.code, expected_seq, detail=item.detail)
    try:
        return entry_from_dict(item)
    except InvalidPayload as error:
        raise failure("malformed", expected_seq, detail=error.message) from None


class _Walk:
    """Mutable bookkeeping of one verification pass."""

    def __init__(self, public_key: bytes | None) -> None:
        self.public_key = public_key
        self.head: ChainHead | None = None
        self.hashes: dict[int, str] = {}
        self.count = 0
        self.warnings: list[ChainWarning] = []
        self.checkpoints: list[int] = []
        self.failure: ChainFailure | None = None

    def step(self, entry: AuditEntry) -> None:
        previous = self.head
        self.head = advance(previous, entry, self.public_key)
        self.count += 1
        self.hashes[entry.seq] = entry.hash
        if entry.signed:
            self.checkpoints.append(entry.seq)
        if previous is not None and parse_time(entry.time) < parse_time(previous.time):
            message = _(
                "Entrée n° {seq} : l'heure recule par rapport à l'entrée précédente "
                "(horloge corrigée ?). L'ordre reste garanti par la chaîne."
            ).format(seq=entry.seq)
            self.warnings.append(ChainWarning(entry.seq, "time_backwards", message))

    def finish(self, expected: dict[int, str], require_sealed: bool) -> None:
        if self.head is None:
            raise failure("empty", 1)
        for seq in sorted(expected):
            if seq not in self.hashes:
                raise failure("missing_head", seq)
            if self.hashes[seq] != expected[seq]:
                raise failure("head_mismatch", seq)
        if require_sealed and not self.head.sealed:
            raise failure("not_sealed", self.head.seq)

    def result(self) -> VerificationResult:
        return VerificationResult(
            entries=self.count,
            head=self.head,
            failure=self.failure,
            warnings=tuple(self.warnings),
            checkpoints=tuple(self.checkpoints),
        )
