"""Backup and restore of the whole configuration ("Download / Upload Configuration", manual 15.2).

A backup is the configuration file's format (firmware/settings/store.py) with a fuller header:

    {"checksum":"crc32:...","exported":1763700000,"format":1,"kind":"backup",
     "omitted":["smtp.password",...],"product":"opennmc","version":"0.1.0","settings":{
    "auth.admin_password":"$pbkdf2-sha256$...",
    ...}}

Login passwords travel as their salted hashes; secrets the card must send in clear are left out
and listed in "omitted", so a backup never holds a plain secret. Restoring checks the file and
every field first and applies all or nothing; settings absent from the file (the omitted secrets
among them) keep their current values. Settings of features this build does not run are kept
aside, as at boot, and listed in the answer ("not_used"), never refused.
"""

from firmware.platform import compat
from firmware.settings import store
from firmware.settings.schema import ConfigError
from firmware.state import catalogue

KIND = "backup"


def export_backup(cfg, version="unknown", now=None):
    """The backup file's text for the configuration cfg."""
    settings, omitted = {}, []
    for key, value in cfg.as_dict().items():
        if cfg.schema.row(key).kind == "secret":
            if value:
                omitted.append(key)
            continue
        settings[key] = value
    header = {"kind": KIND, "version": version, "omitted": sorted(omitted),
              "exported": int(compat.epoch_time() if now is None else now)}
    return store.render(settings, header)


def check_backup(cfg, text):
    """({key: typed value}, {field: why refused}, {key: raw value not used by this build})."""
    if isinstance(text, bytes):
        try:
            text = text.decode()
        except UnicodeError:
            return {}, {"file": "not UTF-8 text"}, {}
    try:
        _header, settings = store.parse(text)
    except ValueError as exc:
        return {}, {"file": str(exc)}, {}
    good, bad, unused = {}, {}, {}
    for key in sorted(settings):
        if key not in cfg.schema:
            unused[key] = settings[key]
            continue
        try:
            good[key] = cfg.check_stored(key, settings[key])
        except ConfigError as exc:
            bad[key] = exc.message
    return good, bad, unused


def restore_backup(cfg, text, via="web", user="admin"):
    """Check then apply a backup, all or nothing; saves and publishes the upload card event.

    Returns {"ok": bool, "changed": [keys], "errors": {field: why}, "not_used": [keys]}.
    """
    good, bad, unused = check_backup(cfg, text)
    bus = cfg.bus
    if bad:
        catalogue.card_event(bus, "config.upload.errors", errors=len(bad), via=via, user=user)
        return {"ok": False, "changed": [], "errors": bad, "not_used": []}
    extra = None
    if unused:
        extra = dict(cfg.stored_extra())
        extra.update(unused)
    changed = cfg.apply_checked(good, via, user, announce=False, extra=extra)
    catalogue.card_event(bus, "config.uploaded", via=via, user=user)
    return {"ok": True, "changed": changed, "errors": {}, "not_used": sorted(unused)}
