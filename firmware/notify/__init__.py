"""Notifications: e-mail (manual 15.9), syslog (15.14) and Wake-on-LAN (15.11) of card events."""
