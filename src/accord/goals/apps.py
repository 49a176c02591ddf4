from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "accord.goals"
    label = "goals"
    verbose_name = "Shared goals, rewards and the joint rhythm"
