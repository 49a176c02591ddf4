# Accord's container image: the README's own install command from the lock file, static files
# collected at build, run as a user without privileges, `accord serve` by default.
# The machines Accord is developed on cannot pull base images, so this file keeps to the commands
# CI runs (the install line is checked against the README's by tests/test_deploy.py).

FROM python:3.11-slim AS build
WORKDIR /app
COPY pyproject.toml requirements.lock README.md ./
COPY src ./src
RUN python3 -m venv .venv && .venv/bin/pip install -c requirements.lock -e . \
    && rm -rf /root/.cache
# a throwaway key: collecting static files reads the settings, and nothing here is signed
RUN ACCORD_SECRET_KEY="collectstatic-only-this-key-signs-nothing-and-is-thrown-away" \
    ACCORD_DATA_DIR=/tmp/build-data ACCORD_STATIC_ROOT=/app/static \
    .venv/bin/accord manage collectstatic --noinput --verbosity 0

FROM python:3.11-slim
RUN groupadd --system --gid 10001 accord \
    && useradd --system --uid 10001 --gid accord --home-dir /data --no-create-home accord \
    && mkdir /data && chown accord:accord /data
COPY --from=build /app /app
WORKDIR /app
ENV PATH="/app/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    ACCORD_DATA_DIR=/data \
    ACCORD_STATIC_ROOT=/app/static
USER 10001:10001
# the SQLite file (when no DATABASE_URL), the generated secret key and the uploaded imports
VOLUME ["/data"]
EXPOSE 8000
ENTRYPOINT ["accord"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
