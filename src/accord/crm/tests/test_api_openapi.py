ENDPOINTS = {
    (f"/api/v1/{records}{suffix}", method)
    for records, key in [
        ("people", "person_id"),
        ("accounts", "account_id"),
        ("opportunities", "opportunity_id"),
        ("campaigns", "campaign_id"),
        ("touchpoints", "touchpoint_id"),
    ]
    for suffix, method in [
        ("", "get"),
        ("", "post"),
        (f"/{{{key}}}", "get"),
        (f"/{{{key}}}", "patch"),
    ]
}
CAPTURE_ENDPOINTS = {
    ("/api/v1/leads", "post"),
    ("/api/v1/touchpoints/batch", "post"),
    ("/api/v1/captures/{capture_id}", "get"),
}
AGREEMENT_ENDPOINTS = {
    ("/api/v1/agreement/versions", "get"),
    ("/api/v1/agreement/versions", "post"),
    ("/api/v1/agreement/in-force", "get"),
    ("/api/v1/agreement/versions/{number}", "get"),
    ("/api/v1/agreement/versions/{number}/comments", "post"),
    ("/api/v1/agreement/versions/{number}/sign", "post"),
    ("/api/v1/agreement/versions/{number}/backtest", "get"),
    ("/api/v1/agreement/suggestions", "post"),
}
METRICS_ENDPOINTS = {
    (f"/api/v1/metrics/{name}", "get")
    for name in ["funnel", "velocity", "sla", "roi", "attribution"]
}
AUDIT_ENDPOINTS = {("/api/v1/audit", "get")}
NOTIFICATION_ENDPOINTS = {("/api/v1/notifications", "get")}
IMPORT_UPLOAD = ("/api/v1/imports", "post")  # refers to no record, so it cannot answer 404
IMPORT_ENDPOINTS = {
    IMPORT_UPLOAD,
    ("/api/v1/imports", "get"),
    ("/api/v1/imports/{run_id}", "get"),
    ("/api/v1/imports/{run_id}/confirm", "post"),
}
INBOX_ENDPOINTS = {
    ("/api/v1/inbox", "get"),
    ("/api/v1/handoffs/pool/route", "post"),
    ("/api/v1/handoffs/bulk", "post"),
} | {
    (f"/api/v1/handoffs/{{handoff_id}}/{action}", "post")
    for action in ["accept", "reject", "convert", "first-touch", "reassign"]
}
FEEDBACK_ENDPOINTS = {("/api/v1/feedback/rejections", "get"), ("/api/v1/feedback/sla", "get")}
ALIGNMENT_ENDPOINTS = {
    ("/api/v1/alignment/rounds", "get"),
    ("/api/v1/alignment/results", "get"),
    ("/api/v1/alignment/answers", "post"),
}
MINDSET_ENDPOINTS = {
    ("/api/v1/mindset/results", "get"),
    ("/api/v1/mindset/answers", "post"),
    ("/api/v1/mindset/answers/mine", "get"),
}
GOALS_ENDPOINTS = {
    ("/api/v1/experiments", "get"),
    ("/api/v1/experiments", "post"),
    ("/api/v1/experiments/{experiment_id}", "get"),
    ("/api/v1/experiments/{experiment_id}/exposed", "get"),
    ("/api/v1/goals", "get"),
    ("/api/v1/goals", "post"),
    ("/api/v1/goals/plan", "get"),
    ("/api/v1/goals/plan", "post"),
    ("/api/v1/goals/{goal_id}/payouts", "get"),
    ("/api/v1/goals/ideas", "post"),
}

PLANNING_ENDPOINTS = {
    ("/api/v1/planning/campaign-plans", "get"),
    ("/api/v1/planning/campaign-plans/{campaign_id}", "get"),
    ("/api/v1/planning/campaign-plans/{campaign_id}", "put"),
    ("/api/v1/planning/campaign-plans/{campaign_id}/sign", "post"),
    ("/api/v1/planning/campaigns/{campaign_id}/ratings", "get"),
    ("/api/v1/planning/campaigns/{campaign_id}/ratings", "post"),
}


def test_the_openapi_schema_is_served_without_a_token_and_lists_every_endpoint(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Accord API"
    served = {(path, method) for path, ops in schema["paths"].items() for method in ops}
    assert served == (
        ENDPOINTS
        | PLANNING_ENDPOINTS
        | CAPTURE_ENDPOINTS
        | AGREEMENT_ENDPOINTS
        | METRICS_ENDPOINTS
        | AUDIT_ENDPOINTS
        | NOTIFICATION_ENDPOINTS
        | IMPORT_ENDPOINTS
        | GOALS_ENDPOINTS
        | MINDSET_ENDPOINTS
        | ALIGNMENT_ENDPOINTS
        | INBOX_ENDPOINTS
        | FEEDBACK_ENDPOINTS
    )
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"


def test_every_endpoint_needs_a_token_and_documents_its_errors(client):
    schema = client.get("/api/v1/openapi.json").json()

    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            if (path, method) in CAPTURE_ENDPOINTS:
                assert op["security"] == [{"CaptureKey": []}], (method, path)
                continue
            assert op["security"] == [{"BearerToken": []}], (method, path)
            if (path, method) == IMPORT_UPLOAD:
                assert {"403", "422"} <= set(op["responses"]), (method, path)
            elif "{" in path or method != "get":
                assert {"404", "422"} <= set(op["responses"]), (method, path)


def test_the_schema_documents_the_email_rule_and_refuses_extra_fields(client):
    schema = client.get("/api/v1/openapi.json").json()

    create_person = schema["paths"]["/api/v1/people"]["post"]
    assert "409" in create_person["description"]
    assert "case" in create_person["description"]
    person_create = schema["components"]["schemas"]["PersonCreate"]
    assert person_create["additionalProperties"] is False
    assert person_create["required"] == ["email"]


def test_money_is_documented_as_a_string(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]

    assert {"type": "string"} in schemas["OpportunityOut"]["properties"]["amount"]["anyOf"]
    assert schemas["CampaignOut"]["properties"]["cost"]["type"] == "string"
