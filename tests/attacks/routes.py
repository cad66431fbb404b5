"""Every route of every service, read from the apps themselves, so new routes are covered."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import APIRoute, _iter_included_route_candidates
from starlette.routing import BaseRoute

# A role that does NOT satisfy the requirement (admin satisfies every role).
WRONG_ROLES: dict[str, list[list[str]]] = {
    "admin": [["reviewer"], ["clerk"], ["reviewer", "clerk"]],
    "reviewer": [["clerk"]],
    "clerk": [["reviewer"]],
    "": [],
}


@dataclass(frozen=True)
class Route:
    """One method of one route, and the staff role it requires (None: public)."""

    method: str
    path: str
    role: str | None

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")

    def concrete(self) -> str:
        """The path with a well-formed value in every parameter (a UUID; a number for ints)."""
        return re.sub(r"\{([^}:]+)(:[^}]+)?\}", _value, self.path)


def _value(match: re.Match[str]) -> str:
    name, convertor = match.group(1), match.group(2) or ""
    if convertor == ":int" or name in {"index", "number", "page", "version"}:
        return "0"
    if name == "sha256":
        return "ab" * 32
    if convertor == ":path":
        return "a/b.txt"
    return str(uuid.uuid4())


def required_role(route: APIRoute) -> str | None:
    """The role of the ``shared.web.staff_check`` dependency guarding ``route``, if any."""
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        role = getattr(dep.call, "required_role", None)
        if role is not None:
            return str(role)
        stack.extend(dep.dependencies)
    return None


def api_routes(app: FastAPI) -> list[APIRoute]:
    """The app's routes with their full paths and dependencies.

    Since FastAPI 0.16x ``app.routes`` holds an included router as one opaque entry, so a
    plain walk of ``app.routes`` sees only the routes declared on the app itself; the
    effective routes are what requests are matched against.
    """
    candidates: list[BaseRoute] = list(_iter_included_route_candidates(app.routes))
    return [route for route in candidates if isinstance(route, APIRoute)]


def all_routes(app: FastAPI) -> list[Route]:
    """Every (method, path) an app serves through FastAPI, with its guard."""
    found = []
    for route in api_routes(app):
        role = required_role(route)
        found.extend(Route(m, route.path, role) for m in sorted(route.methods))
    return found
