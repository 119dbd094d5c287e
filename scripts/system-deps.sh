#!/usr/bin/env bash
# Installs the Debian packages credo's tests need, when missing: a PostgreSQL server,
# Chromium for the browser tests (Playwright drives /usr/bin/chromium; it cannot download
# one), a Java runtime for PySpark, a CJK font so court case numbers render in screenshots,
# wrk for the HTTP load benchmarks, and poppler-utils (pdftoppm, pdftotext) to check the
# organisation report's PDF.
set -euo pipefail
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
test -x /usr/bin/chromium || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
fc-list 2>/dev/null | grep -qi "cjk" || missing+=(fonts-noto-cjk)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
