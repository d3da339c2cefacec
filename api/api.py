"""The JSON API (Django Ninja): the offline queue and future native apps use it.

Session authentication with CSRF, like the pages; every endpoint goes through the access layer.
"""

from ninja import NinjaAPI
from ninja.security import SessionAuth

from api.logbook import router as logbook_router

api = NinjaAPI(title="IEP Right API", version="1", auth=SessionAuth(), urls_namespace="api")
api.add_router("/", logbook_router)
