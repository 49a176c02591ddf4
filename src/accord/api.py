"""The JSON API: one NinjaAPI, one router per domain app."""

from ninja import NinjaAPI

from accord.teams.auth import BearerToken

api = NinjaAPI(
    title="Accord API",
    version="1",
    description="The shared Sales and Marketing database: people, accounts, opportunities, "
    "campaigns and touchpoints. Authenticate with `Authorization: Bearer TOKEN` "
    "(`accord token create --user EMAIL`).",
    auth=BearerToken(),
    urls_namespace="api",
)
