#!/usr/bin/env bash
# Starts a ClamAV daemon (clamd) for the test suite on 127.0.0.1:3310, with a one-line signature
# database that knows only the EICAR test file. Safe to run twice: if clamd already answers PING
# on that address nothing is started.
#
# Why a home-made database: Debian ships clamav/clamav-daemon without signatures and this machine
# cannot download them, and clamd refuses to start with no database at all. An `.hdb` file holds
# one line per known file, `md5:size:Name`; for the 68-byte EICAR string that is
# `44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature` (what `sigtool --md5 FILE` prints).
# clamd reports a match as `Eicar-Test-Signature.UNOFFICIAL FOUND`.
#
# Production is different: there the real signature database is kept current by `freshclam`
# (the clamav-freshclam service; /etc/clamav/freshclam.conf with `DatabaseMirror
# database.clamav.net`, or a private mirror / `PrivateMirror` on networks without Internet access),
# and clamd runs from the Debian service with `DatabaseDirectory /var/lib/clamav`. The portal finds
# it through its configuration (server/config.ts):
#   CLAMAV_SOCKET=/var/run/clamav/clamd.ctl   (a UNIX socket; takes precedence when set), or
#   CLAMAV_HOST=clamav.internal CLAMAV_PORT=3310   (TCP; defaults 127.0.0.1 and 3310).
# If the scanner cannot be reached, or answers with an error, uploads are refused with 503 and
# never stored unscanned.
set -euo pipefail

BASE=${CLAMAV_TEST_DIR:-/tmp/portal-clamav}
HOST=127.0.0.1
PORT=${CLAMAV_TEST_PORT:-3310}
DB_DIR="$BASE/db"
CONF="$BASE/clamd.conf"

# PING over clamd's TCP protocol with bash's /dev/tcp; true when the answer is PONG.
ping_clamd() {
  timeout 3 bash -c "exec 3<>/dev/tcp/$HOST/$PORT && printf 'nPING\n' >&3 && head -c 4 <&3" 2>/dev/null |
    grep -q PONG
}

if ! command -v clamd >/dev/null; then
  echo "clamd is not installed (apt-get install -y clamav clamav-daemon)" >&2
  exit 1
fi

mkdir -p "$DB_DIR"

# The signatures, built from the EICAR string itself so a typo cannot make a silent no-op database.
EICAR='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
printf '%s' "$EICAR" >"$BASE/eicar.com"
# 1. eicar.hdb: the EICAR file itself (md5:size:name, as `sigtool --md5` prints it).
if command -v sigtool >/dev/null; then
  sigtool --md5 "$BASE/eicar.com" | awk -F: '{ print $1 ":" $2 ":Eicar-Test-Signature" }' >"$BASE/eicar.hdb"
else
  echo '44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature' >"$BASE/eicar.hdb"
fi
# 2. eicar-embedded.ndb: the EICAR string anywhere inside any file (Name:TargetType:Offset:Hex).
#    The portal checks a file's type from its bytes before scanning it, so the bare EICAR file is
#    refused as "not a PDF/JPEG/PNG" without reaching clamd; tests reach the scanner with a real
#    PDF that carries the EICAR string, which this body signature matches.
printf 'Eicar-Test-Signature-Embedded:0:*:%s\n' "$(od -An -v -tx1 "$BASE/eicar.com" | tr -d ' \n')" \
  >"$BASE/eicar-embedded.ndb"
rm -f "$BASE/eicar.com"

changed=no
for f in eicar.hdb eicar-embedded.ndb; do
  if ! cmp -s "$BASE/$f" "$DB_DIR/$f"; then
    mv "$BASE/$f" "$DB_DIR/$f"
    changed=yes
  else
    rm -f "$BASE/$f"
  fi
done

if ping_clamd; then
  # Ours (started from $CONF earlier) reloads a changed database; any other clamd is left alone.
  if [ "$changed" = yes ] && [ -f "$BASE/clamd.pid" ] && kill -0 "$(cat "$BASE/clamd.pid")" 2>/dev/null; then
    timeout 10 bash -c "exec 3<>/dev/tcp/$HOST/$PORT && printf 'nRELOAD\n' >&3 && head -c 6 <&3" >/dev/null 2>&1 || true
    sleep 2
  fi
  echo "clamd already answers on $HOST:$PORT"
  exit 0
fi

cat >"$CONF" <<EOF
DatabaseDirectory $DB_DIR
TCPSocket $PORT
TCPAddr $HOST
LocalSocket $BASE/clamd.sock
FixStaleSocket true
Foreground no
LogFile $BASE/clamd.log
LogTime true
PidFile $BASE/clamd.pid
User root
StreamMaxLength 100M
MaxThreads 4
ReadTimeout 30
SelfCheck 3600
EOF

# A stale pid file from a daemon that died would make a second start refuse; clear it.
if [ -f "$BASE/clamd.pid" ] && ! kill -0 "$(cat "$BASE/clamd.pid")" 2>/dev/null; then
  rm -f "$BASE/clamd.pid"
fi

echo "== starting clamd ($CONF)"
clamd --config-file="$CONF"

for _ in $(seq 1 60); do
  if ping_clamd; then
    echo "clamd answers PONG on $HOST:$PORT"
    exit 0
  fi
  sleep 1
done
echo "clamd did not answer PING on $HOST:$PORT within 60 s; see $BASE/clamd.log" >&2
tail -n 20 "$BASE/clamd.log" >&2 || true
exit 1
