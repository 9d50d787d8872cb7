"""The scorecard editor's form: each comparison matrix's upper triangle, and grade cut-offs;
and the form of an action to keep a customer at risk."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kehu.analytics.labels import criterion_label, indicator_label
from kehu.analytics.maths.ahp import AHPResult, Entry, ahp_weights
from kehu.analytics.models import ChurnAction, Scorecard
from kehu.analytics.services.churn_actions import CHURN_ACTION_FIELDS
from kehu.core.forms import RecordForm
from kehu.core.models import User
from kehu.customers import selectors as customer_selectors
from kehu.customers.pickers import CustomerChoiceField
from kehu.sales.forms.choices import DATE, people

TOP = "criteria"
SCALE = (Fraction(1, 9), Fraction(9))  # Saaty's 1–9 scale and its reciprocals


def comparison_text(value: Fraction) -> str:
    """3, 1/3, or a decimal when neither is whole: how a judgement is written and stored."""
    if value.denominator == 1:
        return str(value.numerator)
    if value.numerator == 1:
        return f"1/{value.denominator}"
    return f"{float(value):.4g}"


def comparison_parse(text: str) -> Fraction:
    """A judgement typed as 3, 1/3 or 0.5; limited to Saaty's scale."""
    try:
        value = Fraction(str(text).strip()).limit_denominator(1000)
    except (ValueError, ZeroDivisionError) as error:
        raise forms.ValidationError(
            _("Enter a number such as 3, 1/3 or 0.5."), code="not_number"
        ) from error
    if not SCALE[0] <= value <= SCALE[1]:
        raise forms.ValidationError(_("Use a value from 1/9 to 9."), code="out_of_scale")
    return value


class ComparisonField(forms.Field):
    """One judgement of a pairwise comparison, cleaned to a Fraction."""

    def to_python(self, value: Any) -> Fraction | None:
        text = str(value or "").strip()
        return comparison_parse(text) if text else None


@dataclass(frozen=True)
class Matrix:
    key: str  # TOP or a criterion code
    title: str
    items: list[str]  # labels of the compared items
    size: int

    def field(self, i: int, j: int) -> str:
        return f"{self.key}-{i}-{j}"


@dataclass(frozen=True)
class Cell:
    kind: str  # "diagonal", "input" (upper triangle) or "reciprocal" (lower triangle)
    text: str  # the value as text; "" while the cell it mirrors is invalid
    dom_id: str
    field: forms.BoundField | None = None


@dataclass(frozen=True)
class MatrixResult:
    matrix: Matrix
    cells: list[list[Cell]]
    ahp: AHPResult | None  # None while a cell is invalid
    errors: list[str]  # "item : item — problem" for each invalid cell

    @property
    def rows(self) -> list[tuple[str, list[Cell]]]:
        return list(zip(self.matrix.items, self.cells, strict=True))

    @property
    def weighted_items(self) -> list[tuple[str, float]]:
        weights = self.ahp.weights if self.ahp else []
        return list(zip(self.matrix.items, weights, strict=False))

    @property
    def reciprocals(self) -> list[Cell]:
        return [cell for row in self.cells for cell in row if cell.kind == "reciprocal"]

    def as_rows(self) -> list[list[str]]:
        return [[cell.text for cell in row] for row in self.cells]


class ScorecardForm(RecordForm):
    """The scorecard's judgements and cut-offs, for `services.scorecard_save`: its fields are
    the cells of the configuration, none of the model's own, and it carries the version the
    scorecard was read at."""

    class Meta:
        model = Scorecard
        fields: list[str] = []

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, instance: Scorecard, user: User
    ) -> None:
        super().__init__(data, instance=instance, user=user)
        config: dict[str, Any] = instance.config
        self.config = config
        self.matrices = [
            Matrix(
                TOP,
                _("Criteria"),
                [criterion_label(code) for code in config["criteria"]],
                len(config["criteria"]),
            ),
            *(
                Matrix(
                    code,
                    criterion_label(code),
                    [indicator_label(name) for name in spec["indicators"]],
                    len(spec["indicators"]),
                )
                for code, spec in config["criteria"].items()
            ),
        ]
        for matrix in self.matrices:
            stored = self._stored(matrix.key)
            for i in range(matrix.size):
                for j in range(i + 1, matrix.size):
                    self.fields[matrix.field(i, j)] = ComparisonField(
                        label=f"{matrix.items[i]} : {matrix.items[j]}",
                        initial=comparison_text(Fraction(str(stored[i][j]))),
                    )
        grades = sorted(config["grades"].items(), key=lambda grade: -float(grade[1]))
        # The lowest grade starts at 0, so that every score has a grade.
        for name, cutoff in grades[:-1]:
            self.fields[f"grade-{name}"] = forms.DecimalField(
                label=_("Grade %(grade)s from") % {"grade": name},
                initial=cutoff,
                min_value=0,
                max_value=100,
                decimal_places=1,
            )
        self.lowest_grade = grades[-1][0]
        self.fields["normalisation"] = forms.ChoiceField(
            label=_("Indicators are compared by"),
            choices=[
                ("percentile", _("Rank among the customers")),
                ("min_max", _("Place between the lowest and highest")),
            ],
            initial=config.get("normalisation", "min_max"),
        )

    def _stored(self, key: str) -> list[list[Entry]]:
        if key == TOP:
            return list(self.config["comparisons"])
        return list(self.config["criteria"][key].get("comparisons", [[1]]))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cutoffs = [cleaned.get(f"grade-{name}") for name in self.grade_names]
        given = [cutoff for cutoff in cutoffs if cutoff is not None]
        if len(given) == len(cutoffs) and given != sorted(given, reverse=True):
            raise forms.ValidationError(_("Each grade must start above the next one."))
        return cleaned

    @property
    def grade_names(self) -> list[str]:
        return [name.removeprefix("grade-") for name in self.fields if name.startswith("grade-")]

    def _judgement(self, name: str) -> Fraction | None:
        """The cell's value as typed (bound) or stored (unbound); None when invalid."""
        if not self.is_bound:
            return Fraction(self.fields[name].initial)
        try:
            return comparison_parse(self.data.get(name, ""))
        except forms.ValidationError:
            return None

    def results(self) -> list[MatrixResult]:
        """Each matrix as it now stands, with its weights and consistency when computable."""
        return [self._result(matrix) for matrix in self.matrices]

    def _result(self, matrix: Matrix) -> MatrixResult:
        n = matrix.size
        values: list[list[Fraction | None]] = [
            [Fraction(1) if i == j else None for j in range(n)] for i in range(n)
        ]
        errors: list[str] = []
        for i in range(n):
            for j in range(i + 1, n):
                name = matrix.field(i, j)
                value = self._judgement(name)
                values[i][j] = value
                values[j][i] = None if value is None else 1 / value
                if self.is_bound and name in self.errors:
                    errors.extend(f"{self.fields[name].label} — {e}" for e in self.errors[name])

        def cell(i: int, j: int) -> Cell:
            value = values[i][j]
            text = "" if value is None else comparison_text(value)
            dom_id = f"cell-{matrix.field(i, j)}"
            if i == j:
                return Cell("diagonal", text, dom_id)
            if i < j:
                return Cell("input", text, dom_id, self[matrix.field(i, j)])
            return Cell("reciprocal", text, dom_id)

        complete = all(value is not None for row in values for value in row)
        return MatrixResult(
            matrix=matrix,
            cells=[[cell(i, j) for j in range(n)] for i in range(n)],
            ahp=ahp_weights([[float(v or 0) for v in row] for row in values]) if complete else None,
            errors=errors,
        )

    def config_cleaned(self) -> dict[str, Any]:
        """The configuration with the typed judgements and cut-offs (after is_valid())."""
        config = copy.deepcopy(self.config)
        for result in self.results():
            rows = result.as_rows()
            if result.matrix.key == TOP:
                config["comparisons"] = rows
            else:
                config["criteria"][result.matrix.key]["comparisons"] = rows
        config["normalisation"] = self.cleaned_data["normalisation"]
        config["grades"] = {
            **{name: float(self.cleaned_data[f"grade-{name}"]) for name in self.grade_names},
            self.lowest_grade: 0,
        }
        return config


class ChurnActionForm(RecordForm):
    """An action to keep a customer at risk: who does what by when, and whether it is done."""

    customer = CustomerChoiceField(label=gettext_lazy("customer"))
    done = forms.BooleanField(label=gettext_lazy("done"), required=False)
    layout = (
        (
            (
                gettext_lazy("Action"),
                (
                    ("customer", "col-12"),
                    ("description", "col-12"),
                    ("assignee", "col-md-6"),
                    ("due_date", "col-md-6"),
                    ("done", "col-12"),
                ),
            ),
        ),
    )

    class Meta:
        model = ChurnAction
        fields = ["customer", *CHURN_ACTION_FIELDS]
        widgets = {"due_date": DATE}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        people(self.fields["assignee"], user)
        customer: Any = self.fields["customer"]
        customer.queryset = customer_selectors.customer_queryset(user=user).order_by("name")
        if self.instance.pk:
            customer.disabled = True
            self.initial["done"] = self.instance.is_done
        else:
            self.initial.setdefault("assignee", user.pk)
