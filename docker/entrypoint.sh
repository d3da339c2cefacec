#!/bin/sh
# Bring the database schema up to date, then start the server given as the command.
set -e
python manage.py migrate --noinput
exec "$@"
