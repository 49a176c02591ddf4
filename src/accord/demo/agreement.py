"""The lead definition the demo's two heads sign.

The default agreement names target industries and core regions as a company might write them;
the demo company's accounts spell theirs their own way ("Financial Services", "North America
East"). Its rules are rewritten here in the demo's words, so the lead definition in force scores
the demo's people on the industries and regions it names, as it would a real company's.
"""

from accord.agreement.defaults import default_document
from accord.scoring import AgreementDocument

TARGET_INDUSTRIES = ["Software", "Financial Services", "Manufacturing"]
CORE_REGIONS = ["EMEA", "North America East", "North America West"]
# The demo's values for each field a fit rule of the default agreement lists values of.
DEMO_VALUES = {"industry": TARGET_INDUSTRIES, "region": CORE_REGIONS}


def demo_lead_definition() -> AgreementDocument:
    """The default agreement, its industry and region rules naming the demo's own values."""
    document = default_document()
    rules = [
        rule.model_copy(update={"any_of": DEMO_VALUES[rule.field]})
        if rule.field in DEMO_VALUES and rule.any_of
        else rule
        for rule in document.fit_rules
    ]
    return document.model_copy(update={"fit_rules": rules})
