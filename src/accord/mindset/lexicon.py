"""The competitive advantages companies most often name, each with the words people use
for it. Synonyms are written naturally; `grouping.tokens` normalises them exactly as
it does answers. A word that belongs to two ideas is listed only inside the phrases
that settle it ("user experience" is ease of use, "years of experience" is expertise)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Concept:
    key: str
    label: str
    synonyms: tuple[str, ...]


def _concept(key: str, label: str, synonyms: str) -> Concept:
    return Concept(key, label, tuple(" ".join(s.split()) for s in synonyms.split(";") if s.strip()))


CONCEPTS = (
    _concept(
        "price",
        "Price and value",
        """price; prices; pricing; priced; cheap; cheaper; cheapest; low price; low cost; lowest
        cost; affordable; affordability; inexpensive; value for money; value; bang for the
        buck; cost; costs; cost effective; economical; budget; bargain; discount; discounts;
        savings; save money; saves money; budget friendly; total cost of ownership; tco; fair
        price; competitive pricing; roi; return on investment; no hidden fees; transparent
        pricing; free shipping; free delivery; less expensive; lower prices""",
    ),
    _concept(
        "quality",
        "Quality",
        """quality; high quality; well made; well built; premium; craftsmanship; finest;
        excellence; durable; durability; long lasting; built to last; top notch; high end;
        precision; attention to detail; first class product; zero defects; materials""",
    ),
    _concept(
        "service",
        "Service and support",
        """service; customer service; support; customer support; helpful; help; helpdesk; help
        desk; customer care; after sales; aftersales; account manager; account management;
        customer success; onboarding; round the clock; responsive; friendly; personal touch;
        personal service; care; care about; listen; listening; relationship; relationships;
        partnership; partner; hands on; white glove; we pick up the phone; answer the phone""",
    ),
    _concept(
        "speed",
        "Speed and delivery",
        """fast; faster; fastest; speed; quick; quicker; quickest; quickly; rapid; delivery;
        deliver; delivers; delivered; shipping; ship; shipped; on time; turnaround; lead time;
        lead times; next day; same day; prompt; promptly; time to market; time to value; short
        wait; no waiting; agile; agility; in stock; availability; express; swift""",
    ),
    _concept(
        "innovation",
        "Innovation and technology",
        """innovation; innovative; innovate; technology; tech; cutting edge; leading edge; state
        of the art; modern; latest; new features; first to market; pioneer; pioneering;
        patent; patents; r and d; research and development; research; artificial intelligence;
        ai; machine learning; automation; smart; advanced; next generation; future proof;
        roadmap; breakthrough; inventive""",
    ),
    _concept(
        "ease",
        "Ease of use",
        """easy; easier; easiest; ease; ease of use; easy to use; simple; simpler; simplicity;
        simplest; user friendly; intuitive; straightforward; no training; usability; user
        experience; ux; hassle free; effortless; convenient; convenience; plug and play;
        painless; self explanatory; clean interface; one click; no learning curve""",
    ),
    _concept(
        "reliability",
        "Reliability",
        """reliable; reliability; reliably; dependable; dependability; uptime; stable; stability;
        robust; consistent; consistency; never fails; never breaks; no downtime; rock solid;
        trustworthy; keep promises; keep our promises; resilient; predictable; no outages;
        proven""",
    ),
    _concept(
        "expertise",
        "Expertise",
        """expertise; expert; experts; experience; experienced; years of experience; know how;
        knowhow; knowledge; knowledgeable; specialist; specialists; specialised; specialized;
        industry knowledge; domain knowledge; competence; competent; skilled; skills;
        consultants; consulting; advice; advisers; advisors; understand your business;
        understand the industry; decades; seasoned; professionals; talent; people""",
    ),
    _concept(
        "range",
        "Range and choice",
        """range; wide range; selection; choice; choices; variety; portfolio; catalog;
        assortment; one stop shop; under one roof; full suite; everything you need; end to
        end; complete solution; product line; product lines; all in one; breadth; many
        options; options; lineup""",
    ),
    _concept(
        "brand",
        "Brand and reputation",
        """brand; brand name; reputation; reputable; trusted name; well known; known; market
        leader; leader; leading; established; heritage; history; award; awards; award winning;
        references; referenceable; track record; recognised; recognized; famous; household
        name; credibility; credible; trusted; trust; prestige; image; number one; biggest;
        largest; bigger; larger""",
    ),
    _concept(
        "custom",
        "Customisation and flexibility",
        """custom; customised; customized; customisable; customizable; customisation;
        customization; tailored; tailor made; bespoke; flexible; flexibility; configurable;
        personalised; personalized; adaptable; adapt; made to measure; made to order; fits
        your needs; your needs; individual; modular; build to spec""",
    ),
    _concept(
        "security",
        "Security and compliance",
        """security; secure; safe; safer; safest; safety; compliance; compliant; data protection;
        privacy; private; gdpr; hipaa; soc 2; iso 27001; encryption; encrypted; certified;
        certification; audit; regulated; protect your data; data stays""",
    ),
    _concept(
        "integration",
        "Integration",
        """integration; integrations; integrates; integrate; api; apis; connectors; connects;
        open platform; interoperability; compatible; compatibility; works with everything;
        works with your tools; plugs into""",
    ),
    _concept(
        "sustainability",
        "Sustainability",
        """sustainability; sustainable; green; eco friendly; environmentally friendly;
        environment; carbon neutral; net zero; recycled; recyclable; ethical; responsible;
        renewable; low emissions; organic""",
    ),
)
