"""Backup and restore of the whole configuration ("Download / Upload Configuration", manual 15.2).

A backup is the configuration file's format (firmware/settings/store.py) with a fuller header:

    {"checksum":"crc32:...","exported":1763700000,"format":1,"kind":"backup",
     "omitted":["ddns.password",...],"product":"opennmc","version":"0.1.0","settings":{
    "auth.admin_password":"$pbkdf2-sha256$...",
    ...}}

Login passwords travel as their salted hashes; secrets the card must send in clear (SMTP, RADIUS,
DDNS, SNMP communities and USM passwords) are left out and listed in "omitted", so a backup never
holds a plain secret. Restoring checks the file and every field first and applies all or nothing;
settings absent from the file (the omitted secrets among them) keep their current values.
"""

from firmware.platform import compat
from firmware.settings import store as config_store
from firmware.settings.config import SCHEMA, UPLOAD_ERRORS, UPLOADED, ConfigError

KIND = "backup"


def export_backup(cfg, version="unknown", now=None):
    """The backup file's text for the configuration cfg."""
    settings, omitted = {}, []
    for key, value in cfg.as_dict().items():
        if SCHEMA[key][0] == "secret":
            if value:
                omitted.append(key)
            continue
        settings[key] = value
    header = {"kind": KIND, "version": version, "omitted": sorted(omitted),
              "exported": int(compat.epoch_time() if now is None else now)}
    return config_store.render(settings, header)


def check_backup(cfg, text):
    """({key: typed value}, {field: why refused}) for a backup's text; nothing is changed."""
    if isinstance(text, bytes):
        try:
            text = text.decode()
        except UnicodeError:
            return {}, {"file": "not UTF-8 text"}
    try:
        _header, settings = config_store.parse(text)
    except ValueError as exc:
        return {}, {"file": str(exc)}
    good, bad = {}, {}
    for key in sorted(settings):
        if key not in SCHEMA:
            bad[key] = "unknown setting"
            continue
        try:
            good[key] = cfg.check_stored(key, settings[key])
        except ConfigError as exc:
            bad[key] = exc.message
    return good, bad


def restore_backup(cfg, text, via="web", user="admin"):
    """Check then apply a backup, all or nothing; saves and publishes the upload card event.

    Returns {"ok": bool, "changed": [keys], "errors": {field: why}}.
    """
    good, bad = check_backup(cfg, text)
    bus = cfg.bus
    if bad:
        if bus is not None:
            bus.card("W", UPLOAD_ERRORS, "Upload configuration with %d error(s) via %s by %s"
                     % (len(bad), via, user), errors=len(bad), via=via, user=user)
        return {"ok": False, "changed": [], "errors": bad}
    changed = cfg.apply_checked(good, via, user, announce=False)
    cfg.save()
    if bus is not None:
        bus.card("I", UPLOADED, "Upload configuration successfully via %s by %s" % (via, user),
                 via=via, user=user)
    return {"ok": True, "changed": changed, "errors": {}}
