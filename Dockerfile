# One image for the three services; the command picks the service.
# Runtime dependencies only (requirements.lock): no test, lint or embedded-broker packages.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# Production mode: the services refuse to start without a real AUTH_SECRET_KEYS.
ENV GOPY_ENV=production
WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN pip install --no-deps -r requirements.lock
COPY shared ./shared
COPY services ./services
COPY migrations ./migrations
COPY samples ./samples
RUN pip install --no-deps . && useradd --system --uid 1001 gopy
USER gopy
EXPOSE 8000
# --no-proxy-headers: the client address is worked out by the app (TRUSTED_PROXIES), never
# rewritten by uvicorn from a header anyone can send.
CMD ["uvicorn", "services.documents.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--no-proxy-headers", "--timeout-graceful-shutdown", "5"]
