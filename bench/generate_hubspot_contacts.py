"""Write a HubSpot contacts export (as HubSpot's export tool writes it) with N rows, from a seed.

python bench/generate_hubspot_contacts.py 1000000 /tmp/hubspot-contacts-1m.csv --seed 42
"""

import argparse
import csv
import datetime as dt
import random

HEADER = [
    "Record ID",
    "First Name",
    "Last Name",
    "Email",
    "Phone Number",
    "Job Title",
    "Lifecycle Stage",
    "Lead Status",
    "Original Source",
    "Company Name",
    "Create Date",
    "Contact owner",
    "Became a Subscriber Date",
    "Became a Lead Date",
    "Became a Marketing Qualified Lead Date",
    "Became a Sales Qualified Lead Date",
    "Became an Opportunity Date",
    "Became a Customer Date",
    "Became an Evangelist Date",
]
# HubSpot writes an owner by name; the bench maps these once (`accord mappings set owner`).
OWNERS = ["", "Alex Owner", "Blair Owner", "Casey Owner", "Drew Owner", "Emery Owner"]
FIRST = "Ana Bo Chloé Dev Emma Finn Grace Hiro Ines Jonas Kofi Lena Mateo Nora Omar Priya".split()
LAST = "García Chen Dubois Patel Schmidt Müller O'Brien Kim Rossi Silva Novak Berg Ito".split()
TITLES = ["", "CMO", "VP Marketing", "Head of Sales", "Engineer", "Analyst", "CFO, EMEA"]
STAGES = [
    ("Subscriber", 20),
    ("Lead", 45),
    ("Marketing Qualified Lead", 15),
    ("Sales Qualified Lead", 8),
    ("Opportunity", 5),
    ("Customer", 6),
    ("Evangelist", 1),
]
STATUSES = ["", "New", "Open", "In Progress", "Attempted to Contact", "Connected", "Bad Timing"]
SOURCES = [
    "Organic Search",
    "Paid Search",
    "Direct Traffic",
    "Social Media",
    "Referrals",
    "Email Marketing",
    "Offline Sources",
]
FREE_MAIL = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com"]


def rows(n: int, seed: int, owners: int = len(OWNERS) - 1):
    rng = random.Random(seed)
    owner_names = OWNERS[: owners + 1]
    companies = max(n // 10, 1)
    stage_names = [s for s, _ in STAGES]
    stage_weights = [w for _, w in STAGES]
    start = dt.datetime(2020, 1, 1)
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        local = f"{first}.{last}.{i}".lower().replace("'", "")
        if rng.random() < 0.2:
            domain, company = rng.choice(FREE_MAIL), ""
        else:
            c = rng.randrange(companies)
            domain, company = f"company{c}.example", f"Company {c}, Inc."
        created = start + dt.timedelta(minutes=rng.randrange(5 * 365 * 24 * 60))
        stage = rng.choices(range(len(STAGES)), stage_weights)[0]
        # The date of each stage reached: a subscriber's own, else the lead's on, days apart.
        became = [""] * len(STAGES)
        when = created
        for k in range(0 if stage == 0 else 1, stage + 1):
            became[k] = when.strftime("%Y-%m-%d %H:%M")
            when += dt.timedelta(days=rng.randrange(1, 60), minutes=rng.randrange(24 * 60))
        yield [
            str(1000 + i),
            first,
            last,
            f"{local}@{domain}",
            f"+1 555 {rng.randrange(10**7):07d}" if rng.random() < 0.5 else "",
            rng.choice(TITLES),
            stage_names[stage],
            rng.choice(STATUSES),
            rng.choice(SOURCES),
            company,
            created.strftime("%Y-%m-%d %H:%M"),
            rng.choice(owner_names),
            *became,
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("path")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--owners", type=int, default=len(OWNERS) - 1, help="how many owners (0: none)"
    )
    args = parser.parse_args()
    with open(args.path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)  # CRLF line ends, quotes where needed: as HubSpot writes
        writer.writerow(HEADER)
        writer.writerows(rows(args.rows, args.seed, args.owners))


if __name__ == "__main__":
    main()
