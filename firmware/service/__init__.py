"""The card as an operating-system service: systemd's readiness and watchdog, upgrade health."""
