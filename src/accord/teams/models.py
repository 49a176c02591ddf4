"""The people who use Accord: users, their two teams, roles and working hours."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Team(models.Model):
    class Kind(models.TextChoices):
        MARKETING = "marketing", "Marketing"
        SALES = "sales", "Sales"

    kind = models.CharField(max_length=16, choices=Kind.choices, unique=True)
    name = models.CharField(max_length=100)
    time_zone = models.CharField(max_length=64, default="UTC", help_text="IANA name")
    workday_start = models.TimeField(default=dt.time(9, 0))
    workday_end = models.TimeField(default=dt.time(17, 0))
    working_days = models.CharField(
        max_length=7, default="12345", help_text="ISO weekdays worked: 1 Monday ... 7 Sunday"
    )
    holiday_country = models.CharField(
        max_length=8,
        blank=True,
        default="",
        help_text="Public holidays of this country (ISO code: US, GB, DE) are days off",
    )

    def __str__(self):
        return self.name

    def clean(self):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        from django.core.exceptions import ValidationError

        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError({"time_zone": "Not an IANA time zone"}) from None
        if self.workday_end <= self.workday_start:
            raise ValidationError({"workday_end": "The working day must end after it starts"})
        if not self.working_days or set(self.working_days) - set("1234567"):
            raise ValidationError({"working_days": "Use the digits 1 (Monday) to 7 (Sunday)"})
        if self.holiday_country:
            import holidays

            if self.holiday_country.upper() not in holidays.list_supported_countries():
                raise ValidationError(
                    {"holiday_country": "No public holiday calendar for this code"}
                )


class Holiday(models.Model):
    """A day off for one team beyond the public holidays of its country."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "date"], name="holiday_once_per_day")
        ]

    def __str__(self):
        return f"{self.name} ({self.date})"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("A user needs an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True, role=User.Role.ADMIN)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        REP = "rep", "Sales rep"
        MARKETER = "marketer", "Marketer"
        HEAD = "head", "Team head"
        ADMIN = "admin", "Administrator"

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.REP)
    is_liaison = models.BooleanField(default=False, help_text="Named liaison to the other team")
    away_until = models.DateField(
        null=True, blank=True, help_text="Away up to and including this day: routing skips them"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.full_name or self.email

    @property
    def is_head(self) -> bool:
        return self.role == self.Role.HEAD

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN or self.is_superuser

    @property
    def team_kind(self) -> str | None:
        # a missing team is read from the id alone, without a query
        return self.team.kind if self.team is not None else None


class ApiToken(models.Model):
    """A bearer token. Only a hash of the secret is stored; the secret is shown once."""

    class Scope(models.TextChoices):
        FULL = "full", "Everything the user may do"
        CAPTURE = "capture", "Lead capture only"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.FULL)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.prefix}… ({self.user})"
