#!/bin/sh
# Proves that the README's commands work the first time on a pristine
# Debian 12: each scenario starts from a fresh copy of a minimal bookworm
# (debootstrap --variant=minbase, then build-essential and git only) and a
# fresh clone of this repository's HEAD, and runs the commands in order.
#
#   scripts/fresh-machine.sh [SCENARIO...]     as root
#
#   demo-check    make demo, then make check
#   make-install  make, then make install, then the installed mentord
#   bench         make bench
#   deb           builds the Debian package in one fresh machine (build
#                 dependencies from debian/control only), installs it with
#                 apt-get in another, and runs the installed mentord
#   base          only prepares the pristine machine (done by the others)
#
# Without a scenario: demo-check, make-install and deb. Every step's time
# is printed and kept in WORK/timings.txt, its output in WORK/SCENARIO/*.log.
#
#   FRESH_WORK=/var/tmp/mentord-fresh   where the machines live
#   FRESH_KEEP=1                        keep each machine afterwards
#   FRESH_REBASE=1                      make the pristine machine again
#
# The machines share the host's network (apt's mirror). Package scripts in
# them may not start services (a policy-rc.d says so), as in any chroot
# build: a Dovecot started by its package would listen on the host's ports.
set -eu

REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=${FRESH_WORK:-/var/tmp/mentord-fresh}
BASE_TAR=$WORK/bookworm-minbase.tar
APT="apt-get -o DPkg::Lock::Timeout=600"
MOUNTED=""

[ "$(id -u)" = 0 ] || { echo "fresh-machine: run as root (debootstrap, chroot)" >&2; exit 2; }
mkdir -p "$WORK"

log() { printf '%s\n' "$*" | tee -a "$WORK/timings.txt"; }

mirror() {
	sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1 |
	    grep . || echo http://deb.debian.org/debian
}

# timed NAME COMMAND...: runs a step, records how long it took
timed() {
	name=$1
	shift
	start=$(date +%s)
	if "$@"; then
		log "  $name: ok in $(($(date +%s) - start)) s"
	else
		rc=$?
		log "  $name: FAILED (exit $rc) after $(($(date +%s) - start)) s"
		return "$rc"
	fi
}

mount_machine() {
	root=$1
	mount -t proc proc "$root/proc"
	mount --bind /dev "$root/dev"
	mount --bind /dev/pts "$root/dev/pts"
	MOUNTED="$root $MOUNTED"
}

umount_machine() {
	root=$1
	for m in "$root/dev/pts" "$root/dev" "$root/proc"; do
		if mountpoint -q "$m"; then
			umount "$m" || umount -l "$m"
		fi
	done
	MOUNTED=$(echo "$MOUNTED" | sed "s|$root ||")
}

# Whatever happens, no machine stays mounted and no process of one runs on.
cleanup() {
	for root in $MOUNTED; do
		for pid in $(ls /proc | grep -E '^[0-9]+$'); do
			if [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$root" ]; then
				kill -9 "$pid" 2>/dev/null || true
			fi
		done
		umount_machine "$root"
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# in ROOT COMMAND: a login-like shell of the machine, the environment of a
# fresh root session there and nothing of ours
in_machine() {
	root=$1
	shift
	chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
	    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	    /bin/sh -c "$*"
}

make_base() {
	root=$WORK/base
	rm -rf "$root"
	debootstrap --variant=minbase bookworm "$root" "$(mirror)" >"$WORK/base-debootstrap.log" 2>&1 ||
	    { tail -n 20 "$WORK/base-debootstrap.log" >&2; return 1; }
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	mount_machine "$root"
	in_machine "$root" "export DEBIAN_FRONTEND=noninteractive; $APT update &&
	    $APT install -y build-essential git" >"$WORK/base-packages.log" 2>&1 ||
	    { tail -n 20 "$WORK/base-packages.log" >&2; umount_machine "$root"; return 1; }
	in_machine "$root" "$APT clean"
	umount_machine "$root"
	tar -C "$root" -cf "$BASE_TAR.new" . && mv "$BASE_TAR.new" "$BASE_TAR"
	rm -rf "$root"
}

base() {
	if [ -s "$BASE_TAR" ] && [ -z "${FRESH_REBASE:-}" ]; then
		return 0
	fi
	log "pristine machine (debootstrap minbase bookworm, build-essential, git):"
	timed "debootstrap and packages" make_base
}

# fresh NAME: a new machine from the pristine copy, with a fresh clone of
# this repository's HEAD in /root/mentord
fresh() {
	root=$WORK/$1
	rm -rf "$root"
	mkdir -p "$root"
	tar -C "$root" -xf "$BASE_TAR"
	# no package script may start a service here
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	git clone -q "$REPO" "$root/root/mentord"
	git -C "$root/root/mentord" checkout -q "$(git -C "$REPO" rev-parse HEAD)"
	mount_machine "$root"
}

done_with() {
	root=$WORK/$1
	umount_machine "$root"
	[ -n "${FRESH_KEEP:-}" ] || rm -rf "$root"
}

# step SCENARIO NAME COMMAND: runs COMMAND in the scenario's machine
step() {
	scen=$1 name=$2
	shift 2
	out=$WORK/$scen-$(echo "$name" | tr -c 'a-zA-Z0-9\n-' '_').log
	timed "$name" logged "$out" "$WORK/$scen" "$*" || { tail -n 30 "$out" >&2; return 1; }
}

# logged FILE ROOT COMMAND: the command's output goes to FILE only
logged() {
	file=$1
	shift
	in_machine "$@" >"$file" 2>&1
}

demo_check() {
	log "demo-check: make demo, then make check"
	fresh demo-check
	step demo-check "make demo" "cd /root/mentord && make demo"
	step demo-check "make check" "cd /root/mentord && make check"
	done_with demo-check
}

make_install() {
	log "make-install: make, then make install"
	fresh make-install
	step make-install "make" "cd /root/mentord && make"
	step make-install "make install" "cd /root/mentord && make install"
	step make-install "installed mentord" "mentord --version &&
	    getent passwd mentord && test \"\$(stat -c %U /var/lib/mentord)\" = mentord &&
	    test -f /usr/local/share/mentord/templates/en/help &&
	    test -f /usr/local/share/man/man5/mentord.conf.5 &&
	    test -f /usr/local/lib/systemd/system/mentord@.service &&
	    mentord -c /etc/mentord/mentord.conf.example check-config | grep 'configuration ok'"
	done_with make-install
}

bench() {
	log "bench: make bench"
	fresh bench
	step bench "make bench" "cd /root/mentord && make bench"
	done_with bench
}

deb() {
	log "deb: build the package in one machine, install it in another"
	fresh deb-build
	step deb-build "build dependencies" "export DEBIAN_FRONTEND=noninteractive; cd /root/mentord &&
	    $APT build-dep -y ./"
	step deb-build "dpkg-buildpackage" "cd /root/mentord && dpkg-buildpackage -us -uc -b"
	rm -f "$WORK"/mentord_*.deb
	cp "$WORK"/deb-build/root/mentord_*.deb "$WORK/"
	done_with deb-build
	fresh deb-install
	cp "$WORK"/mentord_*.deb "$WORK/deb-install/root/"
	step deb-install "apt-get install ./mentord_*.deb" "export DEBIAN_FRONTEND=noninteractive;
	    cd /root && $APT install -y ./mentord_*.deb"
	step deb-install "installed package" "mentord --version &&
	    getent passwd mentord && test -d /var/lib/mentord &&
	    test -f /lib/systemd/system/mentord.service && test -f /lib/systemd/system/mentord@.service &&
	    test -f /usr/share/man/man5/mentord.conf.5.gz &&
	    test \"\$(stat -c %U /var/lib/mentord)\" = mentord &&
	    mentord -c /etc/mentord/mentord.conf.example check-config | grep 'configuration ok'"
	done_with deb-install
}

[ $# -gt 0 ] || set -- demo-check make-install deb
log "fresh-machine: $(git -C "$REPO" log -1 --format='%h %s') on $(date -u +%Y-%m-%dT%H:%MZ)"
base
for s in "$@"; do
	case $s in
	base) ;;
	demo-check) demo_check ;;
	make-install) make_install ;;
	bench) bench ;;
	deb) deb ;;
	*) echo "fresh-machine: unknown scenario $s" >&2; exit 2 ;;
	esac
done
log "fresh-machine: all passed: $*"
