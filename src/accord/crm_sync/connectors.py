"""The connector of each CRM, with its credentials: the environment's (ACCORD_HUBSPOT_TOKEN,
ACCORD_HUBSPOT_URL; ACCORD_SALESFORCE_TOKEN, ACCORD_SALESFORCE_URL or the OAuth client settings)
win over those kept on the sync page, as every Accord setting does."""

from collections.abc import Callable

from accord.crm_sync.connector import Connector, CrmUnreachable
from accord.crm_sync.hubspot import OBJECTS as HUBSPOT_OBJECTS
from accord.crm_sync.hubspot import HubSpot
from accord.crm_sync.models import Connection
from accord.crm_sync.salesforce.connector import Salesforce
from accord.crm_sync.salesforce.connector import from_connection as _salesforce
from accord.crm_sync.secrets import SecretUnreadable
from accord.env import env_str


def _hubspot(connection: Connection) -> Connector:
    token = env_str("ACCORD_HUBSPOT_TOKEN") or _stored(connection)
    if not token:
        raise CrmUnreachable(
            "no HubSpot token: connect HubSpot on the sync page or set ACCORD_HUBSPOT_TOKEN"
        )
    url = env_str("ACCORD_HUBSPOT_URL") or connection.base_url
    return HubSpot(token, url)


def _stored(connection: Connection) -> str:
    try:
        return connection.secret
    except SecretUnreadable as exc:
        raise CrmUnreachable(str(exc)) from None


# The variables that, when one is set, hold a CRM's credentials (and make the worker sync it):
# a token, or (Salesforce) a connected app's consumer key for the client-credentials or JWT
# bearer flow.
ENV_TOKENS = {
    Connection.Kind.HUBSPOT: ("ACCORD_HUBSPOT_TOKEN",),
    Connection.Kind.SALESFORCE: ("ACCORD_SALESFORCE_TOKEN", "ACCORD_SALESFORCE_CLIENT_ID"),
}


def environment_credential(kind: str) -> str:
    """The first of a CRM's credentials the environment sets ("" when none): shown masked on
    the page, and what makes the worker sync that CRM."""
    return next((value for name in ENV_TOKENS.get(kind, ()) if (value := env_str(name))), "")


CONNECTORS: dict[str, Callable[[Connection], Connector]] = {
    Connection.Kind.HUBSPOT: _hubspot,
    Connection.Kind.SALESFORCE: _salesforce,
}


# The objects each CRM's connector pulls, for the page's ownership table.
OBJECTS = {
    Connection.Kind.HUBSPOT: HUBSPOT_OBJECTS,
    Connection.Kind.SALESFORCE: Salesforce.objects,
}


def connector_for(connection: Connection) -> Connector:
    """The connector for a connection; CrmUnreachable when it has no usable credentials."""
    if connection.kind not in CONNECTORS:
        raise CrmUnreachable(f"Accord cannot sync {connection} yet")
    return CONNECTORS[connection.kind](connection)
