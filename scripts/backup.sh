#!/usr/bin/env bash
# Backs up the portal: the database and the upload directory, into one new directory.
#
#   DATABASE_URL=… UPLOAD_DIR=… scripts/backup.sh /var/backups/eservices/2026-11-23
#
# DATABASE_URL and UPLOAD_DIR are read as the portal reads them (defaults: sqlite://data/portal.sqlite
# and data/uploads, relative to the current directory). Safe while the portal runs:
#   - SQLite: `VACUUM INTO` writes a consistent copy through SQLite itself (never copy the live file);
#   - PostgreSQL: `pg_dump --format=custom` reads one consistent snapshot;
#   - uploads: archived after the database, so every file a backed-up row names is in the archive
#     (a file is written before its row commits). Files newer than the snapshot are orphans there,
#     removed by the portal's hourly sweep after a restore.
# Writes: portal.sqlite or portal.pgdump, uploads.tar.gz, uploads.sha256 (one line per file) and
# SHA256SUMS over all of them, which restore.sh checks before it touches anything.
set -euo pipefail

die() { echo "backup: $*" >&2; exit 1; }

[[ $# -eq 1 ]] || die "usage: scripts/backup.sh <new backup directory>"
dest=$1
[[ ! -e $dest ]] || die "$dest already exists; give a new directory"

url=${DATABASE_URL:-sqlite://data/portal.sqlite}
uploads=${UPLOAD_DIR:-data/uploads}

mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
finished=false
trap '$finished || { echo "backup: failed; removing the incomplete $dest" >&2; rm -rf "$dest"; }' EXIT

case $url in
  postgres://* | postgresql://*)
    command -v pg_dump >/dev/null || die "pg_dump is not installed (apt-get install postgresql-client)"
    pg_dump --format=custom --no-owner --no-privileges --file "$dest/portal.pgdump" "$url"
    ;;
  sqlite:*)
    command -v sqlite3 >/dev/null || die "sqlite3 is not installed (apt-get install sqlite3)"
    file=${url#sqlite:}
    file=${file#//}
    [[ -f $file ]] || die "no SQLite database at $file"
    # .timeout waits for a writer to finish instead of failing with 'database is locked'.
    sqlite3 -cmd '.timeout 10000' "$file" "VACUUM INTO '${dest//\'/\'\'}/portal.sqlite'"
    [[ $(sqlite3 "$dest/portal.sqlite" 'PRAGMA integrity_check') == ok ]] || die "the copy failed its integrity check"
    ;;
  *) die "DATABASE_URL must start with sqlite: or postgres://" ;;
esac

if [[ -d $uploads ]]; then
  (cd "$uploads" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) >"$dest/uploads.sha256"
  tar -C "$uploads" -czf "$dest/uploads.tar.gz" .
else
  echo "backup: no upload directory at $uploads; backing up no documents" >&2
  : >"$dest/uploads.sha256"
  tar -czf "$dest/uploads.tar.gz" -T /dev/null
fi

(cd "$dest" && sha256sum -- * >SHA256SUMS)
finished=true
echo "backup: written to $dest ($(du -sh "$dest" | cut -f1), $(wc -l <"$dest/uploads.sha256") documents)"
