from django.apps import AppConfig


class CrmSyncConfig(AppConfig):
    name = "accord.crm_sync"
    verbose_name = "CRM sync"
