"""`bp-terrain count ...`: the count from the console. `commands` registers the sub-commands,
`session` prints sessions and sheets, `slip` prints a checkpoint's slip, `check_deck` compares a
counted test deck with its expectation, `lines` words one sheet per line."""

from __future__ import annotations

from ui.cli.count.commands import register

__all__ = ["register"]
