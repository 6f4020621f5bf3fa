# ceremony: offline, HSM-backed root CA toolkit.  See README.md.
PKGS     = libcrypto libp11 p11-kit-1 ncursesw hogweed nettle gmp libgfshare \
           libseccomp libpsl libidn2
CC      ?= cc
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Werror
CFLAGS  ?= -O2 -g
# := so that pkg-config runs once, not once per object.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
override CFLAGS += -std=c11 -D_GNU_SOURCE $(WARN) -I. $(PKG_CFLAGS)
override LDLIBS += $(PKG_LIBS) -ldl -pthread
BUILD   ?= build
CEREMONY ?= $(BUILD)/ceremony

CORE     = $(wildcard util/*.c hsm/*.c db/*.c)
APP      = $(wildcard ceremony/*.c ceremony/*/*.c tui/*.c)
UNITS    = $(patsubst tests/unit/%.c,$(BUILD)/%,$(wildcard tests/unit/*.c))
CORE_O   = $(CORE:%.c=$(BUILD)/obj/%.o)
APP_O    = $(APP:%.c=$(BUILD)/obj/%.o)
LIB_O    = $(filter-out $(BUILD)/obj/ceremony/cli/main.o,$(CORE_O) $(APP_O))

all: $(BUILD)/ceremony $(UNITS) man $(BUILD)/bench-ossl-gen

# Manual pages: ceremony(1) from the command and option tables of the
# binary itself, the file formats from the docs (scripts/md2man).
MAN      = $(BUILD)/man/ceremony.1 $(BUILD)/man/ceremony-templates.5 \
           $(BUILD)/man/ceremony-database.5
H_DEFINE = $(shell sed -n 's/^\#define $(1)[[:space:]]*"\(.*\)".*/\1/p' ceremony/ceremony.h)
MANDATE  = $(call H_DEFINE,CEREMONY_MAN_DATE)
VERSION  = $(call H_DEFINE,CEREMONY_VERSION)
man: $(MAN)

$(BUILD)/man/ceremony.1: $(CEREMONY)
	@mkdir -p $(dir $@)
	$(CEREMONY) help --man > $@.tmp && mv $@.tmp $@

$(BUILD)/man/ceremony-templates.5: scripts/md2man docs/templates.md docs/policy.md docs/crl.md
	@mkdir -p $(dir $@)
	scripts/md2man ceremony-templates 5 "certificate profiles, policies and CRL templates of ceremony" \
	  $(MANDATE) $(VERSION) docs/templates.md docs/policy.md \
	  "docs/crl.md:Template: templates/crl.cnf" \
	  "docs/crl.md:The issuingDistributionPoint: idp_form" > $@.tmp && mv $@.tmp $@

$(BUILD)/man/ceremony-database.5: scripts/md2man docs/database.md
	@mkdir -p $(dir $@)
	scripts/md2man ceremony-database 5 "the data directory of ceremony" \
	  $(MANDATE) $(VERSION) docs/database.md > $@.tmp && mv $@.tmp $@

$(BUILD)/ceremony: $(CORE_O) $(APP_O)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/test_%: tests/unit/test_%.c $(LIB_O)
	@mkdir -p $(BUILD)/obj/tests/unit
	$(CC) $(CFLAGS) -MMD -MP -MF $(BUILD)/obj/tests/unit/test_$*.d \
	  -o $@ $^ $(LDFLAGS) $(LDLIBS)

# Each object's header dependencies, written by the compiler (-MMD) with
# a phony target per header (-MP) so that a removed header breaks nothing.
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# The sanitizer build of the same program and unit tests, in its own folder.
asan:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fno-omit-frame-pointer \
	  -fsanitize=address,undefined -fno-sanitize-recover=all"

test: all asan
	tests/run

# libFuzzer harnesses (tests/fuzz/, docs/fuzzing.md): every object built
# again by clang with coverage and the sanitizers, in build-fuzz/.  make fuzz
# runs each harness FUZZ_TIME seconds on a scratch copy of its corpus.
FUZZ_CC   ?= clang
FUZZ_TIME ?= 60
FUZZERS   = $(patsubst tests/fuzz/%.c,$(BUILD)/%,$(wildcard tests/fuzz/fuzz_*.c))
fuzz-build:
	$(MAKE) BUILD=build-fuzz CC=$(FUZZ_CC) CFLAGS="-O1 -g \
	  -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
	  -fno-sanitize-recover=all" fuzzers

fuzzers: $(FUZZERS)

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/obj/tests/fuzz/scratch.o $(LIB_O)
	$(CC) $(CFLAGS) -MMD -MP -MF $(BUILD)/obj/tests/fuzz/fuzz_$*.d \
	  -fsanitize=fuzzer -o $@ $< \
	  $(BUILD)/obj/tests/fuzz/scratch.o $(LIB_O) $(LDFLAGS) $(LDLIBS)

fuzz: fuzz-build
	FUZZ_TIME=$(FUZZ_TIME) tests/fuzz/run

clean:
	rm -rf build build-asan build-fuzz

# make install [PREFIX=/usr/local] [DESTDIR=...]: the binary, templates,
# example scripts (their templates named, found by the search path), docs,
# manual pages and bash completion.  CEREMONY= installs that binary
# instead of $(BUILD)/ceremony (the tests install the one they test).
PREFIX  ?= /usr/local
D        = $(DESTDIR)$(PREFIX)
SCRIPTS  = $(wildcard docs/scripts/*.cnf)
DOCS     = README.md $(wildcard docs/*.md)
install: $(CEREMONY) $(MAN)
	install -d $(D)/bin $(D)/share/ceremony/templates \
	  $(D)/share/ceremony/scripts $(D)/share/doc/ceremony \
	  $(D)/share/man/man1 $(D)/share/man/man5 \
	  $(D)/share/bash-completion/completions
	install -m 755 $(CEREMONY) $(D)/bin/ceremony
	install -m 644 templates/*.cnf $(D)/share/ceremony/templates
	for f in $(SCRIPTS); do \
	  sed 's#\.\./\.\./templates/\([^ ]*\)\.cnf#\1#' $$f > $(D)/share/ceremony/scripts/$${f##*/} && \
	  chmod 644 $(D)/share/ceremony/scripts/$${f##*/} || exit 1; done
	install -m 644 $(DOCS) $(D)/share/doc/ceremony
	install -m 644 $(BUILD)/man/ceremony.1 $(D)/share/man/man1
	install -m 644 $(BUILD)/man/ceremony-templates.5 \
	  $(BUILD)/man/ceremony-database.5 $(D)/share/man/man5
	install -m 644 scripts/ceremony.bash-completion \
	  $(D)/share/bash-completion/completions/ceremony

uninstall:
	rm -f $(D)/bin/ceremony $(D)/share/man/man1/ceremony.1 \
	  $(D)/share/man/man5/ceremony-templates.5 \
	  $(D)/share/man/man5/ceremony-database.5 \
	  $(D)/share/bash-completion/completions/ceremony
	rm -rf $(D)/share/ceremony $(D)/share/doc/ceremony

# The benchmark (not a test): ceremony sign --inbox against openssl ca and
# the token's raw signing rate; N=100 make bench for a quick run.
$(BUILD)/bench-rawsign: bench/rawsign.c $(LIB_O)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

# An openssl ca database's bulk, each certificate signed (bench/ossl-db).
$(BUILD)/bench-ossl-gen: bench/ossl-gen.c
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

bench:
	bench/run
	bench/ossl-db

.PHONY: bench

.PHONY: all asan test clean man install uninstall fuzz fuzz-build fuzzers
