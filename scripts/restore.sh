#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into DATABASE_URL and UPLOAD_DIR.
#
#   systemctl stop eservices
#   DATABASE_URL=… UPLOAD_DIR=… scripts/restore.sh /var/backups/eservices/2026-11-23
#   systemctl start eservices        # runs any newer migrations on start
#
# Stop the portal first. Checks the backup's checksums before it changes anything, then:
#   - SQLite: puts the copy in place of the database file (an existing file is kept as *.before-restore);
#   - PostgreSQL: pg_restore --clean into the (existing, possibly empty) database;
#   - uploads: unpacks into UPLOAD_DIR and checks every file against uploads.sha256.
set -euo pipefail

die() { echo "restore: $*" >&2; exit 1; }

[[ $# -eq 1 ]] || die "usage: scripts/restore.sh <backup directory>"
src=$(cd "$1" 2>/dev/null && pwd) || die "no backup directory at $1"
[[ -f $src/SHA256SUMS ]] || die "$src has no SHA256SUMS: not a backup made by scripts/backup.sh"
(cd "$src" && sha256sum --quiet --strict -c SHA256SUMS) || die "the backup in $src is damaged (checksums differ); nothing was changed"

url=${DATABASE_URL:-sqlite://data/portal.sqlite}
uploads=${UPLOAD_DIR:-data/uploads}

case $url in
  postgres://* | postgresql://*)
    [[ -f $src/portal.pgdump ]] || die "$src holds no PostgreSQL dump (portal.pgdump)"
    pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction \
      --dbname "$url" "$src/portal.pgdump"
    ;;
  sqlite:*)
    [[ -f $src/portal.sqlite ]] || die "$src holds no SQLite copy (portal.sqlite)"
    file=${url#sqlite:}
    file=${file#//}
    mkdir -p "$(dirname "$file")"
    if [[ -f $file ]]; then mv -f "$file" "$file.before-restore"; fi
    rm -f "$file-wal" "$file-shm"
    cp "$src/portal.sqlite" "$file.restoring"
    mv -f "$file.restoring" "$file"
    ;;
  *) die "DATABASE_URL must start with sqlite: or postgres://" ;;
esac

mkdir -p "$uploads"
chmod 700 "$uploads"
tar -C "$uploads" -xzf "$src/uploads.tar.gz"
[[ ! -s $src/uploads.sha256 ]] || (cd "$uploads" && sha256sum --quiet --strict -c "$src/uploads.sha256") || die "uploaded documents differ from the backup's list"
echo "restore: database and $(wc -l <"$src/uploads.sha256") documents restored from $src"
