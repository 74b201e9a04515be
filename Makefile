# Convenience wrapper around ./dev.sh (which needs nothing but bash and Python 3.11).
.PHONY: setup run test lock
setup: ; ./dev.sh setup
run: ; ./dev.sh run
test: ; ./dev.sh test
lock: ; ./dev.sh lock
