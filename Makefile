# toolsync: plain Makefile, libraries found with pkg-config.
#
#   make            build ./toolsync
#   make demo       install missing packages, build, run on the example catalogue
#   make check      install missing packages, build, run every test (and compile
#                   the fuzz targets with cc, so that an API change fails here)
#   make check SANITIZE=1   the same under AddressSanitizer + UBSan
#   make test-numbers   the number writer on 10 million upstream and random doubles
#   make bench      toolsync against the Python reference (tests/bench/run.sh;
#                   BENCH_SIZES, BENCH_RUNS, BENCH_PLACES; not part of check)
#   make fuzz       build the libFuzzer targets (clang)
#   make fuzz-smoke build them, run each for FUZZ_SECONDS (30) on its seed corpus
#   make install    PREFIX=/usr/local DESTDIR=: binary, man page, completions,
#                   share/toolsync (JSON Schemas, SQL, the example, demo.sh)
#   make uninstall  the same files removed
#   make deb        build/deb/toolsync_VERSION_ARCH.deb (dpkg-deb)
#   DEV=1           warnings are errors

VERSION   := $(shell cat VERSION)
PKGS      := libpq yaml-0.1 libsodium
CC        ?= cc
CFLAGS    ?= -O2 -g
WARNINGS  := -Wall -Wextra -Wvla -Wstrict-prototypes -Wmissing-prototypes \
             -Wshadow -Wformat=2 -Wno-format-nonliteral
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
             -DTOOLSYNC_VERSION='"$(VERSION)"' -Iinclude $(WARNINGS) \
             $(shell pkg-config --cflags $(PKGS)) $(CFLAGS) -MMD -MP
# libpq is opened with dlopen when a command first connects (src/pq.c): only
# its header is needed here, and every other command starts without it.
# Nor is libm linked (every library loaded costs each process its start-up,
# docs/performance.md): toolsync itself calls no libm function; the tests do.
LDLIBS     = $(shell pkg-config --libs $(filter-out libpq,$(PKGS))) -ldl -lpthread

ifeq ($(DEV),1)
ALL_CFLAGS += -Werror
endif

ifeq ($(SANITIZE),1)
B          := build/san
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS    += -fsanitize=address,undefined
# The sanitizer build must not clobber ./toolsync: tests find it by $(TOOLSYNC).
BIN        := $(B)/toolsync
else
B          := build/rel
BIN        := toolsync
endif

SRCS      := $(sort $(wildcard src/*.c))
LIB_OBJS  := $(patsubst src/%.c,$(B)/%.o,$(filter-out src/main.c,$(SRCS)))
UNIT_SRCS := $(sort $(wildcard tests/unit/check_*.c))
UNIT_OBJS := $(patsubst tests/unit/%.c,$(B)/unit/%.o,$(UNIT_SRCS))
# Each tests/unit/check_<m>.c exports Suite *<m>_suite(void).
SUITES    := $(filter-out all,$(patsubst tests/unit/check_%.c,%,$(UNIT_SRCS)))

.PHONY: all demo check unit scripted test-numbers deps deps-build deps-bench deps-fuzz bench fuzz \
        fuzz-smoke clean format install uninstall deb
all: $(BIN)

$(BIN): $(B)/main.o $(B)/libtoolsync.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/libtoolsync.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/%.o: src/%.c | $(B)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# --version comes from the file VERSION.
$(B)/main.o: VERSION

# Unit tests also link cJSON: an outside witness of toolsync's own JSON.
TEST_PKGS := check libcjson

$(B)/unit/%.o: tests/unit/%.c | $(B)/unit
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes $(shell pkg-config --cflags $(TEST_PKGS)) -Itests/unit -I$(B)/unit -c -o $@ $<

$(B)/unit/suites.h: $(UNIT_SRCS) Makefile | $(B)/unit
	@{ for s in $(SUITES); do echo "SUITE($$s)"; done; } > $@.tmp && \
	 { cmp -s $@.tmp $@ || mv $@.tmp $@; } && rm -f $@.tmp

$(B)/unit/check_all.o: $(B)/unit/suites.h

$(B)/check_all: $(UNIT_OBJS) $(B)/libtoolsync.a
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs $(TEST_PKGS)) $(LDLIBS) -lm

$(B) $(B)/unit:
	@mkdir -p $@

deps:
	@sh scripts/install-deps.sh test
deps-build:
	@sh scripts/install-deps.sh build
deps-bench:
	@sh scripts/install-deps.sh bench

demo: deps-build
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh ./$(BIN)

check: deps
	@$(MAKE) --no-print-directory all $(B)/check_all $(B)/fuzz-compiles
	@$(MAKE) --no-print-directory unit scripted

unit: $(B)/check_all
	CK_FORK=yes CK_DEFAULT_TIMEOUT=$${CK_DEFAULT_TIMEOUT:-120} TOOLSYNC_SRCDIR=$(CURDIR) $(B)/check_all

# check_number.c at full size: 10 million lines of RFC 8785's upstream
# number file and 10 million random doubles against a slow reference.
test-numbers: $(B)/check_all
	CK_RUN_SUITE=number CK_FORK=yes TOOLSYNC_NUMBERS_FULL=1 $(B)/check_all

# Every tests/t_*.sh gets TOOLSYNC (the binary) and runs from the top.
scripted: $(BIN)
	@TOOLSYNC=$(CURDIR)/$(BIN) sh tests/run-scripts.sh

bench: deps-bench
	@$(MAKE) --no-print-directory all
	@sh tests/bench/run.sh ./$(BIN)

# Fuzzing: the library once with -fsanitize=fuzzer-no-link (ASan, UBSan),
# then one libFuzzer binary per tests/fuzz/fuzz_*.c.  fuzz-smoke runs each
# for FUZZ_SECONDS on its seed corpus (tests/fuzz/corpus/<target>/).
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_OBJS    := $(patsubst src/%.c,build/fuzz/obj/%.o,$(filter-out src/main.c,$(SRCS)))
FUZZ_CFLAGS   = -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all -std=c11 \
                -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -DTOOLSYNC_VERSION='"$(VERSION)"' \
                -Iinclude $(shell pkg-config --cflags $(PKGS))
fuzz: $(FUZZ_TARGETS)
# Every check compiles the fuzz targets too (with $(CC), not linked:
# libFuzzer is clang's), so that an API change fails `make check`, not
# only `make fuzz-smoke`.
$(B)/fuzz-compiles: $(wildcard tests/fuzz/fuzz_*.c) $(wildcard include/toolsync/*.h)
	@mkdir -p $(B)
	$(CC) $(filter-out -MMD -MP,$(ALL_CFLAGS)) -Werror -fsyntax-only $(filter %.c,$^)
	@touch $@
build/fuzz/obj/%.o: src/%.c
	@mkdir -p build/fuzz/obj
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c -o $@ $<
build/fuzz/libtoolsync.a: $(FUZZ_OBJS)
	@rm -f $@
	ar rcs $@ $^
# -Werror for the targets: one that no longer matches the library's API
# must fail to build, not fuzz the wrong thing
build/fuzz/%: tests/fuzz/%.c build/fuzz/libtoolsync.a
	clang $(FUZZ_CFLAGS) -Wall -Werror -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS) -lm
deps-fuzz:
	@sh scripts/install-deps.sh fuzz
fuzz-smoke: deps-fuzz
	@$(MAKE) --no-print-directory fuzz
	@sh tests/fuzz/smoke.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Installation.  INSTALL_BIN is the binary installed (and asked for its
# completion scripts); tests pass the one under test.
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
DATADIR     ?= $(PREFIX)/share/toolsync
DOCDIR      ?= $(PREFIX)/share/doc/toolsync
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
INSTALL_BIN ?= $(BIN)
INSTALL     ?= install
# The example catalogue, installed under DATADIR/example with its layout.
EXAMPLE_FILES := toolsync.yaml registry.yaml toolsync.pub examples/debug.env \
                 examples/toolsync-accept.yaml $(sort $(wildcard schemas/*.schema.json)) \
                 $(sort $(wildcard schemas/templates/*.yaml schemas/templates/_defs/*.yaml)) \
                 $(shell find manifests -type f | LC_ALL=C sort)
SHARE_FILES   := $(sort $(wildcard schemas/*.schema.json)) $(sort $(wildcard schemas/sql/*.sql))

install: $(INSTALL_BIN)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
	  $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(DATADIR)/schemas/sql $(DESTDIR)$(DOCDIR)
	$(INSTALL) -m 755 $(INSTALL_BIN) $(DESTDIR)$(BINDIR)/toolsync
	$(INSTALL) -m 644 docs/toolsync.1 $(DESTDIR)$(MANDIR)/man1/toolsync.1
	$(abspath $(INSTALL_BIN)) completion bash > $(DESTDIR)$(BASHCOMPDIR)/toolsync
	$(abspath $(INSTALL_BIN)) completion zsh > $(DESTDIR)$(ZSHCOMPDIR)/_toolsync
	chmod 644 $(DESTDIR)$(BASHCOMPDIR)/toolsync $(DESTDIR)$(ZSHCOMPDIR)/_toolsync
	for f in $(SHARE_FILES); do $(INSTALL) -m 644 $$f $(DESTDIR)$(DATADIR)/$$f || exit 1; done
	for f in $(EXAMPLE_FILES); do \
	  $(INSTALL) -D -m 644 $$f $(DESTDIR)$(DATADIR)/example/$$f || exit 1; done
	$(INSTALL) -m 755 scripts/demo.sh $(DESTDIR)$(DATADIR)/demo.sh
	$(INSTALL) -m 644 README.md CHANGELOG.md LICENSE $(DESTDIR)$(DOCDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/toolsync $(DESTDIR)$(MANDIR)/man1/toolsync.1 \
	  $(DESTDIR)$(BASHCOMPDIR)/toolsync $(DESTDIR)$(ZSHCOMPDIR)/_toolsync
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)

# The Debian package: dependencies from dpkg-shlibdeps (the runtime
# libraries' packages, with the versions their symbols need).
DEBDIR ?= build/deb
deb: $(INSTALL_BIN)
	@sh scripts/mkdeb.sh $(INSTALL_BIN) $(DEBDIR)

format:
	clang-format -i src/*.c include/toolsync/*.h tests/unit/*.c

clean:
	rm -rf build toolsync

-include $(wildcard $(B)/*.d $(B)/unit/*.d build/fuzz/obj/*.d)
