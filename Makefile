# ip_cluster — build, test, install, demo.
#   make                 build everything (Release)
#   sudo make test       install missing Debian packages, build, run every test
#   sudo make demo       the seed's set-up in a namespace lab
#   sudo make demo-ha    a front-end failover with connections streaming through it
#   make install PREFIX=/usr/local DESTDIR=
#   sudo make stress     the long stress tests (not part of test)
#   sudo make bench      the benchmarks (not part of test)

PREFIX    ?= /usr/local
DESTDIR   ?=
CONFIG    ?= Release
DOTNET    ?= dotnet
SBIN      := $(DESTDIR)$(PREFIX)/sbin
LIBDIR    := $(DESTDIR)$(PREFIX)/lib/ip_cluster
MAN5      := $(DESTDIR)$(PREFIX)/share/man/man5
MAN7      := $(DESTDIR)$(PREFIX)/share/man/man7
MAN8      := $(DESTDIR)$(PREFIX)/share/man/man8
HADOC     := $(DESTDIR)$(PREFIX)/share/doc/ip_cluster/ha
UNITDIR   := $(DESTDIR)$(PREFIX)/lib/systemd/system
COMPLETIONDIR := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
PROGRAMS  := clusterd clconfig ipfwadm-cluster procfs-shim
TESTLOG   := $(or $(TMPDIR),/tmp)/ip_cluster-test.log

SHELL := /bin/bash

.PHONY: all build deps test stress demo demo-ha install bench clean

all: build

deps:
	@scripts/install-deps

build:
	$(DOTNET) build Legacy.sln -c $(CONFIG) -nologo -v quiet
	@$(DOTNET) build-server shutdown >/dev/null 2>&1 || true

# Every test project runs (but the stress tests); the closing line sums them all.
test: deps
	@set -o pipefail; \
	$(DOTNET) test Legacy.sln -c $(CONFIG) -nologo --filter 'Category!=Stress' 2>&1 | tee $(TESTLOG); status=$$?; \
	$(DOTNET) build-server shutdown >/dev/null 2>&1 || true; \
	scripts/test-summary $(TESTLOG); exit $$status

# The tests marked [Trait("Category", "Stress")]: the issues' reproductions at full size (minutes).
stress: deps
	@set -o pipefail; \
	$(DOTNET) test Legacy.sln -c $(CONFIG) -nologo --filter 'Category=Stress' --logger 'console;verbosity=detailed' 2>&1 | tee $(TESTLOG); status=$$?; \
	$(DOTNET) build-server shutdown >/dev/null 2>&1 || true; \
	scripts/test-summary $(TESTLOG); exit $$status

demo: deps build
	@scripts/demo $(CONFIG)

demo-ha: deps build
	@scripts/demo-ha $(CONFIG)

install:
	@for p in $(PROGRAMS); do \
	    $(DOTNET) publish $$p/$$p.csproj -c $(CONFIG) -nologo -v quiet -o $(LIBDIR)/$$p || exit 1; \
	done
	@$(DOTNET) build-server shutdown >/dev/null 2>&1 || true
	install -d $(SBIN)
	@for p in $(PROGRAMS); do ln -sfn ../lib/ip_cluster/$$p/$$p $(SBIN)/$$p; done
	ln -sfn ipfwadm-cluster $(SBIN)/ipfwadm
	install -d $(MAN5) $(MAN7) $(MAN8) $(UNITDIR) $(COMPLETIONDIR) $(HADOC) $(LIBDIR)/ha
	install -m 644 man/ip_cluster.5 $(MAN5)/
	install -m 644 man/ip_cluster-ha.7 $(MAN7)/
	install -m 644 man/clconfig.8 man/clusterd.8 man/ipfwadm-cluster.8 man/procfs-shim.8 $(MAN8)/
	echo '.so man8/ipfwadm-cluster.8' > $(MAN8)/ipfwadm.8
	@for u in clusterd procfs-shim; do \
	    sed 's|@SBINDIR@|$(PREFIX)/sbin|' dist/systemd/$$u.service > $(UNITDIR)/$$u.service; \
	done
	install -m 644 dist/bash-completion/clconfig dist/bash-completion/ipfwadm $(COMPLETIONDIR)/
	@for f in keepalived.conf conntrackd.conf keepalived-return.conf conntrackd-multi-primary.conf frr.conf daemons; do \
	    sed 's|@SBINDIR@|$(PREFIX)/sbin|; s|@HADIR@|$(PREFIX)/lib/ip_cluster/ha|' dist/ha/$$f > $(HADOC)/$$f; \
	done
	@for f in ip_cluster-check ip_cluster-notify ip_cluster-announce; do \
	    sed 's|@SBINDIR@|$(PREFIX)/sbin|; s|@HADIR@|$(PREFIX)/lib/ip_cluster/ha|; s|@CONNTRACKD@|/usr/sbin/conntrackd| ' dist/ha/$$f > $(LIBDIR)/ha/$$f && chmod 755 $(LIBDIR)/ha/$$f; \
	done

bench: deps build
	@bench/run $(CONFIG)

clean:
	$(DOTNET) clean Legacy.sln -nologo -v quiet
