"""Every choice shown to a user is labelled in Chinese (a value without a label would show the
member's English name)."""

from __future__ import annotations

import inspect
import re

import pytest
from django.db import models

from fazhi.accounts import models as accounts
from fazhi.patrol import models as patrol
from fazhi.records import enums
from fazhi.standards import models as standards

CHOICES = [
    member
    for module in (enums, accounts, patrol, standards)
    for _, member in inspect.getmembers(module, inspect.isclass)
    if issubclass(member, models.TextChoices) and member is not models.TextChoices
]
HAN_OR_DIGIT = re.compile(r"^[\u4e00-\u9fff0-9（）]+$")


@pytest.mark.parametrize("choices", CHOICES, ids=lambda c: c.__name__)
def test_labels_are_chinese(choices: type[models.TextChoices]) -> None:
    assert all(HAN_OR_DIGIT.match(str(label)) for label in choices.labels), choices.labels
