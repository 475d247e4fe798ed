"""Backups of a whole install in one archive, and restoring one into an empty install.

An archive is a plain tar (media are compressed already, and so is pg_dump's custom format):

    database/lantern.dump      pg_dump --format=custom, or
    database/lantern.sqlite3   a copy made through SQLite's online backup
    media/...                  every file under MEDIA_ROOT (originals, renditions, documents)
    manifest.json              versions, migrations, counts, and a sha256 of every other file

`archive.py` holds what both share, `backup.py` writes one, `restore.py` checks one and restores it. How to use them, and what
they leave out: docs/backup.md.
"""
