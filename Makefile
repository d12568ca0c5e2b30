# ftlint build. `make` builds ./ftlint, `make check` runs every test, `make demo` runs ftlint
# on the bundled example extension, `make bench` measures speed. `make check-asan` and `make check-valgrind` run the whole
# suite under AddressSanitizer+UndefinedBehaviorSanitizer and under Valgrind's memcheck;
# `make fuzz`, `make fuzz-smoke` and `make fuzz-regress` build and run the libFuzzer targets
# of tests/fuzz/. Instrumented builds live in their own directories (build-asan, build-valgrind,
# build-fuzz) and never replace ./ftlint. Missing Debian packages are installed first (only when
# something is missing) by scripts/install-deps.sh, the one place the dependency list lives.

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
# The order suites start in when several run at once: the longest first, so that none is left
# running alone at the end.
SLOW_SUITES := check_speed check_hostile check_report check_workflow check_fixes check_cli
SUITE_ORDER = $(foreach t,$(SLOW_SUITES),$(filter $(BUILD)/tests/$(t),$(TESTS))) \
	$(filter-out $(patsubst %,$(BUILD)/tests/%,$(SLOW_SUITES)),$(TESTS))
# How many suites run at once (tests/run-suites.sh): one per CPU.
SUITE_JOBS ?= $(shell nproc 2>/dev/null || echo 1)

# The clang of the libclang in use (its sanitizer and libFuzzer runtimes come from
# libclang-rt-N-dev); CLANG= overrides.
CLANG ?= $(or $(wildcard $(shell $(LLVM_CONFIG) --bindir)/clang),clang)

.PHONY: all check demo install clean bench check-asan check-valgrind check-variant check-oldest-libclang \
	fuzz fuzz-smoke fuzz-regress fuzz-build fuzz-bins
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

$(BUILD)/ftlint: $(BUILD)/src/main.o $(BUILD)/libftlint.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

# ./ftlint is the default build's binary; an instrumented variant (FTL_VARIANT set) keeps its
# binary in its build directory.
ftlint: $(BUILD)/ftlint
ifdef FTL_VARIANT
	$(error the $(FTL_VARIANT) build never replaces ./ftlint; use $(BUILD)/ftlint)
endif
	cp $< $@

$(BUILD)/tests/%: tests/%.c tests/*.h $(BUILD)/libftlint.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Itests -o $@ $< $(BUILD)/libftlint.a $(LIBS) $(CHECK_LIBS)

# The suites run the binary named by the environment variable FTLINT (default ./ftlint; see
# run_cmd in tests/testutil.h), SUITE_JOBS at a time.
check: ftlint $(TESTS)
	@tests/run-suites.sh $(SUITE_JOBS) $(SUITE_ORDER)

# ---- instrumented runs of the whole suite -------------------------------------------------------

SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Sanitizer reports go to files (one per process) so that no test can miss one by ignoring an
# exit status or an output; the run fails when any file was written. 86: no status ftlint uses.
SAN_LOGS = $(abspath $(BUILD))/sanitizer-logs
SAN_ENV = ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:exitcode=86:detect_leaks=1:log_path=$(SAN_LOGS)/asan:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=86:log_path=$(SAN_LOGS)/ubsan \
	LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
	CK_TIMEOUT_MULTIPLIER=4

check-asan:
	@$(MAKE) --no-print-directory FTL_INNER=1 BUILD=build-asan FTL_VARIANT=asan CC=$(CLANG) \
		CFLAGS="-O1 -g $(SAN_FLAGS)" check-variant

# Valgrind: the suites and every ftlint they start run under memcheck (uninstrumented -O1
# build; tests/valgrind-ftlint.sh is the FTLINT). Errors and definite leaks fail the run;
# tests/valgrind.supp names the only suppressed report (inside libclang). Reports, one file per
# process with the command that ran it: build-valgrind/valgrind-logs/.
VG_LOGS = $(abspath $(BUILD))/valgrind-logs
VG_OPTS = --quiet --error-exitcode=86 --leak-check=full --show-leak-kinds=definite \
	--errors-for-leak-kinds=definite --num-callers=40 --suppressions=$(abspath tests/valgrind.supp) \
	--max-stackframe=1073741824 --main-stacksize=67108864
check-valgrind:
	@$(MAKE) --no-print-directory FTL_INNER=1 BUILD=build-valgrind FTL_VARIANT=valgrind \
		CFLAGS="-O1 -g -fno-omit-frame-pointer" check-variant

# The whole suite built against the oldest libclang ftlint supports (14, Debian's
# libclang-14-dev), in build-llvm14/: findings must not depend on the libclang version.
OLDEST_LLVM := 14
check-oldest-libclang:
	@command -v llvm-config-$(OLDEST_LLVM) >/dev/null || \
		{ echo "check-oldest-libclang: llvm-config-$(OLDEST_LLVM) is missing (scripts/install-deps.sh installs it)"; exit 2; }
	@$(MAKE) --no-print-directory FTL_INNER=1 BUILD=build-llvm$(OLDEST_LLVM) FTL_VARIANT=oldest \
		LLVM_CONFIG=llvm-config-$(OLDEST_LLVM) check-variant

# The body of check-asan and check-valgrind (run with BUILD and FTL_VARIANT set): the suites,
# SUITE_JOBS at a time, each with the time it took.
check-variant: $(BUILD)/ftlint $(TESTS)
ifeq ($(FTL_VARIANT),asan)
	@rm -rf $(SAN_LOGS) && mkdir -p $(SAN_LOGS) && chmod 1777 $(SAN_LOGS)   # a test runs ftlint as nobody
	@fail=0; env FTLINT=$(abspath $(BUILD)/ftlint) $(SAN_ENV) \
		tests/run-suites.sh $(SUITE_JOBS) $(SUITE_ORDER) || fail=1; \
	if [ -n "$$(ls -A $(SAN_LOGS))" ]; then cat $(SAN_LOGS)/*; echo "sanitizer reports above"; fail=1; fi; exit $$fail
else ifeq ($(FTL_VARIANT),valgrind)
	@rm -rf $(VG_LOGS) && mkdir -p $(VG_LOGS) && chmod 1777 $(VG_LOGS)   # a test runs ftlint as nobody
	@fail=0; env FTLINT=$(abspath tests/valgrind-ftlint.sh) FTL_VG_BIN=$(abspath $(BUILD)/ftlint) \
		FTL_VG_LOGS=$(VG_LOGS) FTL_VG_OPTS="$(VG_OPTS)" CK_TIMEOUT_MULTIPLIER=30 FTL_TEST_SCALE=10 \
		SUITE_WRAPPER="valgrind $(VG_OPTS) --log-file=$(VG_LOGS)/%q{FTL_SUITE}.%p" \
		tests/run-suites.sh $(SUITE_JOBS) $(SUITE_ORDER) || fail=1; \
	for f in $(VG_LOGS)/check_* $(VG_LOGS)/ftlint.*; do [ -s "$$f" ] || continue; \
		c=$(VG_LOGS)/cmd.$${f##*.}; echo "== $$f"; [ -f "$$c" ] && cat "$$c"; cat "$$f"; bad=1; done; \
	if [ -n "$${bad:-}" ]; then echo "valgrind reports above"; fail=1; fi; exit $$fail
else ifeq ($(FTL_VARIANT),oldest)
	@env FTLINT=$(abspath $(BUILD)/ftlint) tests/run-suites.sh $(SUITE_JOBS) $(SUITE_ORDER)
else
	$(error check-variant is run by check-asan, check-valgrind and check-oldest-libclang)
endif

# ---- libFuzzer targets (tests/fuzz/fuzz_*.c; tests/fuzz/run.sh runs them) ------------------------

FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

# Builds every target in build-fuzz/fuzz/ with clang, libFuzzer, ASan and UBSan.
fuzz-build:
	@$(MAKE) --no-print-directory FTL_INNER=1 BUILD=build-fuzz FTL_VARIANT=fuzz CC=$(CLANG) \
		CFLAGS="$(FUZZ_CFLAGS)" fuzz-bins

fuzz-bins: $(patsubst %,$(BUILD)/fuzz/%,$(FUZZ_TARGETS))
	@:

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/*.h $(BUILD)/libftlint.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Itests/fuzz -o $@ $< $(BUILD)/libftlint.a $(LIBS)

FUZZ_ENV = ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# Each target for FUZZ_SECONDS (default 60), one after the other.
fuzz: fuzz-build
	@$(FUZZ_ENV) tests/fuzz/run.sh run $(FUZZ_SECONDS)

# Each target briefly (FUZZ_SMOKE_SECONDS, default 10 s), for CI.
fuzz-smoke: fuzz-build
	@$(FUZZ_ENV) tests/fuzz/run.sh run $(FUZZ_SMOKE_SECONDS)

# Every committed seed and crash input (tests/fuzz/regress/) once.
fuzz-regress: fuzz-build
	@$(FUZZ_ENV) tests/fuzz/run.sh regress

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
	rm -rf $(BUILD) build-asan build-valgrind build-fuzz build-llvm14 ftlint

endif
