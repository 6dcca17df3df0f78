"""The OpenAPI 3.0 document of the card's JSON API, drawn from the route table (routes.py)."""

from firmware.http import routes

PREFIX = "/api/v1"
# Answers every route may give besides its result, with the shape of each.
_ERRORS = {"400": "Bad input: nothing was changed", "401": "No session, or it has ended",
           "403": "Not allowed for this account, or the CSRF token is missing",
           "404": "No such thing", "409": "The card could not do it now",
           "413": "Request too large", "429": "Too many requests"}
_KIND_TYPES = {"csv": "text/csv", "file": "application/octet-stream"}


def _result(route):
    if route.path == "/events":
        return {"text/event-stream": {"schema": {"type": "string"}}}
    if route.kind in _KIND_TYPES:
        return {_KIND_TYPES[route.kind]: {"schema": {"type": "string"}}}
    if route.path in ("/certificate/root",) or route.path.startswith("/mibs/"):
        return {"application/octet-stream": {"schema": {"type": "string"}}}
    return {"application/json": {"schema": route.result}}


def operation(route):
    """The OpenAPI operation object of one route."""
    op = {"summary": route.summary,
          "operationId": (route.method.lower() + route.path.replace("/", "_")
                          .replace("{", "").replace("}", "").replace("-", "_").replace(".", "_")),
          "description": "Least role: %s.%s" % (route.role, (" Runs the management operation %s."
                                                            % route.op) if route.op else ""),
          "responses": {"200": {"description": "Done", "content": _result(route)}}}
    for code, text in _ERRORS.items():
        op["responses"][code] = {"description": text, "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    params = list(route.params) + list(route.query)
    if route.changes_state and route.role != "anon":
        params.append({"name": "X-CSRF-Token", "in": "header", "required": True,
                       "schema": {"type": "string"},
                       "description": "The session's CSRF token (GET /session)"})
    if params:
        op["parameters"] = params
    if route.body is not None:
        kind = ("application/octet-stream" if route.path == "/certificate"
                else "application/json")
        op["requestBody"] = {"required": True, "content": {kind: {"schema": route.body}}}
    if route.role != "anon":
        op["security"] = [{"session": []}]
    return op


def document(version):
    """The whole document."""
    paths = {}
    for route in routes.ROUTES:
        paths.setdefault(PREFIX + route.path, {})[route.method.lower()] = operation(route)
    return {
        "openapi": "3.0.3",
        "info": {"title": "opennmc card API", "version": version,
                 "description": "The JSON API of the card's web interface. Every page of the "
                                "web UI uses only this API. Log in with POST /session; send "
                                "the session's CSRF token in X-CSRF-Token with every request "
                                "that changes something."},
        "paths": paths,
        "components": {"schemas": {"Error": routes.ERROR},
                       "securitySchemes": {"session": {"type": "apiKey", "in": "cookie",
                                                       "name": "nmc_session"}}},
    }
