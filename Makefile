# mentord: a mentoring programme run by email.
#
#   make            build build/mentord (installs missing Debian packages
#                   when run as root, else prints the apt-get line)
#   make check      unit, integration and docs tests, then again under ASan+UBSan
#   make demo       a short programme against a local Dovecot and SMTP sink
#   make bench      performance figures beside their references
#   make fuzz       bounded fuzzing of the parsers (FUZZ_SECONDS each)
#   make install    PREFIX=/usr/local DESTDIR= (DEPS=no: no package installs)

VERSION = 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/mentord
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
DESTDIR ?=
DEPS ?= yes

BUILD ?= build
CC ?= cc
CFLAGS ?= -O2 -g
WERROR ?=
SAN ?=
PYTHON ?= /usr/bin/python3
FUZZ_SECONDS ?= 60

PKGS = libetpan libcurl sqlite3 libical gnutls cairo pangocairo
# libcurl and libical are opened at run time, while they are needed
# (src/net/curl_lib.c, src/mail/ical.c): an idle daemon does not carry them
LINKED_PKGS = libetpan sqlite3 gnutls cairo pangocairo
# These ask pkg-config about libraries that `deps` may install only after
# this file was read: each is computed at its first use in a recipe, then
# kept (lazy NAME,VALUE), never at reading; and every target that installs
# packages builds in a make started after them (see `all`).
lazy = $(eval $(1) = $$(eval $(1) := $(2))$$($(1)))
# libetpan's .pc file carries a gcc-only -specs= option: drop it
$(call lazy,PKG_CFLAGS,$$(shell pkg-config --cflags $(PKGS) 2>/dev/null))
$(call lazy,PKG_LIBS,$$(filter-out -specs=%,$$(shell pkg-config --libs $(LINKED_PKGS) 2>/dev/null)) -ldl -lm)
# the name the run-time loader knows a library by: SONAME of its .so link
soname = $(shell objdump -p $$(pkg-config --variable=libdir $(1) 2>/dev/null)/$(2) 2>/dev/null \
           | sed -n 's/^ *SONAME *//p')
$(call lazy,CURL_SONAME,$$(or $$(call soname,libcurl,libcurl.so),libcurl-gnutls.so.4))
$(call lazy,ICAL_SONAME,$$(or $$(call soname,libical,libical.so),libical.so.3))
# test_ical reads what ical.c writes with libical itself
$(call lazy,TEST_LIBS,$$(shell pkg-config --libs libical cmocka 2>/dev/null))

WARN = -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wpointer-arith -Wcast-qual -Wwrite-strings -Wformat=2
ALL_CFLAGS = $(WARN) $(WERROR) $(CFLAGS) $(SAN) -D_GNU_SOURCE -MMD -MP \
             -DTEMPLATEDIR='"$(DATADIR)/templates"' -DMENTORD_VERSION='"$(VERSION)"' \
             -DCURL_SONAME='"$(CURL_SONAME)"' -DICAL_SONAME='"$(ICAL_SONAME)"' \
             $(SRC_DIRS:%=-iquote %) -iquote $(BUILD)/gen $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SAN)

# The layers, from the bottom up (src/README.md): each folder may include
# the ones before it only
SRC_DIRS = src/core src/mail src/net src/programme src
SRC = $(wildcard $(SRC_DIRS:%=%/*.c))
OBJ = $(SRC:src/%.c=$(BUILD)/obj/%.o)
LIB_OBJ = $(filter-out $(BUILD)/obj/main.o,$(OBJ))
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
# every fuzz target, outside libFuzzer, over its seeds and kept reproducers
FUZZ_NAMES = $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
REPLAY_BIN = $(FUZZ_NAMES:%=$(BUILD)/tests/replay_%)
include tests/fuzz/seeds.mk

SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all deps deps-test check layers unit integration docs check-asan demo bench fuzz install clean

# The Debian packages first, then the build in a make of its own that reads
# pkg-config's answers only now that the libraries are there.
# DEPS=no leaves packages alone (a package build, debian/rules).
all: deps
	@$(MAKE) --no-print-directory $(BUILD)/mentord

deps:
	@[ "$(DEPS)" = no ] || scripts/deps.sh build

deps-test:
	@[ "$(DEPS)" = no ] || scripts/deps.sh test

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The shipped templates' folder is compiled into cycle.o: rebuild it when
# PREFIX or DATADIR changes (make; sudo make install PREFIX=/usr)
PREFIX_STAMP = $(BUILD)/datadir$(subst /,-,$(DATADIR)).stamp
$(PREFIX_STAMP):
	@mkdir -p $(@D)
	@rm -f $(BUILD)/datadir*.stamp
	@touch $@
$(BUILD)/obj/cycle.o: $(PREFIX_STAMP)

# Today's schema (src/core/schema.sql) built into store.o as a C string
$(BUILD)/gen/schema.inc: src/core/schema.sql scripts/schema_builtin.sh
	@mkdir -p $(@D)
	scripts/schema_builtin.sh $@ $<
$(BUILD)/obj/core/store.o: $(BUILD)/gen/schema.inc

# The shipped words files, built into words.o (src/core/words.h)
WORDS_FILES = $(sort $(wildcard templates/*/words))
$(BUILD)/gen/words_builtin.h: $(WORDS_FILES) scripts/words_builtin.sh
	@mkdir -p $(@D)
	scripts/words_builtin.sh $@ $(WORDS_FILES)
$(BUILD)/obj/core/words.o: $(BUILD)/gen/words_builtin.h

$(BUILD)/mentord: $(OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $(OBJ) $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIB_OBJ) $(ALL_LDFLAGS) $(PKG_LIBS) $(TEST_LIBS)

# The whole suite twice: a normal build with -Werror, then the same under
# AddressSanitizer and UndefinedBehaviorSanitizer.
check: deps-test layers
	$(MAKE) --no-print-directory WERROR=-Werror unit integration docs
	$(MAKE) --no-print-directory check-asan
	@echo "make check: all tests passed (normal and sanitizer builds)"

# No include circle, no include of a higher layer (src/README.md); the
# self-test shows the check fails on trees made to fail
layers:
	@$(PYTHON) tests/check_layers.py
	@$(PYTHON) tests/check_layers.py --self-test

check-asan:
	$(MAKE) --no-print-directory BUILD=$(BUILD)/asan WERROR=-Werror CFLAGS="-O1 -g" \
	    SAN="$(SAN_FLAGS)" unit integration

$(BUILD)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< tests/fuzz/replay.c $(LIB_OBJ) $(ALL_LDFLAGS) $(PKG_LIBS)

unit: $(UNIT_BIN) $(REPLAY_BIN) $(BUILD)/mentord
	@set -e; export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1; \
	 export MENTORD_SOURCE=$(CURDIR); \
	 for t in $(UNIT_BIN); do echo "== $$t"; $$t; done; \
	 $(foreach n,$(FUZZ_NAMES),$(BUILD)/tests/replay_$(n) $(SEEDS_$(n)) $(wildcard tests/fuzz/regress/$(n));)

integration: $(BUILD)/mentord
	MENTORD=$(CURDIR)/$(BUILD)/mentord $(PYTHON) tests/integration/run.py

# The documentation and the units against the code: every configuration key
# in mentord.conf(5) and the example, the man pages through groff, the
# units' sandbox through systemd-analyze
docs:
	$(PYTHON) tests/docs/run.py

demo: all
	@[ "$(DEPS)" = no ] || scripts/deps.sh demo
	@$(PYTHON) scripts/demo.py --mentord $(CURDIR)/$(BUILD)/mentord

bench: all
	@[ "$(DEPS)" = no ] || scripts/deps.sh bench
	MENTORD=$(CURDIR)/$(BUILD)/mentord $(PYTHON) tests/bench/run.py

fuzz: deps
	@[ "$(DEPS)" = no ] || scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory -f tests/fuzz/fuzz.mk BUILD=$(BUILD)/fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

# The binary, templates, man pages, both units, the mentord user and its
# state folder (sysusers.d, tmpfiles.d; created at once when installing into
# the running system), and the example configuration.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/templates/en \
	    $(DESTDIR)$(DATADIR)/templates/fr $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) \
	    $(DESTDIR)$(SYSCONFDIR)/mentord
	install -m 755 $(BUILD)/mentord $(DESTDIR)$(BINDIR)/mentord
	install -m 644 templates/en/* $(DESTDIR)$(DATADIR)/templates/en/
	install -m 644 templates/fr/* $(DESTDIR)$(DATADIR)/templates/fr/
	install -m 644 doc/mentord.8 $(DESTDIR)$(MANDIR)/man8/mentord.8
	install -m 644 doc/mentord.conf.5 $(DESTDIR)$(MANDIR)/man5/mentord.conf.5
	for u in mentord.service mentord@.service; do \
	    sed 's|/usr/bin/mentord|$(BINDIR)/mentord|' systemd/$$u > $(DESTDIR)$(UNITDIR)/$$u && \
	    chmod 644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; done
	install -m 644 systemd/mentord.sysusers $(DESTDIR)$(SYSUSERSDIR)/mentord.conf
	install -m 644 systemd/mentord.tmpfiles $(DESTDIR)$(TMPFILESDIR)/mentord.conf
	install -m 644 doc/mentord.conf.example $(DESTDIR)$(SYSCONFDIR)/mentord/mentord.conf.example
	@if [ -z "$(DESTDIR)" ] && command -v systemd-sysusers >/dev/null; then \
	    echo "systemd-sysusers $(SYSUSERSDIR)/mentord.conf"; \
	    systemd-sysusers $(SYSUSERSDIR)/mentord.conf && \
	    echo "systemd-tmpfiles --create $(TMPFILESDIR)/mentord.conf" && \
	    systemd-tmpfiles --create $(TMPFILESDIR)/mentord.conf; \
	elif [ -z "$(DESTDIR)" ]; then \
	    getent passwd mentord >/dev/null || \
	        useradd --system --user-group --home-dir /var/lib/mentord --no-create-home \
	            --shell /usr/sbin/nologin --comment "mentord mentoring programme robot" mentord && \
	    install -d -m 700 -o mentord -g mentord /var/lib/mentord && \
	    echo "make install: the mentord user and /var/lib/mentord are there (useradd)"; fi

clean:
	rm -rf build spool/demo spool/outbox

-include $(OBJ:.o=.d)
