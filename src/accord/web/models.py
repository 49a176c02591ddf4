"""What the pages keep of their own: the last form each user sent, so a second submission of the
same form (a double click, a reload, the back button) is carried out once (`web.submissions`)."""

from django.conf import settings
from django.db import models


class LastFormSent(models.Model):
    """The last form of a user's that was carried out. The same form posted again with the
    same values within ten minutes (a double click, a reload, the back button) is the same
    submission: it is not carried out again and gets the first one's answer."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    fingerprint = models.CharField(max_length=64, help_text="the address and values posted")
    posted_at = models.DateTimeField()
    answer = models.CharField(max_length=2048, help_text="where its answer sent the user")

    def __str__(self):
        return f"{self.user} at {self.posted_at:%Y-%m-%d %H:%M}"
