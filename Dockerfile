# IEP Right for self-hosters: gunicorn serves the app, whitenoise the static files.
# Everything the app writes (SQLite database, secret key, attachments) lives in the /data volume.
#
#   docker build -t iepright .
#   docker run -d --name iepright -p 8000:8000 -v iepright-data:/data \
#     -e ALLOWED_HOSTS=iep.example.org -e SITE_URL=https://iep.example.org \
#     -e CSRF_TRUSTED_ORIGINS=https://iep.example.org iepright
#
# The reminders worker: the same image and volume, another command (README.md, "Reminders worker"):
#
#   docker run -d --name iepright-worker -v iepright-data:/data -e SITE_URL=https://iep.example.org \
#     -e EMAIL_HOST=smtp.example.org iepright python manage.py send_reminders --loop
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    IEPRIGHT_DATA_DIR=/data \
    STATIC_ROOT=/app/staticfiles \
    WEB_CONCURRENCY=2
# The image is meant to run behind one HTTPS proxy (README): count visitors by their own address.
ENV ALLAUTH_TRUSTED_PROXY_COUNT=1

WORKDIR /app
# Report fonts: DejaVu (Vietnamese, Cyrillic, Greek...), Noto CJK (Chinese, Japanese, Korean) and
# Noto Color Emoji, so families' names and notes print as written (reports/fonts.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core fonts-noto-cjk fonts-noto-color-emoji \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin iepright \
    && mkdir /data && chown iepright:iepright /data

# Tesseract reads scanned IEPs (English model only); the import works without it, minus OCR.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
# Collect static files at build time (a throwaway key: collectstatic needs one, it is never used).
RUN SECRET_KEY=collectstatic-only IEPRIGHT_DATA_DIR=/tmp/build python manage.py collectstatic --noinput --verbosity 0 \
    && rm -rf /tmp/build && chmod +x docker/entrypoint.sh

USER iepright
VOLUME ["/data"]
EXPOSE 8000
ENTRYPOINT ["docker/entrypoint.sh"]
CMD ["gunicorn", "iepright.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--forwarded-allow-ips", "*"]
