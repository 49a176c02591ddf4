"""The buying process a company starts from: Marketing builds awareness, consideration and
preference (upstream looks far ahead, downstream works next to sales), Sales turns intent into a
purchase, a loyal customer and an advocate."""

from accord.crm.models import LifecycleStage as Life
from accord.planning.models import BuyingStage, BuyingStep, Metric, OwnerTeam

DEFAULT_PROCESS = {
    BuyingStep.AWARENESS: (
        OwnerTeam.UPSTREAM,
        [
            "Positioning on the competitive advantages both teams agreed",
            "Articles, guides and search that answer the market's questions",
            "Trade shows and press",
        ],
        Metric.NEW_PEOPLE,
        [Life.SUBSCRIBER, Life.LEAD],
    ),
    BuyingStep.CONSIDERATION: (
        OwnerTeam.DOWNSTREAM,
        [
            "Webinars and e-books on the problem the buyer has",
            "Nurture e-mails until the lead meets the lead definition",
            "Paid search and social aimed at the ideal customer profile",
        ],
        Metric.MQLS,
        [Life.MQL],
    ),
    BuyingStep.PREFERENCE: (
        OwnerTeam.DOWNSTREAM,
        [
            "Case studies and comparison sheets that reps send",
            "Demos booked straight from campaigns",
            "Qualified leads handed to a rep within the SLA",
        ],
        Metric.FIRST_TOUCH_IN_SLA,
        [Life.SAL, Life.SQL],
    ),
    BuyingStep.PURCHASE: (
        OwnerTeam.SALES,
        [
            "Needs discovery with the decision makers",
            "Proposals and offers agreed with marketing",
            "Negotiation and close",
        ],
        Metric.WON_REVENUE,
        [Life.OPPORTUNITY],
    ),
    BuyingStep.LOYALTY: (
        OwnerTeam.SALES,
        [
            "Onboarding and regular account reviews",
            "Upsell campaigns planned with marketing",
            "What customers say passed back to marketing",
        ],
        Metric.CUSTOMERS,
        [Life.CUSTOMER],
    ),
    BuyingStep.ADVOCACY: (
        OwnerTeam.SALES,
        [
            "Reference calls and case studies",
            "A referral programme",
            "Reviews and a customer community",
        ],
        Metric.EVANGELISTS,
        [Life.EVANGELIST],
    ),
}


def default_stage(step: str) -> BuyingStage:
    """The default plan of one stage, unsaved."""
    owner, tactics, metric, lifecycle = DEFAULT_PROCESS[BuyingStep(step)]
    return BuyingStage(
        step=step,
        owner=owner,
        tactics="\n".join(tactics),
        metric=metric,
        lifecycle_stages=[str(stage) for stage in lifecycle],
    )
