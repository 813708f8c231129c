# Bounded fuzzing of the parsers with libFuzzer (clang-14): the mail
# readers (fuzz_mime) and the token service's JSON answers (fuzz_json):
#   make -f tests/fuzz/fuzz.mk BUILD=build/fuzz FUZZ_SECONDS=60
# Seeds are the sample corpus and the MIME fixtures; new corpus entries and
# crash reproducers are written under $(BUILD) only, never in the tree. The
# exit status is non-zero when the fuzzer finds a crash, a leak, undefined
# behaviour or a unit slower than FUZZ_TIMEOUT seconds.

BUILD ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 20
FUZZ_CC ?= clang-14
VERSION = 0.1.0
DATADIR ?= /usr/local/share/mentord

PKGS = libetpan libcurl sqlite3 libical gnutls
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libetpan's .pc file carries a gcc-only -specs= option: drop it; libcurl
# and libical are loaded at run time (see the Makefile)
PKG_LIBS := $(filter-out -specs=%,$(shell pkg-config --libs libetpan sqlite3 gnutls 2>/dev/null)) -ldl -lm

SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -g -O1 -D_GNU_SOURCE -DTEMPLATEDIR='"$(DATADIR)/templates"' \
	      -DMENTORD_VERSION='"$(VERSION)"' $(SRC_DIRS:%=-iquote %) $(PKG_CFLAGS) $(SAN)

SRC_DIRS = src/core src/mail src/net src/programme src
SRC = $(filter-out src/main.c,$(wildcard $(SRC_DIRS:%=%/*.c)))
OBJ = $(SRC:src/%.c=$(BUILD)/obj/%.o)
SEEDS = tests/corpus tests/fixtures/mime
JSON_SEEDS = tests/fixtures/json

.PHONY: all run build
# the objects are shared by every target: never removed as intermediates
.SECONDARY: $(OBJ)
all: run

build: $(BUILD)/fuzz_mime $(BUILD)/fuzz_json

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(OBJ) $(PKG_LIBS)

# libFuzzer writes new inputs to the first directory only; the others are
# read as seeds.
run: $(BUILD)/fuzz_mime $(BUILD)/fuzz_json
	@mkdir -p $(BUILD)/corpus-mime $(BUILD)/corpus-json $(BUILD)/artifacts
	$(BUILD)/fuzz_mime -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=$(BUILD)/artifacts/ $(BUILD)/corpus-mime $(SEEDS)
	$(BUILD)/fuzz_json -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=$(BUILD)/artifacts/ $(BUILD)/corpus-json $(JSON_SEEDS)
