"""The pure rules' errors belong to the AppError tree: the interfaces show their French message."""

from __future__ import annotations

from fractions import Fraction

import pytest

from app.domain.pabulib import PabulibError, money_text, parse_pabulib
from app.domain.rules import Election, Options, Project, RulesError, run_rule
from app.domain.rules.types import LotRequired
from app.errors import AppError, UserError


@pytest.mark.parametrize("error", [RulesError, LotRequired, PabulibError])
def test_rule_and_pabulib_errors_are_user_errors_not_value_errors(error: type) -> None:
    assert issubclass(error, UserError) and issubclass(error, AppError)
    assert not issubclass(error, ValueError)


def test_a_refused_option_reaches_the_interface_as_a_user_error() -> None:
    election = Election(Fraction(10), (Project("a", Fraction(1)),), ())
    with pytest.raises(UserError) as info:
        run_rule(election, Options(threshold=-1))
    assert isinstance(info.value, RulesError)
    assert info.value.message == str(info.value) and "seuil" in info.value.message


def test_a_broken_pabulib_file_is_a_user_error_with_a_french_message() -> None:
    with pytest.raises(UserError, match="Section PROJECTS absente"):
        parse_pabulib("META\nkey;value\nbudget;100\n")


def test_an_amount_without_finite_decimals_is_refused_in_french() -> None:
    with pytest.raises(PabulibError, match="décimal fini"):
        money_text(Fraction(1, 3))
    assert money_text(Fraction(22217685, 100)) == "222176.85"
