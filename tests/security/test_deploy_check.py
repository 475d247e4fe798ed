"""`manage.py check --deploy` passes with production settings, warnings counted as failures."""

import secrets
import subprocess
import sys

from tests.test_settings import PROJECT_DIR, clean_env

from .conftest import settings_of


def test_check_deploy_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=clean_env(
            DJANGO_SETTINGS_MODULE="cms.settings.production",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="example.org",
        ),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_hardening_settings(production_values):
    assert production_values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert production_values["SECURE_SSL_REDIRECT"] is True
    assert production_values["SESSION_COOKIE_SECURE"] is True
    assert production_values["SESSION_COOKIE_HTTPONLY"] is True
    assert production_values["CSRF_COOKIE_SECURE"] is True
    assert production_values["CSRF_COOKIE_HTTPONLY"] is True
    assert production_values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production_values["SECURE_REFERRER_POLICY"] == "no-referrer"
    assert production_values["X_FRAME_OPTIONS"] == "DENY"


def test_passwords_are_at_least_twelve_characters(production_values):
    validators = {
        v["NAME"].rsplit(".", 1)[1]: v for v in production_values["AUTH_PASSWORD_VALIDATORS"]
    }
    assert validators["MinimumLengthValidator"]["OPTIONS"]["min_length"] >= 12
    assert {
        "UserAttributeSimilarityValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    } <= validators.keys()


def test_images_may_come_from_the_media_host_when_it_is_another_one():
    names = ["CONTENT_SECURITY_POLICY"]
    base = {"SECRET_KEY": secrets.token_urlsafe(50)}

    def img_src(**variables):
        policy = settings_of("cms.settings.production", names, **base, **variables)
        return policy["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]

    assert img_src() == ["'self'", "data:"]
    assert img_src(MEDIA_URL="https://media.example.org/lantern/") == [
        "'self'",
        "data:",
        "https://media.example.org",
    ]
    assert img_src(
        AWS_STORAGE_BUCKET_NAME="lantern-media", AWS_S3_CUSTOM_DOMAIN="cdn.example.org"
    ) == [
        "'self'",
        "data:",
        "https://cdn.example.org",
    ]
    assert img_src(AWS_STORAGE_BUCKET_NAME="lantern-media", AWS_S3_REGION_NAME="eu-west-1") == [
        "'self'",
        "data:",
        "https://lantern-media.s3.amazonaws.com",
        "https://lantern-media.s3.eu-west-1.amazonaws.com",
    ]
    assert img_src(
        AWS_STORAGE_BUCKET_NAME="lantern-media", AWS_S3_ENDPOINT_URL="https://objects.example.net"
    ) == [
        "'self'",
        "data:",
        "https://objects.example.net",
        "https://lantern-media.objects.example.net",
    ]
