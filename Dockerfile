# One image for the three services; the command picks the service.
# Runtime dependencies only (requirements.lock): no test, lint or embedded-broker packages.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
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
CMD ["uvicorn", "services.documents.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000"]
