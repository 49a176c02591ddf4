r"""Channel classification without Django: GA4's default channel groups as ordered plain rules.

A touch is reduced to a traffic source (source, medium, campaign) the way GA4 does it: UTM tags
when the link carried any, else the referrer's host (medium "organic" for search engines,
"referral" otherwise), else "(direct)" / "(none)". Rules are then tried in order; the first rule
whose patterns all match names the channel, and a touch no rule matches is unassigned.

Every pattern is a case-insensitive regular expression matched against the whole value. The
same rules run row by row (Python's `re`) and on columns (Polars, i.e. Rust's `regex`), so a
pattern is accepted only when both engines read it the same way: constructs one of them lacks or
reads differently (look-around, back-references, \w \d \s \b, verbose mode, ...) are refused
with the reason, and the Turkish İ and ı, which only Python's case folding equates with i, are
read as i in touches and refused in patterns.
"""

import operator
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce

import polars as pl

UNASSIGNED = "unassigned"
INPUTS = ("utm_source", "utm_medium", "utm_campaign", "referrer")
DIRECT_SOURCE, DIRECT_MEDIUM = "(direct)", "(none)"
BLANKS = " \t\r\n"

# Scheme and "//" (both optional), user info, "www.", then the host up to port, path or query.
REFERRER_HOST = r"(?i)^(?:(?:[a-z][a-z0-9+.\-]*:)?//)?(?:[^/?#@]*@)?(?:www\.)?([^/?#:@]*)"


def _sites(brands: Iterable[str], hosts: Iterable[str] = ()) -> str:
    """A source pattern for a group of sites: each brand as a bare name ("google") or a host
    with at most one subdomain and a TLD of up to two parts ("news.google.co.uk"), plus the
    literal hosts and names that do not follow that shape."""
    named = rf"([a-z0-9-]+\.)?({'|'.join(brands)})(\.[a-z]{{2,3}}){{0,2}}"
    return "|".join([named, *hosts])


SEARCH_SITES = _sites(
    [
        "google", "bing", "yahoo", "duckduckgo", "baidu", "yandex", "ecosia", "ask", "aol",
        "naver", "seznam", "qwant", "startpage", "sogou", "daum", "msn", "onet", "lycos",
    ],
    [r"search\.brave\.com", r"so\.com", r"360\.cn"],
)  # fmt: skip
SOCIAL_SITES = _sites(
    [
        "facebook", "instagram", "linkedin", "twitter", "pinterest", "tiktok", "reddit",
        "snapchat", "tumblr", "quora", "vk", "weibo", "whatsapp", "discord", "threads", "xing",
        "meetup", "mastodon", "medium",
    ],
    [r"fb", r"ig", r"x", r"t\.co", r"x\.com", r"lnkd\.in", r"fb\.me", r"bsky\.app"],
)  # fmt: skip
VIDEO_SITES = _sites(
    ["youtube", "vimeo", "twitch", "dailymotion", "wistia", "vidyard", "netflix", "youku"],
    [r"youtu\.be"],
)
SHOPPING_SITES = _sites(
    [
        "amazon", "ebay", "etsy", "shopify", "walmart", "alibaba", "aliexpress", "mercadolibre",
        "rakuten", "zalando", "wayfair", "bestbuy",
    ],
    [r"shopping\.google\.com", r"target\.com", r"igshopping"],
)  # fmt: skip
PAID_MEDIUM = r"(.*cp.*|ppc|retargeting|paid.*)"
SHOP_CAMPAIGN = r"(.*(([^a-df-z]|^)shop|shopping).*)"


@dataclass(frozen=True)
class Rule:
    """One step of the ordered classification. Non-empty patterns must all match;
    `source_or_medium` matches when either the source or the medium matches it."""

    channel: str
    source: str = ""
    medium: str = ""
    campaign: str = ""
    source_or_medium: str = ""
    note: str = ""

    def patterns(self) -> dict[str, str]:
        fields = ("source", "medium", "campaign", "source_or_medium")
        return {f: getattr(self, f) for f in fields if getattr(self, f)}


def _ga4(channel, note, **patterns) -> Rule:
    return Rule(channel=channel, note=f"GA4 default: {note}", **patterns)


# GA4's default channel group, in GA4's order. Where GA4 joins two conditions with "or", the
# alternatives are consecutive rules for the same channel.
DEFAULT_RULES: tuple[Rule, ...] = (
    _ga4("direct", "Direct", source=r"\(direct\)", medium=r"(\(none\)|\(not set\))?"),
    _ga4("cross_network", "Cross-network (campaign)", campaign=r".*cross-network.*"),
    _ga4("paid_shopping", "Paid Shopping (site)", source=SHOPPING_SITES, medium=PAID_MEDIUM),
    _ga4("paid_shopping", "Paid Shopping (campaign)", campaign=SHOP_CAMPAIGN, medium=PAID_MEDIUM),
    _ga4("paid_search", "Paid Search", source=SEARCH_SITES, medium=PAID_MEDIUM),
    _ga4("paid_social", "Paid Social", source=SOCIAL_SITES, medium=PAID_MEDIUM),
    _ga4("paid_video", "Paid Video", source=VIDEO_SITES, medium=PAID_MEDIUM),
    _ga4("display", "Display", medium=r"display|banner|expandable|interstitial|cpm"),
    _ga4("paid_other", "Paid Other", medium=PAID_MEDIUM),
    _ga4("organic_shopping", "Organic Shopping (site)", source=SHOPPING_SITES),
    _ga4("organic_shopping", "Organic Shopping (campaign)", campaign=SHOP_CAMPAIGN),
    _ga4("organic_social", "Organic Social (social site)", source=SOCIAL_SITES),
    _ga4(
        "organic_social",
        "Organic Social (medium)",
        medium=r"social|social-network|social-media|sm|social network|social media",
    ),
    _ga4("organic_video", "Organic Video (video site)", source=VIDEO_SITES),
    _ga4("organic_video", "Organic Video (medium)", medium=r".*video.*"),
    _ga4("organic_search", "Organic Search (search site)", source=SEARCH_SITES),
    _ga4("organic_search", "Organic Search (medium)", medium=r"organic"),
    _ga4("referral", "Referral", medium=r"referral|app|link"),
    _ga4("email", "Email", source_or_medium=r"email|e-mail|e_mail|e mail"),
    _ga4("affiliates", "Affiliates", medium=r"affiliate"),
    _ga4("audio", "Audio", medium=r"audio"),
    _ga4("sms", "SMS", source_or_medium=r"sms"),
    _ga4("mobile_push", "Mobile Push (medium)", medium=r".*push|.*(mobile|notification).*"),
    _ga4("mobile_push", "Mobile Push (Firebase)", source=r"firebase"),
)  # fmt: skip


def _anchored(pattern: str) -> str:
    """The Rust-regex form of a whole-value, case-insensitive match."""
    return rf"(?i)\A(?:{pattern})\z"


def check_pattern(pattern: str) -> None:
    """Raise ValueError, in words an admin can act on, if a pattern cannot be used."""
    try:
        with warnings.catch_warnings():  # parse, not compile: compiled patterns are cached
            warnings.simplefilter("error", FutureWarning)
            tree = re._parser.parse(pattern, re.IGNORECASE)
        re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"Not a valid regular expression: {exc}.") from None
    except FutureWarning as exc:
        raise ValueError(
            f"Ambiguous regular expression: {exc}; escape the [ or the operator."
        ) from None
    problem = _read_differently(pattern, tree)
    if problem:
        raise ValueError(problem)
    try:
        pl.select(pl.lit("").str.contains(_anchored(pattern)))
    except pl.exceptions.PolarsError as exc:
        lines = [
            ln.removeprefix("error: ") for ln in str(exc).splitlines() if ln.startswith("error:")
        ]
        reason = lines[0] if lines else str(exc)
        raise ValueError(
            f"This regular expression cannot run on bulk imports ({reason})."
        ) from None


TURKISH_I = (0x130, 0x131)  # İ and ı: Python's case-insensitive matching reads them as i
_FLAG_X = re.compile(r"\(\?[a-zA-Z-]*x[a-zA-Z-]*[:)]")
_WORD_EDGE = re.compile(r"(?<!\\)(?:\\\\)*\\[<>]")


def _read_differently(pattern: str, tree) -> str | None:
    """Why Python's `re` and Rust's `regex` would decide a pattern differently, if they would."""
    if _FLAG_X.search(pattern):
        return "Verbose mode (?x) is not supported; write the pattern without spaces."
    if _WORD_EDGE.search(pattern):
        return r"\< and \> are not supported; write the characters around the word instead."
    return next(filter(None, map(_node_read_differently, _nodes(tree))), None)


def _nodes(tree):
    """Every (opcode, argument) node of a parsed pattern, set members included."""
    for node in tree:
        yield node
        for part in node[1] if isinstance(node[1], tuple | list) else (node[1],):
            for item in part if isinstance(part, list) else (part,):
                if isinstance(item, re._parser.SubPattern):
                    yield from _nodes(item)
                elif isinstance(item, tuple) and len(item) == 2 and hasattr(item[0], "name"):
                    yield from _nodes([item])


def _node_read_differently(node) -> str | None:
    op, arg = node[0].name, node[1]
    if op in ("POSSESSIVE_REPEAT", "ATOMIC_GROUP"):
        return "Possessive quantifiers (*+, ++, ?+) and atomic groups (?>...) are not supported."
    if op == "CATEGORY" or (op == "AT" and "BOUNDARY" in arg.name):
        return (
            r"\w, \d, \s and \b are not supported (bulk imports read them differently); "
            "write the characters out, e.g. [a-z0-9_]."
        )
    if (op in ("LITERAL", "NOT_LITERAL") and arg in TURKISH_I) or (
        op == "RANGE" and arg[0] <= TURKISH_I[1] and arg[1] >= TURKISH_I[0]
    ):
        return "Write i instead of İ or ı: case is ignored, and touches' İ and ı are read as i."
    return None


def _strip(value: str | None) -> str:
    return (value or "").strip(BLANKS).translate(_AS_I)


_AS_I = dict.fromkeys(TURKISH_I, "i")


_HOST = re.compile(REFERRER_HOST)
_SEARCH = re.compile(SEARCH_SITES, re.IGNORECASE)


def traffic_source(
    utm_source: str | None, utm_medium: str | None, utm_campaign: str | None, referrer: str | None
) -> tuple[str, str, str]:
    """(source, medium, campaign) of one touch, as GA4 derives them."""
    source, medium, campaign = _strip(utm_source), _strip(utm_medium), _strip(utm_campaign)
    if source or medium:
        return source, medium, campaign
    host = _HOST.match(_strip(referrer)).group(1)
    if not host:
        return DIRECT_SOURCE, DIRECT_MEDIUM, campaign
    return host, "organic" if _SEARCH.fullmatch(host) else "referral", campaign


def _traffic_source_columns() -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """The column form of `traffic_source`, over utm_source, utm_medium, utm_campaign, referrer."""

    def stripped(name):
        value = pl.col(name).cast(pl.String).fill_null("").str.strip_chars(BLANKS)
        return value.str.replace_many([chr(c) for c in TURKISH_I], ["i"] * len(TURKISH_I))

    source, medium, campaign = (stripped(c) for c in ("utm_source", "utm_medium", "utm_campaign"))
    host = stripped("referrer").str.extract(REFERRER_HOST, 1).fill_null("")
    tagged = (source != "") | (medium != "")
    referred = host != ""
    host_medium = (
        pl.when(host.str.contains(_anchored(SEARCH_SITES)))
        .then(pl.lit("organic"))
        .otherwise(pl.lit("referral"))
    )
    return (
        pl.when(tagged).then(source).when(referred).then(host).otherwise(pl.lit(DIRECT_SOURCE)),
        pl.when(tagged)
        .then(medium)
        .when(referred)
        .then(host_medium)
        .otherwise(pl.lit(DIRECT_MEDIUM)),
        campaign,
    )


class Classifier:
    """Ordered rules compiled once, for single touches and for whole columns of them."""

    def __init__(self, rules: Iterable[Rule]):
        self.rules = tuple(rules)
        for rule in self.rules:
            for pattern in rule.patterns().values():
                check_pattern(pattern)
        self._compiled = [
            (rule.channel, [(f, re.compile(p, re.IGNORECASE)) for f, p in rule.patterns().items()])
            for rule in self.rules
        ]

    def first_match(self, source: str, medium: str, campaign: str) -> int | None:
        """The index of the rule that names the channel, or None when no rule matches."""
        values = {"source": source, "medium": medium, "campaign": campaign}
        for n, (_, tests) in enumerate(self._compiled):
            if all(self._matches(field, regex, values) for field, regex in tests):
                return n
        return None

    def channel(self, source: str, medium: str, campaign: str) -> str:
        n = self.first_match(source, medium, campaign)
        return UNASSIGNED if n is None else self.rules[n].channel

    @staticmethod
    def _matches(field, regex, values) -> bool:
        if field == "source_or_medium":
            return bool(regex.fullmatch(values["source"]) or regex.fullmatch(values["medium"]))
        return regex.fullmatch(values[field]) is not None

    def classify(
        self,
        utm_source: str | None,
        utm_medium: str | None,
        utm_campaign: str | None,
        referrer: str | None,
    ) -> str:
        return self.channel(*traffic_source(utm_source, utm_medium, utm_campaign, referrer))

    def classify_frame(self, frame: pl.DataFrame) -> pl.Series:
        """One channel per row of a frame with utm_source, utm_medium, utm_campaign and referrer
        columns (missing columns count as empty), computed on whole columns.

        Touches repeat a few tag combinations and referrers, so the traffic source is derived
        once per distinct row and the rules run once per distinct (source, medium, campaign);
        the channels are then joined back to the rows in their order."""
        inputs = frame.lazy().select(
            (pl.col(c).cast(pl.String) if c in frame.columns else pl.lit("")).fill_null("").alias(c)
            for c in INPUTS
        )
        source, medium, campaign = _traffic_source_columns()
        keys = ["source", "medium", "campaign"]
        traffic = inputs.unique().with_columns(
            source.alias("source"), medium.alias("medium"), campaign.alias("campaign")
        )
        channels = traffic.select(keys).unique().with_columns(self._channel_expr().alias("channel"))
        channel_by_input = traffic.join(channels, on=keys, how="left").select(*INPUTS, "channel")
        return (
            inputs.with_row_index("row")
            .join(channel_by_input, on=INPUTS, how="left")
            .sort("row")
            .select("channel")
            .collect()
            .to_series()
        )

    def _channel_expr(self) -> pl.Expr:
        chain = None
        for rule in self.rules:
            conditions = (self._condition(f, p) for f, p in rule.patterns().items())
            condition = reduce(operator.and_, conditions, pl.lit(True))
            step = pl.when(condition) if chain is None else chain.when(condition)
            chain = step.then(pl.lit(rule.channel))
        if chain is None:
            return pl.lit(UNASSIGNED, dtype=pl.String)
        return chain.otherwise(pl.lit(UNASSIGNED))

    @staticmethod
    def _condition(field: str, pattern: str) -> pl.Expr:
        anchored = _anchored(pattern)
        if field == "source_or_medium":
            return pl.col("source").str.contains(anchored) | pl.col("medium").str.contains(anchored)
        return pl.col(field).str.contains(anchored)
