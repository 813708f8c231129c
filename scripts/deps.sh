#!/bin/sh
# Checks that the Debian packages a step needs are installed. As root, it
# installs what is missing; otherwise it prints the exact apt-get line.
#   scripts/deps.sh build|test|demo|bench|fuzz
set -eu

build="gcc make pkg-config libetpan-dev libcurl4-gnutls-dev libsqlite3-dev libical-dev libgnutls28-dev libcairo2-dev libpango1.0-dev fonts-dejavu-core libsasl2-modules tzdata ca-certificates"
servers="dovecot-imapd postfix python3 python3-aiosmtpd"
case "${1:-build}" in
build) want="$build" ;;
test) want="$build libcmocka-dev $servers python3-icalendar python3-dateutil sqlite3 openssl systemd groff-base strace mount poppler-utils" ;;
demo) want="$build $servers" ;;
bench) want="$build $servers python3-scipy time" ;;
fuzz) want="$build clang-14 libclang-rt-14-dev" ;;
*) echo "usage: $0 build|test|demo|bench|fuzz" >&2; exit 2 ;;
esac

# Without dpkg (another distribution, a BSD, a build by hand), the packages
# cannot be asked for by their Debian names: the libraries are looked for
# with pkg-config instead, and what is missing is named.
if ! command -v dpkg-query >/dev/null 2>&1; then
	[ "${1:-build}" = build ] || { echo "$0 ${1:-build}: needs Debian's dpkg and apt-get" >&2; exit 1; }
	absent=""
	command -v pkg-config >/dev/null 2>&1 || { echo "mentord needs pkg-config to find its libraries" >&2; exit 1; }
	for m in libetpan libcurl sqlite3 libical gnutls; do
		pkg-config --exists "$m" || absent="$absent $m"
	done
	[ -z "$absent" ] && exit 0
	echo "mentord needs these libraries, with their development files (pkg-config names):$absent" >&2
	exit 1
fi

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "mentord needs these Debian packages:" >&2
	echo "  sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# others may be running apt on this machine: wait for their lock
apt="apt-get -o DPkg::Lock::Timeout=600"
# Postfix is only wanted for its smtp-sink and smtp-source tools: keep the
# package from configuring or starting a mail system.
if echo "$missing" | grep -q postfix; then
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
fi
# shellcheck disable=SC2086
if ! $apt install -y --no-install-recommends $missing; then
	$apt update
	# shellcheck disable=SC2086
	$apt install -y --no-install-recommends $missing
fi
