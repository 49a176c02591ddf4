"""Answers lose their link to a user: each keeps only a keyed hash of its round and author
(`models.author_key`), which Accord works out again to find a person's own answer."""

from django.db import migrations, models
from django.utils.crypto import salted_hmac


def hash_authors(apps, schema_editor):
    Answer = apps.get_model("mindset", "Answer")
    answers = list(Answer.objects.only("pk", "round_id", "person_id"))
    for answer in answers:
        answer.author_key = salted_hmac(
            "accord.mindset.answer", f"{answer.round_id}:{answer.person_id}", algorithm="sha256"
        ).hexdigest()
    Answer.objects.bulk_update(answers, ["author_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("mindset", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="author_key",
            field=models.CharField(
                default="", editable=False, help_text="See author_key()", max_length=64
            ),
            preserve_default=False,
        ),
        migrations.RunPython(hash_authors, migrations.RunPython.noop, elidable=True),
        migrations.RemoveConstraint(model_name="answer", name="one_mindset_answer_each"),
        migrations.RemoveField(model_name="answer", name="person"),
        migrations.AddConstraint(
            model_name="answer",
            constraint=models.UniqueConstraint(
                fields=("round", "author_key"), name="one_mindset_answer_each"
            ),
        ),
    ]
