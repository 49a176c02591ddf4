"""Words the demo company is made of: names, industries, titles, channels and what they cost."""

from dataclasses import dataclass

from accord.crm.models import Seniority
from accord.touchpoints.models import Campaign, Channel, Touchpoint

FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony "
    "Sandra Mark Ashley Paul Emily Steven Donna Andrew Michelle Joshua Carol Kevin Amanda Brian "
    "Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Laura Ryan Sharon Jacob Cynthia "
    "Gary Kathleen Nicholas Amy Eric Angela Jonathan Shirley Stephen Anna Larry Brenda Justin "
    "Pamela "
    "Oliver Emma Noah Olivia Liam Sophia Lucas Amelia Mateo Isla Hugo Chloe Louis Lea Felix Hannah "
    "Lukas Mia Leon Clara Luca Giulia Marco Sofia Pablo Lucia Javier Carmen Sven Ingrid Lars Freya "
    "Hiroshi Yuki Kenji Sakura Wei Mei Arjun Ananya Rohan Priya Aditya Kavya Omar Layla Tariq "
    "Amira "
    "Kwame Ama Chinedu Ngozi Diego Valentina Mateus Beatriz Jakub Zofia Piotr Anja Tomas Eva"
).split()

LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Evans Turner "
    "Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Bell Kelly Howard Ward Cox Richardson "
    "Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker Hoffmann Dubois Moreau Laurent "
    "Lefebvre Rossi Russo Ferrari Esposito Bianchi Romano Fernandez Ruiz Navarro Jansen DeVries "
    "Bakker Visser Andersson Johansson Nilsson Larsen Hansen Nowak Kowalski Novak Horvat Sato "
    "Suzuki Takahashi Watanabe Kim Park Choi Wang Li Zhang Liu Chen Singh Sharma Patel Gupta Khan "
    "Ahmed Hassan Okafor Mensah Adeyemi Silva Santos Oliveira Costa Pereira OBrien Murray Walsh"
).split()

COMPANY_WORDS = (
    "North South East West Blue Red Green Silver Golden Summit Harbor River Lake Stone Iron Oak "
    "Pine Cedar Maple Bright Clear Swift Prime Apex Vertex Nova Stellar Lunar Solar Polar Atlas "
    "Orion Vega Lyra Aurora Beacon Bridge Crest Delta Echo Falcon Granite Horizon Insight Keystone "
    "Lantern Meridian Nimbus Pioneer Quantum Radiant Sierra Terra Union Vista Willow Zenith Alder "
    "Birch Coral Dune Ember Fjord Glacier Hollow Jade Kestrel Linden Mosaic Nexus Onyx Pinnacle"
).split()

COMPANY_INFIXES = ["", "", "", "wind", "field", "gate", "bay", "point", "line", "ridge", "brook"]

INDUSTRIES = {
    # industry: (share of accounts, name endings)
    "Software": (0.22, ["Software", "Labs", "Systems", "Technologies", "Cloud"]),
    "Financial Services": (0.12, ["Capital", "Financial", "Bank", "Partners", "Advisors"]),
    "Healthcare": (0.10, ["Health", "Medical", "Care", "Clinics", "Biotech"]),
    "Manufacturing": (0.12, ["Industries", "Manufacturing", "Works", "Components", "Machining"]),
    "Retail": (0.09, ["Retail", "Stores", "Brands", "Goods", "Outfitters"]),
    "Logistics": (0.07, ["Logistics", "Freight", "Shipping", "Transport", "Supply"]),
    "Professional Services": (0.10, ["Consulting", "Group", "Associates", "Advisory", "Partners"]),
    "Education": (0.05, ["Learning", "Academy", "Education", "Institute", "Schools"]),
    "Media": (0.06, ["Media", "Studios", "Publishing", "Digital", "Networks"]),
    "Energy": (0.04, ["Energy", "Power", "Renewables", "Utilities", "Resources"]),
    "Telecommunications": (0.03, ["Telecom", "Networks", "Communications", "Connect", "Mobile"]),
}

TLDS = ["com", "com", "com", "io", "co", "net"]
REGIONAL_TLDS = {"EMEA": ["co.uk", "de", "fr", "eu", "com"], "APAC": ["com.au", "sg", "jp", "com"]}

REGIONS = {
    "North America East": 0.30,
    "North America West": 0.20,
    "EMEA": 0.35,
    "APAC": 0.15,
}

DEPARTMENTS = [
    "Marketing",
    "Sales",
    "Operations",
    "Finance",
    "IT",
    "Engineering",
    "Revenue Operations",
    "Customer Success",
    "Product",
    "Human Resources",
]

SENIORITY_SHARES = {
    Seniority.ENTRY: 0.28,
    Seniority.MANAGER: 0.34,
    Seniority.DIRECTOR: 0.19,
    Seniority.VP: 0.11,
    Seniority.EXECUTIVE: 0.05,
    Seniority.UNKNOWN: 0.03,
}

# A title for each seniority; "{d}" is the department.
TITLE_FORMS = {
    Seniority.ENTRY: ["{d} Specialist", "{d} Analyst", "{d} Coordinator", "{d} Associate"],
    Seniority.MANAGER: ["{d} Manager", "Senior {d} Manager", "{d} Team Lead", "{d} Manager"],
    Seniority.DIRECTOR: ["Director of {d}", "{d} Director", "Senior Director, {d}", "Head of {d}"],
    Seniority.VP: ["VP of {d}", "VP, {d}", "Senior VP of {d}", "Vice President, {d}"],
    Seniority.EXECUTIVE: [
        "Chief Executive Officer",
        "Chief Operating Officer",
        "Chief Financial Officer",
        "Chief Marketing Officer",
    ],
    Seniority.UNKNOWN: ["{d}", "{d} Consultant", "Contractor", "{d} Intern"],
}

DECISION_MAKER_SHARE = {
    Seniority.ENTRY: 0.01,
    Seniority.MANAGER: 0.08,
    Seniority.DIRECTOR: 0.35,
    Seniority.VP: 0.75,
    Seniority.EXECUTIVE: 0.9,
    Seniority.UNKNOWN: 0.0,
}

# How much a person's seniority moves their chance to go down the funnel (log-odds).
SENIORITY_LIFT = {
    Seniority.ENTRY: -0.5,
    Seniority.MANAGER: 0.0,
    Seniority.DIRECTOR: 0.25,
    Seniority.VP: 0.35,
    Seniority.EXECUTIVE: 0.3,
    Seniority.UNKNOWN: -0.3,
}


@dataclass(frozen=True)
class ChannelProfile:
    channel: Channel
    share: float  # of all touches
    lift: float  # log-odds added to a person's chance to convert when the channel touched them
    touch_kind: str
    referrers: tuple[str, ...] = ("",)


# The true signal the demo hides for attribution to find: events and paid search convert,
# display barely does.
CHANNELS = [
    ChannelProfile(Channel.PAID_SEARCH, 0.15, 1.1, Touchpoint.Kind.AD_CLICK),
    ChannelProfile(Channel.PAID_SOCIAL, 0.12, 0.25, Touchpoint.Kind.AD_CLICK),
    ChannelProfile(Channel.DISPLAY, 0.15, 0.02, Touchpoint.Kind.AD_CLICK),
    ChannelProfile(Channel.EMAIL, 0.16, 0.45, Touchpoint.Kind.EMAIL_CLICK),
    ChannelProfile(
        Channel.ORGANIC_SEARCH,
        0.13,
        0.5,
        Touchpoint.Kind.PAGE_VIEW,
        ("https://www.google.com/", "https://www.google.com/", "https://www.bing.com/"),
    ),
    ChannelProfile(
        Channel.ORGANIC_SOCIAL,
        0.06,
        0.1,
        Touchpoint.Kind.PAGE_VIEW,
        ("https://www.linkedin.com/", "https://t.co/"),
    ),
    ChannelProfile(
        Channel.REFERRAL,
        0.05,
        0.7,
        Touchpoint.Kind.PAGE_VIEW,
        (
            "https://www.g2.com/products/demo-accord/reviews",
            "https://www.capterra.com/p/demo-accord/",
        ),
    ),
    ChannelProfile(Channel.EVENTS, 0.05, 1.5, Touchpoint.Kind.EVENT),
    ChannelProfile(Channel.DIRECT, 0.09, 0.3, Touchpoint.Kind.PAGE_VIEW),
    ChannelProfile(Channel.AFFILIATES, 0.04, 0.2, Touchpoint.Kind.AD_CLICK),
]

# Channels no campaign pays for: GA4 names them by source/medium alone.
UNPAID_UTM = {
    Channel.ORGANIC_SEARCH: (("google", "organic"), ("google", "organic"), ("bing", "organic")),
    Channel.DIRECT: (("(direct)", "(none)"),),
}


@dataclass(frozen=True)
class Stream:
    """A line of monthly campaigns in one channel, with the UTM tags its links carry."""

    channel: str
    name: str
    utm_source: str
    utm_medium: str
    kind: str
    monthly_cost: tuple[float, float]  # USD, for a company of the "small" size


ADS, SOCIAL, PARTNER = "advertising", "social", "partner"

STREAMS = [
    Stream(Channel.PAID_SEARCH, "Google Ads Brand", "google", "cpc", ADS, (900, 1600)),
    Stream(Channel.PAID_SEARCH, "Google Ads Category", "google", "cpc", ADS, (2500, 5500)),
    Stream(Channel.PAID_SEARCH, "Microsoft Ads", "bing", "cpc", ADS, (400, 900)),
    Stream(
        Channel.PAID_SOCIAL, "LinkedIn Ads ABM", "linkedin", "paid_social", SOCIAL, (2000, 4500)
    ),
    Stream(Channel.PAID_SOCIAL, "Meta Retargeting", "facebook", "paid_social", SOCIAL, (600, 1400)),
    Stream(Channel.DISPLAY, "Programmatic Display", "dv360", "display", ADS, (1800, 3500)),
    Stream(Channel.DISPLAY, "Google Display Network", "google", "cpm", ADS, (700, 1500)),
    Stream(Channel.EMAIL, "Monthly Newsletter", "newsletter", "email", "email", (150, 300)),
    Stream(Channel.EMAIL, "Nurture Sequence", "hubspot", "email", "email", (200, 450)),
    Stream(
        Channel.ORGANIC_SOCIAL, "LinkedIn Company Page", "linkedin", "social", SOCIAL, (100, 250)
    ),
    Stream(Channel.REFERRAL, "G2 Listing", "g2.com", "referral", PARTNER, (400, 700)),
    Stream(Channel.REFERRAL, "Capterra Listing", "capterra.com", "referral", PARTNER, (250, 500)),
    Stream(Channel.EVENTS, "Webinar", "webinar", "event", "webinar", (300, 800)),
    Stream(Channel.EVENTS, "Field Roadshow", "roadshow", "event", "event", (2500, 7000)),
    Stream(
        Channel.AFFILIATES, "Partner Programme", "partnerstack", "affiliate", PARTNER, (300, 900)
    ),
]

assert all(s.kind in Campaign.Kind.values for s in STREAMS)

SEARCH_TERMS = [
    "sales marketing alignment",
    "lead scoring software",
    "marketing attribution tool",
    "b2b attribution",
    "lead handoff sla",
    "demo accord",
    "accord pricing",
    "revenue operations platform",
]

PAGES = [
    "https://www.demo.accord/",
    "https://www.demo.accord/pricing",
    "https://www.demo.accord/product/attribution",
    "https://www.demo.accord/product/handoff",
    "https://www.demo.accord/blog/the-lead-definition-both-teams-sign",
    "https://www.demo.accord/blog/why-marketing-and-sales-disagree-on-leads",
    "https://www.demo.accord/customers",
    "https://www.demo.accord/guides/closed-loop-reporting",
]
FORM_PAGE = "https://www.demo.accord/demo-request"

LOST_REASONS = [
    "Price",
    "Chose a competitor",
    "No decision / status quo",
    "Timing: budget moved to next year",
    "Missing feature",
    "Went dark",
]

DISQUALIFY_REASONS = [
    "Not a fit: company too small",
    "No budget",
    "Student or job seeker",
    "Competitor",
    "Already a customer of a partner",
]

OPPORTUNITY_PRODUCTS = ["Growth plan", "Enterprise plan", "Analytics add-on", "Team plan"]
