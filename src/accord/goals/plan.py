"""The reward plan as a validated document: how a shared revenue goal turns into pay.

No Django here. A plan is refused with one (field, reason) per fault, e.g. a split between the
teams that does not sum to 100% or a negative rate.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from accord.attribution_names import AttributionModel


class PlanError(ValueError):
    """A plan that does not add up; `problems` holds one (field, reason) per fault."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in problems))


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Split(_Part):
    """Percent of the team pool for each team; the two must sum to 100."""

    sales: Decimal = Field(ge=0, le=100)
    marketing: Decimal = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _sums_to_100(self):
        if self.sales + self.marketing != 100:
            total = self.sales + self.marketing
            raise ValueError(f"the split between sales and marketing sums to {total}%, not 100%")
        return self


class Accelerator(_Part):
    """Above `above` (a share of the goal, 1 = 100%) the pool grows at rate × `multiplier`."""

    above: Decimal = Field(ge=0, le=10)
    multiplier: Decimal = Field(ge=1, le=10)


class Recognition(_Part):
    """`share` percent of the pool goes to the people whose campaign ideas earned won revenue,
    in proportion to the revenue the attribution `model` credits to those campaigns."""

    share: Decimal = Field(ge=0, le=100)
    model: str = AttributionModel.LINEAR

    @model_validator(mode="after")
    def _known_model(self):
        # Imported here: the attribution engine loads SciPy (about 0.3 s), which every process
        # would otherwise pay at start-up, as the goals' models read plans.
        from accord.attribution import PATH_MODELS

        if self.model not in PATH_MODELS:
            raise ValueError(f"unknown attribution model {self.model!r}")
        return self


class RewardPlan(_Part):
    """Revenue above `threshold` (a share of the goal) feeds a pool at `rate` (a fraction of that
    revenue), faster above each accelerator; the pool is split between the teams, then equally
    among each team's members."""

    rate: Decimal = Field(gt=0, le=1)
    threshold: Decimal = Field(ge=0)
    split: Split
    accelerators: list[Accelerator] = Field(default_factory=list, max_length=5)
    recognition: Recognition = Field(default_factory=lambda: Recognition(share=Decimal(0)))
    member_split: Literal["equal"] = "equal"

    @field_validator("threshold")
    @classmethod
    def _not_above_target(cls, value: Decimal) -> Decimal:
        if value > 1:
            raise ValueError(
                "the threshold is a share of the goal and cannot lie above the target (1)"
            )
        return value

    @field_validator("accelerators")
    @classmethod
    def _accelerators_climb(cls, value: list[Accelerator], info: ValidationInfo):
        previous = info.data.get("threshold", Decimal(0))
        for accelerator in value:
            if accelerator.above <= previous:
                raise ValueError(
                    "each accelerator must start above the threshold and above the one before it"
                )
            previous = accelerator.above
        return value


def _field(loc: tuple) -> str:
    return ".".join(str(part) for part in loc) or "plan"


def check_plan(data) -> RewardPlan:
    """Validate raw data (a dict or JSON text) into a plan, or raise PlanError."""
    if isinstance(data, RewardPlan):
        return data
    try:
        if isinstance(data, str | bytes):
            return RewardPlan.model_validate_json(data)
        return RewardPlan.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            reason = error["msg"].removeprefix("Value error, ")
            problems.append((_field(error["loc"]), reason))
        raise PlanError(problems) from None


def _percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}%"


def describe_plan(plan: RewardPlan) -> list[str]:
    """The plan's terms in plain words, one sentence each."""
    terms = [
        f"{_percent(plan.rate)} of the won revenue above {_percent(plan.threshold)} of the goal "
        "goes into the pool."
    ]
    for accelerator in plan.accelerators:
        terms.append(
            f"Above {_percent(accelerator.above)} of the goal the rate is "
            f"×{accelerator.multiplier.normalize():f}."
        )
    if plan.recognition.share:
        terms.append(
            f"{plan.recognition.share.normalize():f}% of the pool recognises the people whose "
            f"campaign ideas earned won revenue ({plan.recognition.model.replace('_', ' ')} "
            "attribution), in proportion to that revenue."
        )
    terms.append(
        f"The rest is split {plan.split.sales.normalize():f}% to Sales and "
        f"{plan.split.marketing.normalize():f}% to Marketing, then equally among each team's "
        "active members, heads included."
    )
    return terms
