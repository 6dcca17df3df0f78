"""The web interface: HTTP(S) server, JSON API under /api/v1 and the static UI (web/dist)."""
