# Bounded fuzzing of every parser with libFuzzer (clang-14), one target at a
# time (the machine may be shared):
#   make -f tests/fuzz/fuzz.mk BUILD=build/fuzz FUZZ_SECONDS=60 [FUZZ_TARGETS="form ical"]
#
#   mime     a raw message through MIME, delivery reports, classification,
#            quote stripping and the form (fuzz_mime.c)
#   form     the application form (fuzz_form.c)
#   command  subjects and committee command lines, check-in and RSVP
#            answers (fuzz_command.c)
#   ical     calendar replies (fuzz_ical.c)
#   dsn      delivery reports and Authentication-Results (fuzz_dsn.c)
#   html     HTML to text (fuzz_html.c)
#   config   the configuration file (fuzz_config.c)
#   json     a token service's JSON answers (fuzz_json.c)
#   address  one From value, read strictly as one mailbox (fuzz_address.c)
#   auth     one Authentication-Results value, read as RFC 8601 writes it
#            (fuzz_auth.c)
#   words    a words file, then its first line as a near-command and a
#            plain-word request (fuzz_words.c)
#   choice   a mentee's reply read for her ranked choice, and a mentor's
#            anonymous profile (fuzz_choice.c)
#   imap_answer  an IMAP server's answer line, for its response code and the
#            providers' words (fuzz_imap_answer.c)
#   oauth2_query  the address a browser ended on after sign-in
#            (fuzz_oauth2_query.c)
#
# Seeds are the sample corpus, the fixtures, tests/fuzz/seeds/TARGET and the
# reproducers kept in tests/fuzz/regress/TARGET (each crash found and fixed
# is kept there: `make unit` replays them, see tests/fuzz/replay.c). New
# corpus entries and crash reproducers are written under $(BUILD) only,
# never in the tree. The exit status is non-zero when the fuzzer finds a
# crash, a leak, undefined behaviour or a unit slower than FUZZ_TIMEOUT
# seconds. Each run ends with libFuzzer's figures (runs, coverage).

BUILD ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 20
FUZZ_CC ?= clang-14
FUZZ_TARGETS ?= mime form command ical dsn html config json address auth words imap_answer choice oauth2_query
VERSION = 0.1.0
DATADIR ?= /usr/local/share/mentord

PKGS = libetpan libcurl sqlite3 libical gnutls
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libetpan's .pc file carries a gcc-only -specs= option: drop it; libcurl
# and libical are loaded at run time (see the Makefile)
PKG_LIBS := $(filter-out -specs=%,$(shell pkg-config --libs libetpan sqlite3 gnutls 2>/dev/null)) -ldl -lm

SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -g -O1 -D_GNU_SOURCE -DTEMPLATEDIR='"$(DATADIR)/templates"' \
	      -DMENTORD_VERSION='"$(VERSION)"' $(SRC_DIRS:%=-iquote %) -iquote $(BUILD)/gen \
	      $(PKG_CFLAGS) $(SAN)

SRC_DIRS = src/core src/mail src/net src/programme src
SRC = $(filter-out src/main.c,$(wildcard $(SRC_DIRS:%=%/*.c)))
OBJ = $(SRC:src/%.c=$(BUILD)/obj/%.o)

include tests/fuzz/seeds.mk

.PHONY: all run build $(FUZZ_TARGETS:%=run-%)
# the objects are shared by every target: never removed as intermediates
.SECONDARY: $(OBJ)
all: run

build: $(FUZZ_TARGETS:%=$(BUILD)/fuzz_%)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# the shipped words files, built in (see the Makefile)
WORDS_FILES = $(sort $(wildcard templates/*/words))
$(BUILD)/gen/words_builtin.h: $(WORDS_FILES) scripts/words_builtin.sh
	@mkdir -p $(@D)
	scripts/words_builtin.sh $@ $(WORDS_FILES)
$(BUILD)/obj/core/words.o: $(BUILD)/gen/words_builtin.h
# and today's schema (see the Makefile)
$(BUILD)/gen/schema.inc: src/core/schema.sql scripts/schema_builtin.sh
	@mkdir -p $(@D)
	scripts/schema_builtin.sh $@ $<
$(BUILD)/obj/core/store.o: $(BUILD)/gen/schema.inc

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(OBJ) $(PKG_LIBS)

# libFuzzer writes new inputs to the first directory only; the others are
# read as seeds. One target after the other, never at once.
run: build
	@set -e; for t in $(FUZZ_TARGETS); do $(MAKE) --no-print-directory -f tests/fuzz/fuzz.mk run-$$t; done

$(FUZZ_TARGETS:%=run-%): run-%: $(BUILD)/fuzz_%
	@mkdir -p $(BUILD)/corpus-$* $(BUILD)/artifacts-$* tests/fuzz/regress/$*
	@# libFuzzer reads folders only: a seed that is a file joins the corpus
	@for s in $(SEEDS_$*); do [ -d "$$s" ] || cp "$$s" $(BUILD)/corpus-$*/; done
	@echo "== fuzz_$*: $(FUZZ_SECONDS) s"
	$(BUILD)/fuzz_$* -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=$(BUILD)/artifacts-$*/ $(BUILD)/corpus-$* \
	    $(foreach s,$(SEEDS_$*),$(if $(wildcard $(s)/.),$(s))) tests/fuzz/regress/$*
