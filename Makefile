# tracelab — review and label MLflow GenAI traces from a terminal.
#
#   make            build ./tracelab (in $(BUILD), linked to ./tracelab)
#   make test       every test; ends with "N passed, N failed"
#   make asan       the whole test suite under ASan + UBSan
#   make valgrind   the unit and CLI tests under valgrind memcheck
#   make fuzz       libFuzzer targets (clang), each for FUZZ_SECONDS (default 60)
#   make demo       build, write a demo store and open it
#   make bench      the million-trace benchmark, then a real MLflow server beside its client
#   make install / uninstall   (PREFIX, DESTDIR; the manual page under MANDIR)

VERSION := 0.1.0
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/tracelab
MANDIR  ?= $(PREFIX)/share/man
BUILD   ?= build
CC      ?= cc
CFLAGS  ?= -O2 -g

PKGS := ncursesw sqlite3 libcjson yaml-0.1 libcurl
PKG_CFLAGS := $(filter-out -D_XOPEN_SOURCE=% -D_DEFAULT_SOURCE,$(shell pkg-config --cflags $(PKGS)))
PKG_LIBS := $(shell pkg-config --libs $(PKGS))

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wcast-qual -Wpointer-arith -Wvla -Wundef -Wno-format-nonliteral
DEFS := -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -DNCURSES_WIDECHAR=1 \
	-DTRACELAB_VERSION='"$(VERSION)"' -DTRACELAB_DATADIR='"$(DATADIR)"'

ALL_CFLAGS = -std=c11 -pthread $(DEFS) $(WARN) $(CFLAGS) $(SANFLAGS) -Isrc -I$(BUILD)/gen $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = -pthread $(SANFLAGS) $(LDFLAGS)

# LIB_DIRS limits the library to some folders of src/ (e.g. "core store"),
# so one part can be built and tested while another is being written.
LIB_DIRS ?= $(notdir $(wildcard src/*))
LIB_SRC := $(sort $(foreach d,$(LIB_DIRS),$(wildcard src/$(d)/*.c)))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded.o
MAIN_OBJ := $(BUILD)/src/main.o
LIB := $(BUILD)/libtracelab.a
BIN := $(BUILD)/tracelab
MAN := $(BUILD)/tracelab.1

EMBED_FILES := $(sort $(wildcard keymaps/*.yaml themes/*.yaml examples/*.yaml examples/*.json examples/*.jsonl))

TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all test unit asan valgrind demo bench install uninstall clean fuzz

all: tracelab $(MAN)

tracelab: $(BIN)
	ln -sf $(BIN) tracelab

# The manual page is what the binary says of itself (--help's tables, the
# actions and their default keys), so the two cannot drift apart.
$(MAN): $(BIN)
	$(BIN) --man >$@.tmp && mv $@.tmp $@

$(BIN): $(MAIN_OBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB) $(PKG_LIBS) -lm

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: %.c | $(BUILD)/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/gen/embedded.o: $(BUILD)/gen/embedded.c
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/gen/embedded.c: $(EMBED_FILES) tools/embed.c
	@mkdir -p $(BUILD)/gen $(BUILD)/tools
	$(CC) -O1 -o $(BUILD)/tools/embed tools/embed.c
	$(BUILD)/tools/embed $@ $(foreach f,$(EMBED_FILES),$(f)=$(f))

$(BUILD)/tests/%: tests/unit/%.c tests/unit/test.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIB) $(PKG_LIBS) -lm $(ALL_LDFLAGS)

unit: $(TEST_BIN)

test: $(BIN) $(MAN) $(TEST_BIN)
	@BUILD=$(BUILD) sh tests/run.sh

asan:
	$(MAKE) BUILD=build-asan CFLAGS='-O1 -g' \
		SANFLAGS='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' test

valgrind: $(BIN) $(TEST_BIN)
	@BUILD=$(BUILD) TRACELAB_VALGRIND=1 sh tests/run.sh unit cli

fuzz:
	@FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) sh tests/fuzz/run.sh $(FUZZ_TARGETS)

# Writes demo.db once (labels made in it survive the next `make demo`), then
# opens it.
demo: tracelab
	@test -f demo.db || ./tracelab demo demo.db
	@./tracelab demo.db

bench: tracelab
	@BUILD=$(BUILD) sh tests/bench.sh
	@BUILD=$(BUILD) sh tests/bench_remote.sh

install: $(BIN) $(MAN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/keymaps $(DESTDIR)$(DATADIR)/themes \
		$(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/tracelab
	install -m 644 $(MAN) $(DESTDIR)$(MANDIR)/man1/tracelab.1
	install -m 644 keymaps/*.yaml $(DESTDIR)$(DATADIR)/keymaps/
	install -m 644 themes/*.yaml $(DESTDIR)$(DATADIR)/themes/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tracelab $(DESTDIR)$(MANDIR)/man1/tracelab.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-asan build-fuzz tracelab

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
