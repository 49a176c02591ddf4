from accord.agreement.diff import diff_documents
from accord.agreement.tests.conftest import DOCUMENT, document_data
from accord.scoring import check_document


def test_changed_added_and_removed_rules_read_as_sentences():
    old = check_document(DOCUMENT)
    rules = [
        {**DOCUMENT["fit_rules"][0], "points": 35},
        {"name": "Europe", "field": "region", "in": ["EMEA", "UK"], "points": 10},
    ]
    new = check_document(
        document_data(
            fit_rules=rules,
            sla={"first_touch_working_hours": 8},
            disqualifiers={"free_mail_domains": ["gmail.com", "yahoo.com"]},
        )
    )

    assert diff_documents(old, new) == [
        "Fit rule Software company, points: 40 → 35",
        "Fit rule added: Europe (field region; in EMEA, UK; points 10)",
        "Disqualifiers › free mail domains: gmail.com → gmail.com, yahoo.com",
        "Sales first touch within: 4 → 8 working hours",
        "Fit rule removed: Mid-market",
    ]


def test_the_first_version_lists_everything_as_new():
    lines = diff_documents(None, check_document(DOCUMENT))
    assert "Grade added: A (min 60)" in lines
    assert "MQL score threshold: none → 75 points" in lines


def test_identical_documents_have_no_diff():
    assert diff_documents(check_document(DOCUMENT), check_document(DOCUMENT)) == []
