"""Settings of the web interface (manual 15.2 and 15.3): HTTP and HTTPS ports, each can be off,
the redirect to HTTPS, and how the pages show temperatures."""

from firmware.settings.schema import Row

ROWS = (
    Row("http.enabled", "bool", True, None, "Web interface over HTTP on/off",
        label="HTTP Port enabled"),
    Row("http.port", "int", 80, (0, 65535), "HTTP port of the web interface; 0 = any free port",
        label="HTTP Port"),
    Row("http.redirect", "bool", False, None,
        "Send HTTP visitors to the HTTPS address (when HTTPS is on)",
        label="Redirect HTTP to HTTPS"),
    Row("https.enabled", "bool", True, None, "Web interface over HTTPS on/off",
        label="HTTPs Port enabled"),
    Row("https.port", "int", 443, (0, 65535),
        "HTTPS port of the web interface; 0 = any free port", label="HTTPs Port"),
    Row("http.bind", "host", "0.0.0.0", 64,
        "Address the web interface listens on (0.0.0.0 = every IPv4 address)",
        label="Web Listen Address"),
    Row("http.max_clients", "int", 64, (4, 1024),
        "Simultaneous web connections (live-value streams included)",
        label="Web Max Requests at Once"),
    Row("web.temperature_unit", "choice", "C", ("C", "F"),
        "Unit of the temperatures the web pages show", label="Temperature unit"),
)
