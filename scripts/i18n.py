"""Translation catalogues, one per app (ambito/<app>/locale/{it,en}/LC_MESSAGES/django.po).

    python scripts/i18n.py update [APP ...]      # makemessages for it and en (all apps by default)
    python scripts/i18n.py missing [APP ...]     # msgids still without an Italian translation
    python scripts/i18n.py fill APP FILE.json    # merge {"English msgid": "Italian msgstr", ...} into it/
Source strings are English; the Italian catalogue must translate every one (a test checks it).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
APPS_DIR = ROOT / "ambito"


def apps(names):
    if names:
        return names
    return sorted(p.name for p in APPS_DIR.iterdir() if (p / "apps.py").exists())


def update(names):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ambito.settings", "PYTHONPATH": str(ROOT)}
    admin = ROOT / ".venv" / "bin" / "django-admin"
    for app in apps(names):
        (APPS_DIR / app / "locale").mkdir(exist_ok=True)
        subprocess.run(
            [str(admin), "makemessages", "-l", "it", "-l", "en", "--no-obsolete", "--no-location", "-v", "0"],
            cwd=APPS_DIR / app, env=env, check=True,
        )


def missing(names):
    count = 0
    for app in apps(names):
        path = APPS_DIR / app / "locale" / "it" / "LC_MESSAGES" / "django.po"
        if not path.exists():
            continue
        for entry in polib.pofile(str(path)):
            if not entry.translated() or "fuzzy" in entry.flags:
                count += 1
                print(f"{app}: {entry.msgid!r}" + (f" / {entry.msgid_plural!r}" if entry.msgid_plural else ""))
    return count


def fill(app, source):
    translations = json.loads(Path(source).read_text(encoding="utf-8"))
    path = APPS_DIR / app / "locale" / "it" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path))
    for entry in po:
        value = translations.get(entry.msgid)
        if value is None:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: value[0], 1: value[1]} if isinstance(value, list) else {0: value, 1: value}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()


if __name__ == "__main__":
    command, *rest = sys.argv[1:] or ["missing"]
    if command == "update":
        update(rest)
    elif command == "missing":
        sys.exit(1 if missing(rest) else 0)
    elif command == "fill":
        fill(rest[0], rest[1])
    else:
        sys.exit(__doc__)
