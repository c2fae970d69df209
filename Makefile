# The two commands of the README:  make book   (build the HTML book)   make test   (run all tests)
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip
JOBS ?= 2

.PHONY: install book test lint check pytest build-book execute new bench clean

## install: pip-install the pinned course environment and dlbook (and Debian's Fashion-MNIST and chromium when root)
install:
	bash tools/install.sh

## book: build the HTML book from the committed, executed notebooks into _build/html
book: install build-book

build-book:
	$(PYTHON) -m jupyter book build . -W --keep-going
	@echo "The book is in _build/html/index.html"

## test: lint, pair check, a -W book build, then unit tests + doctests + strict nbval over every
## chapter and the built book checked page by page in headless Chromium (tests/test_book.py)
test: install lint check build-book
	DLBOOK_REQUIRE_BOOK=1 $(MAKE) pytest

## lint: the formatter and the linter (configured in pyproject.toml [tool.ruff]) must find nothing
lint:
	$(PYTHON) -m ruff format --check .
	$(PYTHON) -m ruff check .

check:
	$(PYTHON) tools/chapters.py check

pytest:
	$(PYTHON) -m pytest -n $(JOBS) --dist loadfile

## execute: refresh a chapter's reference outputs, e.g.  make execute CH=chapters/01_history.md  (or CH=--all)
execute:
	$(PYTHON) tools/chapters.py execute $(CH)

## new: create a chapter pair, e.g.  make new NAME=02_ann TITLE="Artificial neural networks"
new:
	$(PYTHON) tools/chapters.py new $(NAME) "$(TITLE)"

## bench: execute every chapter, record wall time and peak memory in benchmarks/results.{json,md}
bench:
	$(PYTHON) tools/benchmark.py

clean:
	rm -rf _build .pytest_cache
