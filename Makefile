# ftlint build. `make` builds ./ftlint, `make check` runs every test, `make demo` runs ftlint
# on the bundled example extension, `make bench` measures speed. Missing Debian packages are
# installed first (only when something is missing) by scripts/install-deps.sh, the one place
# the dependency list lives.

PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build

ifndef FTL_INNER
# Outer make: make sure the dependencies exist, then run the real build with them.
GOALS := $(or $(MAKECMDGOALS),all)
.PHONY: $(GOALS)
$(firstword $(GOALS)):
	@scripts/install-deps.sh --check >/dev/null 2>&1 || scripts/install-deps.sh
	@$(MAKE) --no-print-directory FTL_INNER=1 $(GOALS)
$(filter-out $(firstword $(GOALS)),$(GOALS)):
	@:
else

# Newest llvm-config first (19 down to 14), then the unversioned one; LLVM_CONFIG= overrides.
LLVM_CONFIG ?= $(firstword $(foreach v,19 18 17 16 15 14,$(shell command -v llvm-config-$(v) 2>/dev/null)) $(shell command -v llvm-config 2>/dev/null))
ifeq ($(LLVM_CONFIG),)
$(error llvm-config not found: install libclang-dev (scripts/install-deps.sh) or set LLVM_CONFIG=)
endif
LLVM_INCDIR := $(shell $(LLVM_CONFIG) --includedir)
LLVM_LIBDIR := $(shell $(LLVM_CONFIG) --libdir)

CC ?= cc
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -I$(LLVM_INCDIR) -Isrc -I$(BUILD) \
	$(shell pkg-config --cflags libcjson) $(EXTRA_CFLAGS)
LIBS := -L$(LLVM_LIBDIR) -lclang -Wl,-rpath,$(LLVM_LIBDIR) $(shell pkg-config --libs libcjson) -lpthread
CHECK_CFLAGS := $(shell pkg-config --cflags check)
CHECK_LIBS := $(shell pkg-config --libs check)

ENGINE_SRC := $(filter-out src/main.c,$(wildcard src/*.c))
RULE_SRC := $(wildcard rules/*.c)
RULE_DOCS := $(sort $(wildcard rules/*.md))
GEN_SRC := $(BUILD)/ruledocs.c
OBJ := $(patsubst %.c,$(BUILD)/%.o,$(ENGINE_SRC) $(RULE_SRC)) $(BUILD)/ruledocs.o
TESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/check_*.c))

.PHONY: all check demo install clean bench
all: ftlint

$(BUILD)/prelude.inc: src/prelude.h scripts/embed.sh
	@mkdir -p $(@D)
	scripts/embed.sh prelude $< > $@.tmp && mv $@.tmp $@

$(BUILD)/ruledocs.c: $(RULE_DOCS) scripts/embed.sh
	@mkdir -p $(@D)
	scripts/embed.sh docs $(RULE_DOCS) > $@.tmp && mv $@.tmp $@

$(BUILD)/%.o: %.c src/*.h $(BUILD)/prelude.inc
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/ruledocs.o: $(BUILD)/ruledocs.c src/ftlint.h
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libftlint.a: $(OBJ)
	@rm -f $@
	ar rcs $@ $^

ftlint: $(BUILD)/src/main.o $(BUILD)/libftlint.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/%.c tests/*.h $(BUILD)/libftlint.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Itests -o $@ $< $(BUILD)/libftlint.a $(LIBS) $(CHECK_LIBS)

check: ftlint $(TESTS)
	@fail=0; for t in $(TESTS); do echo "== $$t"; $$t || fail=1; done; exit $$fail

demo: ftlint
	@echo "== ftlint examples/demo (the bundled example extension)"
	@./ftlint examples/demo; st=$$?; [ $$st -le 1 ] || exit $$st   # 1 means findings: expected here

# Speed and memory against clang -fsyntax-only, on a generated corpus or BENCH_DIR=path
# (BENCH_FILES, BENCH_REPEAT, BENCH_FLAGS: see scripts/bench.sh). A measurement, not a test.
bench: ftlint
	FTLINT=./ftlint CLANG=$(shell $(LLVM_CONFIG) --bindir)/clang BENCH_OUT=$(BUILD)/bench \
		scripts/bench.sh

install: ftlint
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 ftlint $(DESTDIR)$(PREFIX)/bin/ftlint
	install -m 644 man/ftlint.1 $(DESTDIR)$(PREFIX)/share/man/man1/ftlint.1

clean:
	rm -rf $(BUILD) ftlint

endif
