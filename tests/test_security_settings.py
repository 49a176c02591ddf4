from accord import settings as accord_settings


def test_passwords_are_hashed_with_argon2_in_the_product():
    assert accord_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
