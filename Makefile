# ceremony: offline, HSM-backed root CA toolkit.  See README.md.
PKGS     = libcrypto libp11 ncursesw hogweed nettle libgfshare
CC      ?= cc
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Werror
CFLAGS  ?= -O2 -g
override CFLAGS += -std=c11 -D_GNU_SOURCE $(WARN) -I. \
           $(shell pkg-config --cflags $(PKGS)) $(shell pkg-config --cflags p11-kit-1)
override LDLIBS += $(shell pkg-config --libs $(PKGS)) -lgmp -ldl -pthread
BUILD   ?= build

CORE     = $(wildcard util/*.c hsm/*.c db/*.c)
APP      = $(wildcard ceremony/*.c)
UNITS    = $(patsubst tests/unit/%.c,$(BUILD)/%,$(wildcard tests/unit/*.c))
CORE_O   = $(CORE:%.c=$(BUILD)/obj/%.o)
APP_O    = $(APP:%.c=$(BUILD)/obj/%.o)
LIB_O    = $(filter-out $(BUILD)/obj/ceremony/main.o,$(CORE_O) $(APP_O))

all: $(BUILD)/ceremony $(UNITS)

$(BUILD)/ceremony: $(CORE_O) $(APP_O)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/test_%: tests/unit/test_%.c $(LIB_O)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/obj/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# The sanitizer build of the same program and unit tests, in its own folder.
asan:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fno-omit-frame-pointer \
	  -fsanitize=address,undefined -fno-sanitize-recover=all"

test: all asan
	tests/run

clean:
	rm -rf build build-asan

# The benchmark (not a test): ceremony sign --inbox against openssl ca and
# the token's raw signing rate; N=100 make bench for a quick run.
$(BUILD)/bench-rawsign: bench/rawsign.c $(LIB_O)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

bench:
	bench/run

.PHONY: bench

.PHONY: all asan test clean
