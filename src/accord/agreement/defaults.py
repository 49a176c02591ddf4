"""A sensible first agreement, proposed as a draft for both heads to adjust and sign."""

from accord.scoring import AgreementDocument, check_document

FREE_MAIL = [
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "icloud.com",
    "aol.com",
    "gmx.de",
    "proton.me",
    "mail.com",
    "yandex.ru",
]


def default_document() -> AgreementDocument:
    return check_document(
        {
            "fit_rules": [
                {
                    "name": "Target industry",
                    "field": "industry",
                    "in": ["Software", "Financial services", "Manufacturing"],
                    "points": 25,
                },
                {
                    "name": "Mid-market or enterprise",
                    "field": "employee_count",
                    "min": 200,
                    "points": 20,
                },
                {
                    "name": "Small business",
                    "field": "employee_count",
                    "min": 20,
                    "max": 199,
                    "points": 10,
                },
                {
                    "name": "Core region",
                    "field": "region",
                    "in": ["EMEA", "North America"],
                    "points": 10,
                },
                {
                    "name": "Director or above",
                    "field": "seniority",
                    "in": ["director", "vp", "executive"],
                    "points": 15,
                },
                {
                    "name": "Decision maker",
                    "field": "is_decision_maker",
                    "equals": True,
                    "points": 10,
                },
                {"name": "Entry level", "field": "seniority", "in": ["entry"], "points": -10},
            ],
            "grades": [
                {"grade": "A", "min": 60},
                {"grade": "B", "min": 40, "max": 59},
                {"grade": "C", "min": 20, "max": 39},
                {"grade": "D", "max": 19},
            ],
            "buying_power": {"seniorities": ["vp", "executive"], "required": "person_or_account"},
            "engagement": {
                "half_life_days": 30,
                "window_days": 180,
                "kinds": {
                    "page_view": {"points": 1, "cap": 10},
                    "email_open": {"points": 1, "cap": 5},
                    "email_click": {"points": 3, "cap": 15},
                    "ad_click": {"points": 2, "cap": 10},
                    "form_fill": {"points": 15, "cap": 45},
                    "event": {"points": 10, "cap": 30},
                    "call": {"points": 10, "cap": 30},
                    "meeting": {"points": 20, "cap": 40},
                },
                "channels": {"events": 5, "referral": 5},
            },
            "disqualifiers": {
                "free_mail_domains": FREE_MAIL,
                "competitor_domains": [],
                "student_title_pattern": r"\b(student|intern|trainee)\b",
                "existing_customers": True,
            },
            "threshold": {"min_total": 70, "min_grade": "B"},
            "sla": {
                "mqls_per_month": 200,
                "min_grade": "B",
                "first_touch_working_hours": 4,
                "accept_within_working_days": 2,
                "recycle": {"to_stage": "lead", "after_days": 90},
            },
        }
    )
